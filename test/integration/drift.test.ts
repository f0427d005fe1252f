import { CreateAccountAssignmentCommand } from '@aws-sdk/client-sso-admin';
import { describe, expect, it } from 'vitest';
import { call, info, ssoAdminClient, userId, withReconcilerLock } from './harness.ts';

describe('GET /audit/drift', () => {
  it('lists what the reconciler found, for auditors and admins only', async () => {
    // Prepare: an assignment made behind the tool's back
    await ssoAdminClient().send(
      new CreateAccountAssignmentCommand({
        InstanceArn: info().instanceArn,
        TargetId: '111111111111',
        TargetType: 'AWS_ACCOUNT',
        PermissionSetArn: info().permissionSets.PowerUser,
        PrincipalType: 'USER',
        PrincipalId: userId('t08'),
      }),
    );
    const before = new Date().toISOString();
    await withReconcilerLock(() => call('admin1', 'POST', '/admin/reconcile'));

    // Act
    const findings = await call<
      { kind: string; source: string; principal: { id: string }; permissionSet: string; at: string }[]
    >('auditor1', 'GET', `/audit/drift?limit=1000&from=${encodeURIComponent(before)}`);
    const byTester = await call('t08', 'GET', '/audit/drift');

    // Assess
    expect(findings.status).toBe(200);
    expect(findings.body).toContainEqual(
      expect.objectContaining({
        kind: 'OUT_OF_BAND',
        source: 'RECONCILER',
        accountId: '111111111111',
        permissionSet: 'PowerUser',
        principal: expect.objectContaining({ type: 'USER', id: userId('t08') }),
      }),
    );
    expect([...findings.body].sort((a, b) => b.at.localeCompare(a.at))).toEqual(findings.body);
    expect(byTester.status).toBe(403);
  });
});

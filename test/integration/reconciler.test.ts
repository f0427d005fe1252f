import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { CreateAccountAssignmentCommand } from '@aws-sdk/client-sso-admin';
import { describe, expect, it } from 'vitest';
import type { ReconcileReport } from '../../core/reconcile.ts';
import {
  call,
  executionArn,
  executionStatus,
  getLease,
  info,
  injectAwsFaults,
  isAssigned,
  requestLease,
  sfnClient,
  ssoAdminClient,
  userId,
  waitForStatus,
  waitUntil,
  withReconcilerLock,
} from './harness.ts';
import { fixturePolicy, reconcilerDeployedWith } from './lease-ops-kit.ts';

interface ErrorReply {
  error: { code: string; message: string };
}

const AUTO = { accountId: '111111111111', permissionSet: 'ReadOnly' } as const;

/** An assignment of AUTO made outside the tool, as an administrator would. */
const assignDirectly = async (user: string) => {
  await ssoAdminClient().send(
    new CreateAccountAssignmentCommand({
      InstanceArn: info().instanceArn,
      TargetId: AUTO.accountId,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: info().permissionSets[AUTO.permissionSet],
      PrincipalType: 'USER',
      PrincipalId: userId(user),
    }),
  );
  await waitUntil('out-of-band assignment', () => isAssigned(user, AUTO.accountId, AUTO.permissionSet));
};

/**
 * An ACTIVE lease of AUTO whose execution was stopped. Step Functions delivers its status events
 * best effort: this ABORTED one is lost, so only a scheduled (here: requested) run finds the orphan.
 */
const stoppedLease = async (user: string) => {
  const lease = await requestLease(user, { ...AUTO, duration: 'PT3S' });
  const active = await waitForStatus(user, lease.id, 'ACTIVE');
  await injectAwsFaults([{ service: 'states', mode: 'dropped', leaseId: lease.id }]);
  await sfnClient().send(
    new StopExecutionCommand({ executionArn: executionArn(lease.id), cause: 'integration test' }),
  );
  await waitUntil('execution ABORTED', async () => (await executionStatus(lease.id)) === 'ABORTED');
  return { lease, active };
};

describe.concurrent('the reconciler', () => {
  it('removes the assignment of a lease whose execution was stopped, once it has expired', async () => {
    await withReconcilerLock(async () => {
      // Prepare
      const user = 't21';
      const { lease, active } = await stoppedLease(user);
      const assignedAfterStop = await isAssigned(user, AUTO.accountId, AUTO.permissionSet);
      const expiresAt = Date.parse(active.expiresAt as string);
      await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 1000));
      const assignedAfterExpiry = await isAssigned(user, AUTO.accountId, AUTO.permissionSet);
      const statusAfterExpiry = (await getLease(user, lease.id)).status;

      // Act
      const reconciled = await call<ReconcileReport>('admin1', 'POST', '/admin/reconcile');
      const ended = await getLease(user, lease.id);

      // Assess
      expect(assignedAfterStop).toBe(true);
      expect(assignedAfterExpiry).toBe(true);
      expect(statusAfterExpiry).toBe('ACTIVE');
      expect(reconciled.status).toBe(200);
      expect(reconciled.body.removed).toContainEqual(
        expect.objectContaining({
          accountId: AUTO.accountId,
          permissionSet: AUTO.permissionSet,
          principal: expect.objectContaining({ type: 'USER', id: userId(user) }),
          leaseIds: [lease.id],
          requestId: expect.any(String),
        }),
      );
      expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
      expect(ended.status).toBe('ENDED');
      expect(ended.endReason).toBe('EXPIRED');
      expect(ended.timeline).toContainEqual(expect.objectContaining({ type: 'ENDED', actor: 'reconciler' }));
    });
  });

  it('removes an orphan of a lease whose account and permission set a later policy dropped', async () => {
    await withReconcilerLock(async () => {
      // Prepare: as above, an expired lease whose workflow was stopped
      const user = 't41';
      const { lease, active } = await stoppedLease(user);
      await waitUntil('the lease expired', async () => Date.now() > Date.parse(active.expiresAt as string));
      // An administrator's own assignment of the pair, which the tool did not make.
      const admins = 't42';
      await assignDirectly(admins);
      // A deploy then dropped every rule naming ReadOnly, and with them the account 111111111111.
      const reconcile = reconcilerDeployedWith(
        (p) => ({ ...p, rules: p.rules.filter((r) => !r.permissionSets.includes(AUTO.permissionSet)) }),
        fixturePolicy(),
      );

      // Act
      const report = await reconcile();

      // Assess
      expect(report.removed).toContainEqual(
        expect.objectContaining({
          accountId: AUTO.accountId,
          principal: expect.objectContaining({ type: 'USER', id: userId(user) }),
          leaseIds: [lease.id],
        }),
      );
      expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
      expect((await getLease(user, lease.id)).status).toBe('ENDED');
      expect(report.removed.map((r) => r.principal.id)).not.toContain(userId(admins));
      expect(await isAssigned(admins, AUTO.accountId, AUTO.permissionSet)).toBe(true);
    });
  });

  it('reports an assignment made outside the tool and leaves it in place', async () => {
    // Prepare
    const user = 't22';
    await assignDirectly(user);

    // Act
    const reconciled = await withReconcilerLock(() =>
      call<ReconcileReport>('admin1', 'POST', '/admin/reconcile'),
    );

    // Assess
    expect(reconciled.status).toBe(200);
    expect(reconciled.body.checkedAssignments).toBeGreaterThanOrEqual(1);
    expect(reconciled.body.outOfBand).toContainEqual({
      accountId: AUTO.accountId,
      permissionSet: AUTO.permissionSet,
      principal: expect.objectContaining({ type: 'USER', id: userId(user) }),
    });
    expect(reconciled.body.removed.map((r) => r.principal.id)).not.toContain(userId(user));
    expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(true);
  });

  it('runs for admins only', async () => {
    // Prepare
    const tester = 't23';

    // Act
    const byTester = await call<ErrorReply>(tester, 'POST', '/admin/reconcile');
    const byAuditor = await call<ErrorReply>('auditor1', 'POST', '/admin/reconcile');
    const anonymous = await call<ErrorReply>(undefined, 'POST', '/admin/reconcile');

    // Assess
    expect(byTester.status).toBe(403);
    expect(byTester.body.error.code).toBe('FORBIDDEN');
    expect(byAuditor.status).toBe(403);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHORIZED');
  });
});

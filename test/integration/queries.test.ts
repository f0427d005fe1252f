import { describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import { call, requestLease, waitForStatus, waitUntil } from './harness.ts';

const AUTO = { accountId: '111111111111', permissionSet: 'ReadOnly', justification: 'queries test' };
const GATED = {
  accountId: '222222222222',
  permissionSet: 'AdministratorAccess',
  justification: 'queries test',
};

describe.concurrent('reading leases', () => {
  it('serves its OpenAPI document to anyone', async () => {
    const doc = await call<{ openapi: string; paths: Record<string, unknown> }>(
      undefined,
      'GET',
      '/openapi.json',
    );
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/leases/{id}/approve');
  });

  it('tells a user which rules they may use', async () => {
    // Act
    const tester = await call<{ ruleId: string; approvalRequired: boolean }[]>('t24', 'GET', '/eligibility');
    const outsider = await call<unknown[]>('outsider', 'GET', '/eligibility');

    // Assess
    expect(tester.status).toBe(200);
    expect(tester.body.map((r) => r.ruleId).sort()).toEqual([
      'auto',
      'crowded',
      'end-sessions',
      'gated',
      'gated-quick-timeout',
      'quorum',
    ]);
    expect(tester.body.find((r) => r.ruleId === 'gated')).toMatchObject({
      accounts: ['222222222222'],
      permissionSets: ['AdministratorAccess'],
      maxDuration: 'PT1H',
      approvalRequired: true,
      // The console's extensions: names from the seed, and who decides.
      accountNames: { '222222222222': 'prod' },
      approvers: { users: [], groups: ['test-approvers'] },
      requiredApprovals: 1,
    });
    expect(tester.body.find((r) => r.ruleId === 'quorum')).toMatchObject({ requiredApprovals: 2 });
    expect(tester.body.find((r) => r.ruleId === 'auto')).toMatchObject({
      accountNames: { '111111111111': 'dev' },
      approvers: { users: [], groups: [] },
      requiredApprovals: 0,
    });
    expect(outsider.body).toEqual([]);
  });

  it('tells the console whether the caller is an auditor or an admin', async () => {
    // Act
    const [tester, auditor, admin] = await Promise.all(
      ['t24', 'auditor1', 'admin1'].map((u) =>
        call<{ userName: string; auditor: boolean; admin: boolean }>(u, 'GET', '/me'),
      ),
    );

    // Assess
    expect(tester?.body).toMatchObject({ userName: 't24', auditor: false, admin: false });
    expect(auditor?.body).toMatchObject({ userName: 'auditor1', auditor: true, admin: false });
    expect(admin?.body).toMatchObject({ userName: 'admin1', auditor: false, admin: true });
  });

  it('lists a user their own leases only, newest first; admins see anyone by principal', async () => {
    // Prepare
    const first = await requestLease('t25', { ...AUTO, duration: 'PT2S' });
    const second = await requestLease('t25', { ...AUTO, permissionSet: 'PowerUser', duration: 'PT2S' });
    await requestLease('t26', { ...AUTO, duration: 'PT2S' });

    // Act
    const own = await call<Lease[]>('t25', 'GET', '/leases');
    const other = await call<Lease[]>('t26', 'GET', '/leases?principal=t25');
    const admin = await call<Lease[]>('admin1', 'GET', '/leases?principal=t25');
    const badStatus = await call<{ error: { message: string } }>('t25', 'GET', '/leases?status=NOPE');

    // Assess
    expect(own.body.map((l) => l.id)).toEqual([second.id, first.id]);
    expect(own.body.every((l) => !('taskToken' in l))).toBe(true);
    expect(other.body.every((l) => l.requester.userName === 't26')).toBe(true);
    expect(admin.body.map((l) => l.id)).toEqual([second.id, first.id]);
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.message).toMatch(/^status:/);
  });

  it('shows approvers what waits for them, and not once they decided', async () => {
    // Prepare
    const lease = await requestLease('t27', { ...GATED, duration: 'PT2S' });
    await waitUntil('the approval request', async () =>
      (await call<Lease>('t27', 'GET', `/leases/${lease.id}`)).body.timeline.some(
        (t) => t.type === 'APPROVAL_REQUESTED',
      ),
    );

    // Act
    const forApprover = await call<Lease[]>('approver2', 'GET', '/approvals');
    const forRequester = await call<Lease[]>('t27', 'GET', '/approvals');
    await call('approver2', 'POST', `/leases/${lease.id}/approve`, {});
    const afterDeciding = await call<Lease[]>('approver2', 'GET', '/approvals');

    // Assess
    expect(forApprover.body.map((l) => l.id)).toContain(lease.id);
    expect(forRequester.body.map((l) => l.id)).not.toContain(lease.id);
    expect(afterDeciding.body.map((l) => l.id)).not.toContain(lease.id);
    await waitForStatus('t27', lease.id, 'ENDED');
  });

  it('answers a retried request with the same lease, and refuses the token for another request', async () => {
    // Prepare
    const body = { ...AUTO, duration: 'PT2S', clientToken: 'retry-1' };

    // Act
    const first = await call<Lease>('t28', 'POST', '/leases', body);
    const again = await call<Lease>('t28', 'POST', '/leases', body);
    const different = await call<{ error: { message: string } }>('t28', 'POST', '/leases', {
      ...body,
      duration: 'PT3S',
    });
    const otherUser = await call<Lease>('t29', 'POST', '/leases', body);

    // Assess
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(different.status).toBe(409);
    expect(different.body.error.message).toMatch(/^clientToken:/);
    expect(otherUser.status).toBe(201);
    expect(otherUser.body.id).not.toBe(first.body.id);
    expect((await call<Lease[]>('t28', 'GET', '/leases')).body).toHaveLength(1);
  });
});

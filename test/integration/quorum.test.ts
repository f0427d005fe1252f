import { describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import { call, isAssigned, requestLease, waitForStatus, waitUntil } from './harness.ts';

describe('a rule that needs two approvers', () => {
  it('grants only after two distinct approvers; the same approver twice does not count', async () => {
    // Prepare
    const user = 't09';
    const lease = await requestLease(user, {
      accountId: '333333333333',
      permissionSet: 'PowerUser',
      duration: 'PT2S',
      justification: 'quorum test',
    });
    await waitUntil('the approval request', async () =>
      (await call<Lease>(user, 'GET', `/leases/${lease.id}`)).body.timeline.some(
        (t) => t.type === 'APPROVAL_REQUESTED',
      ),
    );

    // Act
    const first = await call<Lease>('approver1', 'POST', `/leases/${lease.id}/approve`, {});
    const again = await call<Lease>('approver1', 'POST', `/leases/${lease.id}/approve`, {});
    const assignedAfterOne = await isAssigned(user, '333333333333', 'PowerUser');
    const second = await call<Lease>('approver2', 'POST', `/leases/${lease.id}/approve`, {});
    const active = await waitForStatus(user, lease.id, 'ACTIVE');

    // Assess
    expect(lease.requiredApprovals).toBe(2);
    expect(first.body.status).toBe('PENDING_APPROVAL');
    expect(first.body.requiredApprovals).toBe(2);
    // The same approval again is a retry: answered, never counted twice.
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('PENDING_APPROVAL');
    expect(again.body.approvals).toHaveLength(1);
    expect(assignedAfterOne).toBe(false);
    expect(second.status).toBe(200);
    expect(active.approvals.map((a) => a.userName)).toEqual(['approver1', 'approver2']);
    await waitForStatus(user, lease.id, 'ENDED');
  });
});

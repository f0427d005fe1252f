import { describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import {
  call,
  callsFor,
  executionStatus,
  getLease,
  isAssigned,
  requestLease,
  statesEntered,
  waitForStatus,
  waitUntil,
} from './harness.ts';

interface ErrorReply {
  error: { code: string; message: string };
}

const GATED = { accountId: '222222222222', permissionSet: 'AdministratorAccess' } as const;
const QUICK_TIMEOUT = { accountId: '333333333333', permissionSet: 'AdministratorAccess' } as const;

/** The workflow waits for a decision once the ledger writer has recorded APPROVAL_REQUESTED. */
const waitForApprovalRequest = async (user: string, id: string): Promise<Lease> => {
  let lease = await getLease(user, id);
  await waitUntil(`APPROVAL_REQUESTED on ${id}`, async () => {
    lease = await getLease(user, id);
    return lease.timeline.some((t) => t.type === 'APPROVAL_REQUESTED');
  });
  return lease;
};

const waitForExecution = async (id: string, status: string): Promise<string | undefined> => {
  let seen: string | undefined;
  await waitUntil(`execution ${id} ${status}`, async () => {
    seen = await executionStatus(id);
    return seen === status;
  });
  return seen;
};

describe.concurrent('a lease that needs approval', () => {
  it('waits unassigned until an approver approves, then grants; nobody else may decide', async () => {
    // Prepare
    const user = 't10';
    const lease = await requestLease(user, { ...GATED, duration: 'PT3S' });
    const pending = await waitForApprovalRequest(user, lease.id);
    const assignedWhilePending = await isAssigned(user, GATED.accountId, GATED.permissionSet);
    const createsWhilePending = await callsFor(user, 'CreateAccountAssignment');

    // Act
    const bySelf = await call<ErrorReply>(user, 'POST', `/leases/${lease.id}/approve`, {});
    const byOtherTester = await call<ErrorReply>('t11', 'POST', `/leases/${lease.id}/approve`, {});
    const stillPending = await getLease(user, lease.id);
    const approved = await call<Lease>('approver1', 'POST', `/leases/${lease.id}/approve`, {
      comment: 'go ahead',
    });
    const active = await waitForStatus(user, lease.id, 'ACTIVE');
    const assignedWhileActive = await isAssigned(user, GATED.accountId, GATED.permissionSet);
    const approvedTwice = await call<Lease>('approver1', 'POST', `/leases/${lease.id}/approve`, {});
    const approvedWhenActive = await call<ErrorReply>('approver2', 'POST', `/leases/${lease.id}/approve`, {});
    const ended = await waitForStatus(user, lease.id, 'ENDED');

    // Assess
    expect(lease.status).toBe('PENDING_APPROVAL');
    expect(lease.approvalRequired).toBe(true);
    expect(lease.ruleId).toBe('gated');
    expect(pending.status).toBe('PENDING_APPROVAL');
    expect(assignedWhilePending).toBe(false);
    expect(createsWhilePending).toEqual([]);
    expect(bySelf.status).toBe(403);
    expect(bySelf.body.error.code).toBe('FORBIDDEN');
    expect(byOtherTester.status).toBe(403);
    expect(byOtherTester.body.error.code).toBe('FORBIDDEN');
    expect(stillPending.status).toBe('PENDING_APPROVAL');
    expect(stillPending.approvals).toEqual([]);
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('GRANTING');
    expect(approved.body.approvals).toEqual([
      expect.objectContaining({ userName: 'approver1', decision: 'APPROVED', comment: 'go ahead' }),
    ]);
    expect(assignedWhileActive).toBe(true);
    expect(active.assignment.preExisting).toBe(false);
    // The same approval again is a retry: same lease, counted once; another approver is too late.
    expect(approvedTwice.status).toBe(200);
    expect(approvedTwice.body.approvals).toHaveLength(1);
    expect(approvedWhenActive.status).toBe(409);
    expect(ended.endReason).toBe('EXPIRED');
    expect(await isAssigned(user, GATED.accountId, GATED.permissionSet)).toBe(false);
    expect(ended.timeline.map((t) => t.type)).toEqual([
      'REQUESTED',
      'APPROVAL_REQUESTED',
      'APPROVED',
      'GRANT_STARTED',
      'ACTIVATED',
      'REVOKE_STARTED',
      'ENDED',
    ]);
    expect(ended.timeline.find((t) => t.type === 'APPROVED')?.actor).toBe('approver1');
    const states = await statesEntered(lease.id);
    expect(states).toContain('AwaitApproval');
    expect(states.length).toBeLessThanOrEqual(13);
  });

  it('ends REJECTED when an approver rejects, and is never granted', async () => {
    // Prepare
    const user = 't12';
    const lease = await requestLease(user, { ...GATED, duration: 'PT10M' });
    await waitForApprovalRequest(user, lease.id);

    // Act
    const rejected = await call<Lease>('approver2', 'POST', `/leases/${lease.id}/reject`, {
      comment: 'not today',
    });
    const execution = await waitForExecution(lease.id, 'SUCCEEDED');
    const approvedAfter = await call<ErrorReply>('approver1', 'POST', `/leases/${lease.id}/approve`, {});
    const final = await getLease(user, lease.id);

    // Assess
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('REJECTED');
    expect(execution).toBe('SUCCEEDED');
    expect(approvedAfter.status).toBe(409);
    expect(final.status).toBe('REJECTED');
    expect(final.endedAt).toEqual(expect.any(String));
    expect(final.approvals).toEqual([
      expect.objectContaining({ userName: 'approver2', decision: 'REJECTED', comment: 'not today' }),
    ]);
    expect(final.timeline.map((t) => t.type)).toEqual(['REQUESTED', 'APPROVAL_REQUESTED', 'REJECTED']);
    expect(await isAssigned(user, GATED.accountId, GATED.permissionSet)).toBe(false);
    expect(await callsFor(user, 'CreateAccountAssignment')).toEqual([]);
    expect(await statesEntered(lease.id)).not.toContain('CheckAssignment');
  });

  it('times out when nobody answers, and is never granted', async () => {
    // Prepare
    const user = 't13';

    // Act
    const lease = await requestLease(user, { ...QUICK_TIMEOUT, duration: 'PT10M' });
    const timedOut = await waitForStatus(user, lease.id, 'APPROVAL_TIMED_OUT', 20_000);
    const execution = await waitForExecution(lease.id, 'SUCCEEDED');
    const approvedAfter = await call<ErrorReply>('approver1', 'POST', `/leases/${lease.id}/approve`, {});

    // Assess
    expect(lease.ruleId).toBe('gated-quick-timeout');
    expect(lease.status).toBe('PENDING_APPROVAL');
    expect(timedOut.timeline.map((t) => t.type)).toEqual([
      'REQUESTED',
      'APPROVAL_REQUESTED',
      'APPROVAL_TIMED_OUT',
    ]);
    expect(Date.parse(timedOut.endedAt as string) - Date.parse(timedOut.requestedAt)).toBeGreaterThanOrEqual(
      3000,
    );
    expect(execution).toBe('SUCCEEDED');
    expect(approvedAfter.status).toBe(409);
    expect(await isAssigned(user, QUICK_TIMEOUT.accountId, QUICK_TIMEOUT.permissionSet)).toBe(false);
    expect(await callsFor(user, 'CreateAccountAssignment')).toEqual([]);
  });

  it('is CANCELLED when the requester withdraws it while pending, and is never granted', async () => {
    // Prepare
    const user = 't14';
    const lease = await requestLease(user, { ...GATED, duration: 'PT10M' });
    await waitForApprovalRequest(user, lease.id);

    // Act
    const cancelled = await call<Lease>(user, 'POST', `/leases/${lease.id}/revoke`, { reason: 'not needed' });
    const execution = await waitForExecution(lease.id, 'SUCCEEDED');
    const approvedAfter = await call<ErrorReply>('approver1', 'POST', `/leases/${lease.id}/approve`, {});
    const final = await getLease(user, lease.id);

    // Assess
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(execution).toBe('SUCCEEDED');
    expect(approvedAfter.status).toBe(409);
    expect(final.status).toBe('CANCELLED');
    expect(final.timeline.map((t) => t.type)).toEqual(['REQUESTED', 'APPROVAL_REQUESTED', 'CANCELLED']);
    expect(final.timeline.find((t) => t.type === 'CANCELLED')?.actor).toBe(user);
    expect(await isAssigned(user, GATED.accountId, GATED.permissionSet)).toBe(false);
    expect(await callsFor(user, 'CreateAccountAssignment')).toEqual([]);
  });
});

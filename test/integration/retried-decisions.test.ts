import { describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import {
  call,
  callsFor,
  executionStatus,
  injectAwsFaults,
  isAssigned,
  requestLease,
  waitForStatus,
  waitUntil,
} from './harness.ts';
import { approvalRequested, leaseRecord, OPS_AUTO, OPS_GATED, OPS_QUORUM } from './lease-ops-kit.ts';

interface ErrorReply {
  error: { code: string; message: string };
}

/** The SDK here tries twice: a fault that fires twice reaches the caller. */
const BOTH_TRIES = 2;

const executionIs = (id: string, status: string) =>
  waitUntil(`execution ${id} ${status}`, async () => (await executionStatus(id)) === status);

describe.concurrent('a decision whose call to the workflow failed is retried by the same call', () => {
  it('revoke: SendTaskFailure refused, the lease stays REVOKING with its token, the same revoke again ends it', async () => {
    // Prepare
    const user = 'lo01';
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT30M' });
    await waitForStatus(user, lease.id, 'ACTIVE');
    await injectAwsFaults([
      { service: 'states', action: 'SendTaskFailure', mode: 'refuse', leaseId: lease.id, times: BOTH_TRIES },
    ]);

    // Act
    const first = await call<ErrorReply>(user, 'POST', `/leases/${lease.id}/revoke`, { reason: 'done' });
    const between = await leaseRecord(lease.id);
    const assignedBetween = await isAssigned(user, OPS_AUTO.accountId, OPS_AUTO.permissionSet);
    const again = await call<Lease>(user, 'POST', `/leases/${lease.id}/revoke`, { reason: 'done' });
    const ended = await waitForStatus(user, lease.id, 'ENDED', 20_000);

    // Assess
    expect(first.status).toBe(500);
    expect(between.status).toBe('REVOKING');
    expect(between.tokenFor).toBe('HOLD');
    expect(assignedBetween).toBe(true);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('REVOKING');
    expect(ended.endReason).toBe('REVOKED');
    expect(ended.timeline.filter((t) => t.type === 'REVOKE_REQUESTED')).toHaveLength(1);
    expect(await isAssigned(user, OPS_AUTO.accountId, OPS_AUTO.permissionSet)).toBe(false);
  });

  it('revoke: SendTaskFailure applied and its answer lost, the same revoke again answers the lease it ended', async () => {
    // Prepare
    const user = 'lo02';
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT30M' });
    await waitForStatus(user, lease.id, 'ACTIVE');
    await injectAwsFaults([
      { service: 'states', action: 'SendTaskFailure', mode: 'lost', leaseId: lease.id, times: BOTH_TRIES },
    ]);

    // Act
    const first = await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    const again = await call<Lease>(user, 'POST', `/leases/${lease.id}/revoke`, {});
    const ended = await waitForStatus(user, lease.id, 'ENDED', 20_000);

    // Assess
    expect(first.status).toBe(500);
    expect(again.status).toBe(200);
    expect(ended.endReason).toBe('REVOKED');
    expect(ended.timeline.filter((t) => t.type === 'REVOKE_REQUESTED')).toHaveLength(1);
  });

  it('approve: SendTaskSuccess refused, the same approval again grants the lease (not APPROVAL_TIMED_OUT), counted once', async () => {
    // Prepare
    const user = 'lo03';
    const lease = await requestLease(user, { ...OPS_GATED, duration: 'PT20S' });
    await approvalRequested(user, lease.id);
    await injectAwsFaults([
      { service: 'states', action: 'SendTaskSuccess', mode: 'refuse', leaseId: lease.id, times: BOTH_TRIES },
    ]);

    // Act
    const first = await call<ErrorReply>('loa1', 'POST', `/leases/${lease.id}/approve`, { comment: 'ok' });
    const between = await leaseRecord(lease.id);
    const again = await call<Lease>('loa1', 'POST', `/leases/${lease.id}/approve`, { comment: 'ok' });
    const active = await waitForStatus(user, lease.id, 'ACTIVE');
    const otherAnswer = await call<ErrorReply>('loa1', 'POST', `/leases/${lease.id}/reject`, {});

    // Assess
    expect(first.status).toBe(500);
    expect(between.status).toBe('GRANTING');
    expect(between.tokenFor).toBe('APPROVAL');
    expect(again.status).toBe(200);
    expect(active.approvals).toEqual([expect.objectContaining({ userName: 'loa1', decision: 'APPROVED' })]);
    expect(active.approvals[0]?.userId).toEqual(expect.any(String));
    expect(active.timeline.filter((t) => t.type === 'APPROVED')).toHaveLength(1);
    expect(otherAnswer.status).toBe(409);
    expect(await callsFor(user, 'CreateAccountAssignment')).toHaveLength(1);
    await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    await waitForStatus(user, lease.id, 'ENDED');
  });

  it('approve: SendTaskSuccess applied and its answer lost, the same approval again answers the lease, granted once', async () => {
    // Prepare
    const user = 'lo04';
    const lease = await requestLease(user, { ...OPS_GATED, duration: 'PT20S' });
    await approvalRequested(user, lease.id);
    await injectAwsFaults([
      { service: 'states', action: 'SendTaskSuccess', mode: 'lost', leaseId: lease.id, times: BOTH_TRIES },
    ]);

    // Act
    const first = await call('loa2', 'POST', `/leases/${lease.id}/approve`, {});
    const again = await call<Lease>('loa2', 'POST', `/leases/${lease.id}/approve`, {});
    const active = await waitForStatus(user, lease.id, 'ACTIVE');

    // Assess
    expect(first.status).toBe(500);
    expect(again.status).toBe(200);
    expect(again.body.approvals).toHaveLength(1);
    expect(active.timeline.filter((t) => t.type === 'APPROVED')).toHaveLength(1);
    expect(await callsFor(user, 'CreateAccountAssignment')).toHaveLength(1);
    await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    await waitForStatus(user, lease.id, 'ENDED');
  });

  it('reject: SendTaskFailure refused, the same rejection again ends the workflow at once, never granted', async () => {
    // Prepare
    const user = 'lo05';
    const lease = await requestLease(user, { ...OPS_GATED, duration: 'PT10M' });
    await approvalRequested(user, lease.id);
    await injectAwsFaults([
      { service: 'states', action: 'SendTaskFailure', mode: 'refuse', leaseId: lease.id, times: BOTH_TRIES },
    ]);

    // Act
    const first = await call('loa1', 'POST', `/leases/${lease.id}/reject`, { comment: 'no' });
    const runningBetween = await executionStatus(lease.id);
    const again = await call<Lease>('loa1', 'POST', `/leases/${lease.id}/reject`, { comment: 'no' });
    await executionIs(lease.id, 'SUCCEEDED');
    const approveAfter = await call('loa2', 'POST', `/leases/${lease.id}/approve`, {});

    // Assess
    expect(first.status).toBe(500);
    expect(runningBetween).toBe('RUNNING');
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('REJECTED');
    expect(again.body.approvals).toHaveLength(1);
    expect(approveAfter.status).toBe(409);
    expect(await callsFor(user, 'CreateAccountAssignment')).toEqual([]);
  });

  it('withdraw while pending: SendTaskFailure refused, the same withdrawal again ends the workflow', async () => {
    // Prepare
    const user = 'lo06';
    const lease = await requestLease(user, { ...OPS_GATED, duration: 'PT10M' });
    await approvalRequested(user, lease.id);
    await injectAwsFaults([
      { service: 'states', action: 'SendTaskFailure', mode: 'refuse', leaseId: lease.id, times: BOTH_TRIES },
    ]);

    // Act
    const first = await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    const again = await call<Lease>(user, 'POST', `/leases/${lease.id}/revoke`, {});
    await executionIs(lease.id, 'SUCCEEDED');

    // Assess
    expect(first.status).toBe(500);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('CANCELLED');
    expect(again.body.timeline.filter((t) => t.type === 'CANCELLED')).toHaveLength(1);
    expect(await callsFor(user, 'CreateAccountAssignment')).toEqual([]);
  });
});

describe.concurrent('approvers at once', () => {
  it('two approvers of a two-approver rule at once both count, and the lease is granted once', async () => {
    // Prepare
    const user = 'lo07';
    const lease = await requestLease(user, { ...OPS_QUORUM, duration: 'PT20S' });
    await approvalRequested(user, lease.id);

    // Act
    const answers = await Promise.all(
      ['loa1', 'loa2'].map((a) => call<Lease>(a, 'POST', `/leases/${lease.id}/approve`, {})),
    );
    const active = await waitForStatus(user, lease.id, 'ACTIVE');

    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(active.approvals.map((a) => a.userName).sort()).toEqual(['loa1', 'loa2']);
    expect(await callsFor(user, 'CreateAccountAssignment')).toHaveLength(1);
    await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    await waitForStatus(user, lease.id, 'ENDED');
  });

  it('two approvers of a one-approver rule at once: one decides, the other is told it is decided', async () => {
    // Prepare
    const user = 'lo08';
    const lease = await requestLease(user, { ...OPS_GATED, duration: 'PT20S' });
    await approvalRequested(user, lease.id);

    // Act
    const answers = await Promise.all(
      ['loa1', 'loa2'].map((a) => call<Lease>(a, 'POST', `/leases/${lease.id}/approve`, {})),
    );
    const active = await waitForStatus(user, lease.id, 'ACTIVE');

    // Assess
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(active.approvals).toHaveLength(1);
    expect(await callsFor(user, 'CreateAccountAssignment')).toHaveLength(1);
    await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    await waitForStatus(user, lease.id, 'ENDED');
  });
});

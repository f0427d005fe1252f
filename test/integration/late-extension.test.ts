import { describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import { call, callsFor, injectFaults, requestLease, userId, waitForStatus, waitUntil } from './harness.ts';

const AUTO = { accountId: '111111111111', permissionSet: 'ReadOnly' } as const;

describe('an extension that reaches the hold after it timed out', () => {
  it('is not applied: the late SendTaskSuccess meets a closed task, the lease ends at its expiry', async () => {
    // Prepare: the deletion stays IN_PROGRESS a while, so the ledger still shows the lease ACTIVE
    // after its hold timed out (the fault storm, bench/storm.ts, found the extension recorded then)
    const user = 'own13';
    const lease = await requestLease(user, { ...AUTO, duration: 'PT6S' });
    const active = await waitForStatus(user, lease.id, 'ACTIVE');
    await injectFaults({
      rules: [{ principalId: userId(user), action: 'DeleteAccountAssignment', inProgressPolls: 8, times: 1 }],
    });
    await waitUntil(
      'the hold to time out and the deletion to begin',
      async () => (await callsFor(user, 'DeleteAccountAssignment')).length > 0,
      30_000,
    );

    // Act
    const late = await call<Lease>(user, 'POST', `/leases/${lease.id}/extend`, { duration: 'PT10M' });
    const ended = await waitForStatus(user, lease.id, 'ENDED', 60_000);

    // Assess
    expect(late.status).toBe(409);
    expect(ended.expiresAt).toBe(active.expiresAt);
    expect(ended.timeline.some((e) => e.type === 'EXTENDED')).toBe(false);
  });
});

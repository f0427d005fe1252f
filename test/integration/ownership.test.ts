import { describe, expect, it } from 'vitest';
import { callsFor, isAssigned, requestLease, waitForStatus } from './harness.ts';

describe.concurrent('assignments the lease did not create', () => {
  it('leaves a standing assignment in place when the lease ends', async () => {
    // Prepare
    const user = 't05';
    const tuple = { accountId: '111111111111', permissionSet: 'ReadOnly' } as const;
    const standingBefore = await isAssigned(user, tuple.accountId, tuple.permissionSet);
    // The seed created the standing assignment through the emulator: only count calls from now on.
    const callsBefore = (await callsFor(user)).length;

    // Act
    const lease = await requestLease(user, { ...tuple, duration: 'PT3S' });
    const active = await waitForStatus(user, lease.id, 'ACTIVE');
    const ended = await waitForStatus(user, lease.id, 'ENDED');

    // Assess
    expect(standingBefore).toBe(true);
    expect(active.assignment.preExisting).toBe(true);
    expect(ended.endReason).toBe('EXPIRED');
    expect(await isAssigned(user, tuple.accountId, tuple.permissionSet)).toBe(true);
    const leaseCalls = (await callsFor(user)).slice(callsBefore).map((c) => c.action);
    expect(leaseCalls).not.toContain('CreateAccountAssignment');
    expect(leaseCalls).not.toContain('DeleteAccountAssignment');
  });

  it('keeps the assignment while an overlapping lease on the same tuple still holds it', async () => {
    // Prepare
    const user = 't17';
    const tuple = { accountId: '111111111111', permissionSet: 'PowerUser' } as const;
    // Long enough that the second lease joins before the first ends, on a loaded machine too.
    const first = await requestLease(user, { ...tuple, duration: 'PT10S' });
    const firstActive = await waitForStatus(user, first.id, 'ACTIVE');

    // Act
    const second = await requestLease(user, { ...tuple, duration: 'PT20S' });
    const secondActive = await waitForStatus(user, second.id, 'ACTIVE');
    const firstEnded = await waitForStatus(user, first.id, 'ENDED');
    const assignedAfterFirst = await isAssigned(user, tuple.accountId, tuple.permissionSet);
    const deletesAfterFirst = await callsFor(user, 'DeleteAccountAssignment');
    const secondWhileFirstEnded = await waitForStatus(user, second.id, 'ACTIVE', 1000);
    const secondEnded = await waitForStatus(user, second.id, 'ENDED', 30_000);

    // Assess
    expect(firstActive.assignment.preExisting).toBe(false);
    expect(secondActive.assignment.preExisting).toBe(true);
    expect(firstEnded.endReason).toBe('EXPIRED');
    expect(assignedAfterFirst).toBe(true);
    expect(deletesAfterFirst).toEqual([]);
    expect(secondWhileFirstEnded.status).toBe('ACTIVE');
    expect(secondEnded.endReason).toBe('EXPIRED');
    expect(await isAssigned(user, tuple.accountId, tuple.permissionSet)).toBe(false);
    expect(await callsFor(user, 'CreateAccountAssignment')).toHaveLength(1);
    expect(await callsFor(user, 'DeleteAccountAssignment')).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import {
  call,
  callsFor,
  executionStatus,
  getLease,
  isAssigned,
  requestLease,
  waitForStatus,
  waitUntil,
} from './harness.ts';

const AUTO = { accountId: '111111111111', permissionSet: 'ReadOnly' } as const;

describe.concurrent('a scheduled lease', () => {
  it('waits unassigned until its start time, then grants and ends', async () => {
    // Prepare
    const user = 't15';
    const startAt = new Date(Date.now() + 4000).toISOString();

    // Act
    const lease = await requestLease(user, { ...AUTO, duration: 'PT3S', startAt });
    const checksBeforeStart: boolean[] = [];
    // Leave a little room for the clocks of the emulator and this process.
    while (Date.now() < Date.parse(startAt) - 300) {
      checksBeforeStart.push(await isAssigned(user, AUTO.accountId, AUTO.permissionSet));
      await new Promise((r) => setTimeout(r, 250));
    }
    const statusBeforeStart = (await getLease(user, lease.id)).status;
    const active = await waitForStatus(user, lease.id, 'ACTIVE', 15_000);
    const assignedAfterStart = await isAssigned(user, AUTO.accountId, AUTO.permissionSet);
    const ended = await waitForStatus(user, lease.id, 'ENDED', 20_000);
    const creates = await callsFor(user, 'CreateAccountAssignment');

    // Assess
    expect(lease.status).toBe('SCHEDULED');
    expect(lease.startAt).toBe(startAt);
    expect(lease.timeline.map((t) => t.type)).toEqual(['REQUESTED', 'SCHEDULED']);
    expect(checksBeforeStart.length).toBeGreaterThanOrEqual(3);
    expect(checksBeforeStart.every((assigned) => !assigned)).toBe(true);
    expect(statusBeforeStart).toBe('SCHEDULED');
    expect(Date.parse(active.grantedAt as string)).toBeGreaterThanOrEqual(Date.parse(startAt));
    expect(creates).toHaveLength(1);
    expect((creates[0]?.at as number) * 1000).toBeGreaterThanOrEqual(Date.parse(startAt) - 50);
    expect(assignedAfterStart).toBe(true);
    expect(ended.endReason).toBe('EXPIRED');
    expect(ended.timeline.map((t) => t.type)).toEqual([
      'REQUESTED',
      'SCHEDULED',
      'GRANT_STARTED',
      'ACTIVATED',
      'REVOKE_STARTED',
      'ENDED',
    ]);
    expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
  });

  it('is CANCELLED when the requester withdraws it before it starts, and is never granted', async () => {
    // Prepare
    const user = 't16';
    const startAt = new Date(Date.now() + 30_000).toISOString();
    const lease = await requestLease(user, { ...AUTO, duration: 'PT5M', startAt });

    // Act
    const cancelled = await call<Lease>(user, 'POST', `/leases/${lease.id}/revoke`, {
      reason: 'plans changed',
    });
    let execution: string | undefined;
    await waitUntil(`execution ${lease.id} ABORTED`, async () => {
      execution = await executionStatus(lease.id);
      return execution === 'ABORTED';
    });
    const final = await getLease(user, lease.id);

    // Assess
    expect(lease.status).toBe('SCHEDULED');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(execution).toBe('ABORTED');
    expect(final.status).toBe('CANCELLED');
    expect(final.timeline.map((t) => t.type)).toEqual(['REQUESTED', 'SCHEDULED', 'CANCELLED']);
    expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
    expect(await callsFor(user, 'CreateAccountAssignment')).toEqual([]);
  });
});

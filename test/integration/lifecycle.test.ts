import { describe, expect, it } from 'vitest';
import { call, isAssigned, requestLease, statesEntered, waitForStatus } from './harness.ts';

describe('an auto-approved lease', () => {
  it('grants, holds until expiry, revokes, and records every step', async () => {
    // Prepare
    const user = 't01';

    // Act
    const requested = await requestLease(user, {
      accountId: '111111111111',
      permissionSet: 'ReadOnly',
      duration: 'PT4S',
    });
    const active = await waitForStatus(user, requested.id, 'ACTIVE');
    const assignedWhileActive = await isAssigned(user, '111111111111', 'ReadOnly');
    const ended = await waitForStatus(user, requested.id, 'ENDED');

    // Assess
    expect(requested.status).toBe('GRANTING');
    expect(assignedWhileActive).toBe(true);
    expect(active.assignment.preExisting).toBe(false);
    expect(active.assignment.createRequestId).toEqual(expect.any(String));
    expect(Date.parse(active.expiresAt as string) - Date.parse(active.grantedAt as string)).toBe(4000);
    expect(ended.endReason).toBe('EXPIRED');
    expect(ended.assignment.deleteRequestId).toEqual(expect.any(String));
    expect(ended.assignment.deleteRequestId).not.toBe(ended.assignment.createRequestId);
    expect(await isAssigned(user, '111111111111', 'ReadOnly')).toBe(false);
    expect(ended.timeline.map((t) => t.type)).toEqual([
      'REQUESTED',
      'GRANT_STARTED',
      'ACTIVATED',
      'REVOKE_STARTED',
      'ENDED',
    ]);
    expect(Date.parse(ended.endedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(active.expiresAt as string),
    );
    const states = await statesEntered(requested.id);
    expect(states.length).toBeLessThanOrEqual(12);
    expect(states).toContain('CreationStatus');
    expect(states).toContain('DeletionStatus');
  });

  it('ends early when the requester revokes it', async () => {
    // Prepare
    const user = 't02';
    const lease = await requestLease(user, {
      accountId: '111111111111',
      permissionSet: 'ReadOnly',
      duration: 'PT30M',
    });
    await waitForStatus(user, lease.id, 'ACTIVE');

    // Act
    const revoke = await call<{ status: string }>(user, 'POST', `/leases/${lease.id}/revoke`, {
      reason: 'done early',
    });
    const ended = await waitForStatus(user, lease.id, 'ENDED', 15_000);

    // Assess
    expect(revoke.status).toBe(200);
    expect(revoke.body.status).toBe('REVOKING');
    expect(ended.endReason).toBe('REVOKED');
    expect(ended.timeline.map((t) => t.type)).toContain('REVOKE_REQUESTED');
    expect(await isAssigned(user, '111111111111', 'ReadOnly')).toBe(false);
  });

  it('holds longer after an extension', async () => {
    // Prepare
    const user = 't03';
    const lease = await requestLease(user, {
      accountId: '111111111111',
      permissionSet: 'ReadOnly',
      duration: 'PT3S',
    });
    const active = await waitForStatus(user, lease.id, 'ACTIVE');

    // Act
    const extended = await call<{ expiresAt: string; duration: string }>(
      user,
      'POST',
      `/leases/${lease.id}/extend`,
      { duration: 'PT5S' },
    );
    await new Promise((r) => setTimeout(r, 4000));
    const stillActive = await waitForStatus(user, lease.id, 'ACTIVE', 1000);
    const assignedAfterOriginalExpiry = await isAssigned(user, '111111111111', 'ReadOnly');
    // The same deadline the first test gives an end: CI once saw this one still ACTIVE 16 s past
    // its expiry, with no cause in its output (a failure now prints the execution's history).
    const ended = await waitForStatus(user, lease.id, 'ENDED');

    // Assess
    expect(extended.status).toBe(200);
    expect(extended.body.duration).toBe('PT8S');
    expect(Date.parse(extended.body.expiresAt) - Date.parse(active.expiresAt as string)).toBe(5000);
    expect(stillActive.timeline.map((t) => t.type)).toContain('EXTENDED');
    expect(assignedAfterOriginalExpiry).toBe(true);
    expect(ended.endReason).toBe('EXPIRED');
    expect(Date.parse(ended.endedAt as string)).toBeGreaterThanOrEqual(Date.parse(extended.body.expiresAt));
    expect(await isAssigned(user, '111111111111', 'ReadOnly')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import { call, requestLease, waitForStatus, waitUntil } from './harness.ts';

const GATED = {
  accountId: '222222222222',
  permissionSet: 'AdministratorAccess',
  justification: 'extension approval',
};

describe('extending a lease whose rule needs approval', () => {
  it('waits for an approver, then moves the expiry; a rejection leaves it as it was', async () => {
    // Prepare
    const user = 't06';
    const lease = await requestLease(user, { ...GATED, duration: 'PT1M' });
    await waitUntil('the approval request', async () =>
      (await call<Lease>(user, 'GET', `/leases/${lease.id}`)).body.timeline.some(
        (t) => t.type === 'APPROVAL_REQUESTED',
      ),
    );
    await call('approver1', 'POST', `/leases/${lease.id}/approve`, {});
    const active = await waitForStatus(user, lease.id, 'ACTIVE');

    // Act
    const asked = await call<Lease>(user, 'POST', `/leases/${lease.id}/extend`, { duration: 'PT2M' });
    const twice = await call(user, 'POST', `/leases/${lease.id}/extend`, { duration: 'PT1M' });
    const waitingFor = await call<Lease[]>('approver2', 'GET', '/approvals');
    const byRequester = await call(user, 'POST', `/leases/${lease.id}/approve`, {});
    const approved = await call<Lease>('approver2', 'POST', `/leases/${lease.id}/approve`, {});
    const askedAgain = await call<Lease>(user, 'POST', `/leases/${lease.id}/extend`, { duration: 'PT1M' });
    const rejected = await call<Lease>('approver1', 'POST', `/leases/${lease.id}/reject`, {});
    const revoked = await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    const ended = await waitForStatus(user, lease.id, 'ENDED');

    // Assess
    expect(asked.status).toBe(200);
    expect(asked.body.pendingExtension?.duration).toBe('PT2M');
    expect(asked.body.expiresAt).toBe(active.expiresAt);
    expect(twice.status).toBe(409);
    expect(waitingFor.body.map((l) => l.id)).toContain(lease.id);
    expect(byRequester.status).toBe(403);
    expect(approved.status).toBe(200);
    expect(approved.body.pendingExtension).toBeUndefined();
    expect(approved.body.duration).toBe('PT3M');
    expect(Date.parse(approved.body.expiresAt as string) - Date.parse(active.expiresAt as string)).toBe(
      120_000,
    );
    expect(askedAgain.status).toBe(200);
    expect(rejected.status).toBe(200);
    expect(rejected.body.pendingExtension).toBeUndefined();
    expect(rejected.body.expiresAt).toBe(approved.body.expiresAt);
    expect(rejected.body.status).toBe('ACTIVE');
    expect(revoked.status).toBe(200);
    expect(ended.endReason).toBe('REVOKED');
    expect(ended.timeline.filter((t) => t.type === 'EXTENDED')).toHaveLength(1);
  });

  it('still refuses an extension past the rule maximum, before asking anyone', async () => {
    const user = 't07';
    const lease = await requestLease(user, { ...GATED, duration: 'PT50M' });
    await waitUntil('the approval request', async () =>
      (await call<Lease>(user, 'GET', `/leases/${lease.id}`)).body.timeline.some(
        (t) => t.type === 'APPROVAL_REQUESTED',
      ),
    );
    await call('approver1', 'POST', `/leases/${lease.id}/approve`, {});
    await waitForStatus(user, lease.id, 'ACTIVE');
    const tooLong = await call<{ error: { message: string } }>(user, 'POST', `/leases/${lease.id}/extend`, {
      duration: 'PT20M',
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toMatch(/^duration:/);
    expect((await call<Lease>(user, 'GET', `/leases/${lease.id}`)).body.pendingExtension).toBeUndefined();
    await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    await waitForStatus(user, lease.id, 'ENDED');
  });
});

import { describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import {
  awsFaults,
  call,
  callsFor,
  executionStatus,
  injectAwsFaults,
  isAssigned,
  requestLease,
  waitForStatus,
  waitUntil,
} from './harness.ts';
import { leaseRecord, OPS_AUTO } from './lease-ops-kit.ts';

const startIn = (ms: number) => new Date(Date.now() + ms).toISOString();

describe.concurrent('withdrawing a scheduled lease never grants', () => {
  it('when StopExecution fails: the withdrawal stands, the start claim fails, nothing is granted', async () => {
    // Prepare
    const user = 'lo23';
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT5M', startAt: startIn(8000) });
    const [stop] = await injectAwsFaults([
      { service: 'states', action: 'StopExecution', mode: 'refuse', leaseId: lease.id, times: 2 },
    ]);

    // Act
    const withdrawn = await call<Lease>(user, 'POST', `/leases/${lease.id}/revoke`, {
      reason: 'plans changed',
    });
    await waitUntil(
      `execution ${lease.id} to finish`,
      async () => (await executionStatus(lease.id)) !== 'RUNNING',
      30_000,
    );
    const final = await leaseRecord(lease.id);

    // Assess
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('CANCELLED');
    expect((await awsFaults()).find((r) => r.id === stop)?.fired).toBe(2);
    expect(await executionStatus(lease.id)).toBe('SUCCEEDED');
    expect(final.status).toBe('CANCELLED');
    expect(final.startClaimedAt).toBeUndefined();
    expect(await callsFor(user, 'CreateAccountAssignment')).toEqual([]);
    expect(await isAssigned(user, OPS_AUTO.accountId, OPS_AUTO.permissionSet)).toBe(false);
  });

  it('after the workflow claimed the start: the withdrawal is a revoke, and the lease ends with nothing left', async () => {
    // Prepare
    const user = 'lo24';
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT5M', startAt: startIn(3000) });
    await waitUntil(
      'the start claimed',
      async () => (await leaseRecord(lease.id)).startClaimedAt !== undefined,
    );

    // Act
    const withdrawn = await call<Lease>(user, 'POST', `/leases/${lease.id}/revoke`, {});
    const ended = await waitForStatus(user, lease.id, 'ENDED', 30_000);

    // Assess
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('REVOKING');
    expect(ended.endReason).toBe('REVOKED');
    expect(ended.timeline.map((t) => t.type)).toContain('REVOKE_REQUESTED');
    expect(ended.timeline.map((t) => t.type)).not.toContain('CANCELLED');
    expect(await isAssigned(user, OPS_AUTO.accountId, OPS_AUTO.permissionSet)).toBe(false);
  });

  it('when the withdrawal’s own write was applied and its answer lost: it answers CANCELLED, once', async () => {
    // Prepare
    const user = 'lo22';
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT5M', startAt: startIn(60_000) });
    await injectAwsFaults([
      {
        service: 'dynamodb',
        action: 'UpdateItem',
        mode: 'lost',
        leaseId: lease.id,
        contains: 'CANCELLED',
        times: 1,
      },
    ]);

    // Act
    const withdrawn = await call<Lease>(user, 'POST', `/leases/${lease.id}/revoke`, {});

    // Assess
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('CANCELLED');
    expect(withdrawn.body.timeline.filter((t) => t.type === 'CANCELLED')).toHaveLength(1);
    expect(await callsFor(user, 'CreateAccountAssignment')).toEqual([]);
  });
});

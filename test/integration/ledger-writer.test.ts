import { describe, expect, it } from 'vitest';
import { tokenRank } from '../../core/lease-token.ts';
import {
  awsFaults,
  call,
  injectAwsFaults,
  injectFaults,
  isAssigned,
  requestLease,
  userId,
  waitForStatus,
  waitUntil,
} from './harness.ts';
import { leaseRecord, ledger, OPS_AUTO, waitingStateEntries } from './lease-ops-kit.ts';

const fired = async (id: string | undefined) => (await awsFaults()).find((r) => r.id === id)?.fired ?? 0;

describe.concurrent('the ledger writer under redelivery', () => {
  it('delivers a pending revoke on the redelivery when the first delivery of the hold’s event failed', async () => {
    // Prepare: the create stays IN_PROGRESS a few polls, so the revoke arrives while GRANTING
    const user = 'lo18';
    await injectFaults({
      rules: [{ action: 'CreateAccountAssignment', principalId: userId(user), inProgressPolls: 2, times: 1 }],
    });
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT30M' });
    const revoke = await call<{ status: string }>(user, 'POST', `/leases/${lease.id}/revoke`, {});
    // The writer's revoke to the hold's token fails (both tries): its event is redelivered.
    const [rule] = await injectAwsFaults([
      { service: 'states', action: 'SendTaskFailure', mode: 'refuse', leaseId: lease.id, times: 2 },
    ]);

    // Act
    const ended = await waitForStatus(user, lease.id, 'ENDED', 40_000);

    // Assess
    expect(revoke.status).toBe(200);
    expect(revoke.body.status).toBe('REVOKING');
    expect(await fired(rule)).toBe(2);
    expect(ended.endReason).toBe('REVOKED');
    expect(await isAssigned(user, OPS_AUTO.accountId, OPS_AUTO.permissionSet)).toBe(false);
  });

  it('clears the tuple’s deleting mark on the redelivery when the first try to clear it failed', async () => {
    // Prepare
    const user = 'lo19';
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT3S' });
    const [rule] = await injectAwsFaults([
      {
        service: 'dynamodb',
        action: 'UpdateItem',
        mode: 'refuse',
        leaseId: lease.id,
        contains: 'REMOVE deleting',
        times: 2,
      },
    ]);
    const tuplePk = (await leaseRecord(lease.id)).tuplePk;

    // Act
    await waitForStatus(user, lease.id, 'ENDED');
    await waitUntil(
      'the deleting mark cleared',
      async () => (await ledger().tuples.get(tuplePk))?.deleting === undefined,
      30_000,
    );

    // Assess
    expect(await fired(rule)).toBe(2);
    expect((await ledger().tuples.get(tuplePk))?.holders ?? new Set()).toEqual(new Set());
  });

  it('keeps the newest hold token when a retried hold’s first event arrives last', async () => {
    // Prepare: the hold's first PutEvents is applied and its answer lost, so the workflow puts
    // the event again with a new token; the writer's first try at the first event fails, so that
    // one comes back after the second (a Lambda retry).
    const user = 'lo20';
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT30M' });
    await injectAwsFaults([
      {
        service: 'events',
        action: 'PutEvents',
        mode: 'lost',
        leaseId: lease.id,
        contains: 'Lease Activated',
        times: 1,
      },
      {
        service: 'dynamodb',
        action: 'UpdateItem',
        mode: 'refuse',
        leaseId: lease.id,
        contains: 'ACTIVATED',
        times: 2,
      },
    ]);
    await waitUntil(
      'both attempts of the hold',
      async () => (await waitingStateEntries(lease.id, 'Lease Activated')).length === 2,
    );
    const [first, second] = await waitingStateEntries(lease.id, 'Lease Activated');
    // Calls that name the first token, counted but never failed (skip).
    const [seen] = await injectAwsFaults([
      { service: 'dynamodb', mode: 'refuse', contains: first?.Detail.taskToken as string, skip: 1_000_000 },
    ]);

    // Act
    await waitUntil(
      'the first event redelivered',
      async () => ((await awsFaults()).find((r) => r.id === seen)?.matched ?? 0) > 0,
      30_000,
    );
    const kept = await leaseRecord(lease.id);
    const revoked = await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    const ended = await waitForStatus(user, lease.id, 'ENDED', 20_000);

    // Assess
    expect(first?.Detail.tokenAttempt).toBe(0);
    expect(second?.Detail.tokenAttempt).toBe(1);
    expect(kept.taskToken).toBe(second?.Detail.taskToken);
    expect(kept.tokenRank).toBe(tokenRank({ for: 'HOLD', extensions: 0, attempt: 1 }));
    expect(revoked.status).toBe(200);
    expect(ended.endReason).toBe('REVOKED');
    expect(ended.timeline.filter((t) => t.type === 'ACTIVATED')).toHaveLength(1);
  });

  it('a hold whose PutEvents failed an entry holds on the retry’s token: extended and revoked by it', async () => {
    // Prepare
    const user = 'lo21';
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT30M' });
    await injectAwsFaults([
      {
        service: 'events',
        mode: 'failedEntry',
        leaseId: lease.id,
        contains: 'Lease Activated',
        error: 'ThrottlingException',
        times: 1,
      },
    ]);

    // Act
    const active = await waitForStatus(user, lease.id, 'ACTIVE');
    const extended = await call<{ duration: string }>(user, 'POST', `/leases/${lease.id}/extend`, {
      duration: 'PT1M',
    });
    const revoked = await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    const ended = await waitForStatus(user, lease.id, 'ENDED', 20_000);

    // Assess
    expect(active.status).toBe('ACTIVE');
    expect(
      (await waitingStateEntries(lease.id, 'Lease Activated')).map((e) => e.Detail.tokenAttempt),
    ).toEqual([0, 1]);
    expect(extended.status).toBe(200);
    expect(extended.body.duration).toBe('PT31M');
    expect(revoked.status).toBe(200);
    expect(ended.endReason).toBe('REVOKED');
  });
});

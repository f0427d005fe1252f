import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tokenDigest, tokenRank } from '../../core/lease-token.ts';
import type { EngineEvent } from '../../core/projection.ts';
import { writeLedger } from '../../lambdas/ledger-writer/writer.ts';
import { LOCAL_KEYS } from '../../local/credentials.ts';
import { recordedCalls } from '../iam/calls.ts';
import {
  awsFaults,
  call,
  clearAwsFaults,
  info,
  injectAwsFaults,
  injectFaults,
  isAssigned,
  requestLease,
  userId,
  waitForStatus,
  waitUntil,
} from './harness.ts';
import { leaseRecord, ledger, OPS_AUTO, waitingStateEntries, writerDeps } from './lease-ops-kit.ts';

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
    // the event again with a new token (the first is dead). The emulator hands both attempts the
    // same token (AWS gives each its own); the order of distinct tokens is tokenRank's unit test,
    // this one holds the writer to the rank and to one activation.
    const user = 'lo20';
    // The hold's fault names the lease, known only once requested: Identity Center answers the
    // create IN_PROGRESS for five polls (~10 s), so the workflow reaches the hold after the rule
    // is in place however quickly the lease was started.
    await injectFaults({
      rules: [{ action: 'CreateAccountAssignment', principalId: userId(user), inProgressPolls: 5, times: 1 }],
    });
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
    ]);
    await waitUntil(
      'both attempts of the hold',
      async () => (await waitingStateEntries(lease.id, 'Lease Activated')).length === 2,
    );
    const [first, second] = await waitingStateEntries(lease.id, 'Lease Activated');
    await waitUntil(
      'the second token stored',
      async () => (await leaseRecord(lease.id)).tokenDigest === tokenDigest(second?.Detail.taskToken ?? ''),
    );

    // Act: the first attempt's event reaches the ledger writer last (its first delivery failed
    // and Lambda retried it), handed to the writer's own entry as the Lambda would
    await writeLedger(writerDeps(), {
      id: randomUUID(),
      'detail-type': 'Lease Activated',
      detail: first?.Detail as unknown as EngineEvent['detail'],
    });
    const kept = await leaseRecord(lease.id);
    const revoked = await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    const ended = await waitForStatus(user, lease.id, 'ENDED', 20_000);

    // Assess
    expect(first?.Detail.tokenAttempt).toBe(0);
    expect(second?.Detail.tokenAttempt).toBe(1);
    expect(kept.tokenDigest).toBe(tokenDigest(second?.Detail.taskToken ?? ''));
    expect(kept.tokenRank).toBe(tokenRank({ for: 'HOLD', extensions: 0, attempt: 1 }));
    expect(revoked.status).toBe(200);
    expect(ended.endReason).toBe('REVOKED');
    expect(ended.timeline.filter((t) => t.type === 'ACTIVATED')).toHaveLength(1);
  });

  it('a hold whose PutEvents failed an entry holds on the retry’s token: extended and revoked by it', async () => {
    // Prepare
    const user = 'lo21';
    // As above: the create answers IN_PROGRESS for a while, so the hold's fault is in place first.
    await injectFaults({
      rules: [{ action: 'CreateAccountAssignment', principalId: userId(user), inProgressPolls: 5, times: 1 }],
    });
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

  it('an extension asked while the hold’s token was not stored yet is told by the ledger writer once it is', async () => {
    // Prepare: as above, the hold comes after the rule; the hold token's write is refused until
    // the rule is cleared, so the lease is ACTIVE with no token for the API to tell
    const user = 'lo31';
    await injectFaults({
      rules: [{ action: 'CreateAccountAssignment', principalId: userId(user), inProgressPolls: 5, times: 1 }],
    });
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT30M' });
    const [rule] = await injectAwsFaults([
      {
        service: 'dynamodb',
        action: 'UpdateItem',
        mode: 'refuse',
        leaseId: lease.id,
        contains: 'SET tokenCiphertext',
      },
    ]);
    await waitForStatus(user, lease.id, 'ACTIVE');
    await waitUntil('the hold token’s write refused', async () => (await fired(rule)) > 0);
    // The API reserves the extension and, with no token to send it on, answers that it is not
    // applied yet (after its wait for one).
    const asked = await call(user, 'POST', `/leases/${lease.id}/extend`, { duration: 'PT1M' });
    const reserved = (await leaseRecord(lease.id)).extension;

    // Act: the write goes through on the event's redelivery; the writer tells the reservation
    await clearAwsFaults([rule as string]);
    await waitUntil('the extension applied', async () => (await leaseRecord(lease.id)).extensions === 1);
    const applied = await leaseRecord(lease.id);
    const [hold] = await waitingStateEntries(lease.id, 'Lease Activated');
    const told = (await recordedCalls(info().awsEndpoint)).filter(
      (c) => c.action === 'SendTaskSuccess' && c.params.taskToken === hold?.Detail.taskToken,
    );
    const revoked = await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    const ended = await waitForStatus(user, lease.id, 'ENDED', 20_000);

    // Assess
    expect(asked.status).toBe(409);
    expect(JSON.stringify(asked.body)).toContain('not applied yet');
    expect(reserved?.addedSeconds).toBe(60);
    expect(told.map((c) => [c.key, c.status])).toEqual([[LOCAL_KEYS.ledgerWriter, 200]]);
    expect(applied.duration).toBe('PT31M');
    expect(applied.extension).toBeUndefined();
    expect(ended.timeline.filter((t) => t.type === 'EXTENDED')).toHaveLength(1);
    expect(revoked.status).toBe(200);
    expect(ended.endReason).toBe('REVOKED');
  });
});

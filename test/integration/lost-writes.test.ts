import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import {
  awsFaults,
  call,
  callsFor,
  injectAwsFaults,
  injectFaults,
  isAssigned,
  userId,
  waitForStatus,
} from './harness.ts';
import { OPS_AUTO } from './lease-ops-kit.ts';

const fired = async (id: string | undefined) => (await awsFaults()).find((r) => r.id === id)?.fired ?? 0;

/** DynamoDB applied the write, then its answer was lost: the SDK's retry meets its own write. */
describe.concurrent('a ledger write whose answer was lost', () => {
  it('POST /leases: the lease record was written; the request answers 201 and the lease is granted', async () => {
    // Prepare
    const user = 'lo25';
    const justification = `lost put ${randomUUID()}`;
    const [rule] = await injectAwsFaults([
      { service: 'dynamodb', action: 'PutItem', mode: 'lost', contains: justification, times: 1 },
    ]);

    // Act
    const created = await call<Lease>(user, 'POST', '/leases', {
      ...OPS_AUTO,
      duration: 'PT20S',
      justification,
    });
    const active = await waitForStatus(user, created.body.id, 'ACTIVE');

    // Assess
    expect(await fired(rule)).toBe(1);
    expect(created.status).toBe(201);
    expect(active.timeline.filter((t) => t.type === 'REQUESTED')).toHaveLength(1);
    expect(await callsFor(user, 'CreateAccountAssignment')).toHaveLength(1);
    await call(user, 'POST', `/leases/${created.body.id}/revoke`, {});
    await waitForStatus(user, created.body.id, 'ENDED');
  });

  it('POST /leases with a clientToken: its claim was written; one lease, and the same request again finds it', async () => {
    // Prepare
    const user = 'lo26';
    const clientToken = `ct-${randomUUID()}`;
    const body = { ...OPS_AUTO, duration: 'PT20S', justification: 'idempotent', clientToken };
    const [rule] = await injectAwsFaults([
      { service: 'dynamodb', action: 'PutItem', mode: 'lost', contains: clientToken, times: 1 },
    ]);

    // Act
    const created = await call<Lease>(user, 'POST', '/leases', body);
    const again = await call<Lease>(user, 'POST', '/leases', body);
    await waitForStatus(user, created.body.id, 'ACTIVE');

    // Assess
    expect(await fired(rule)).toBe(1);
    expect(created.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);
    expect(await callsFor(user, 'CreateAccountAssignment')).toHaveLength(1);
    await call(user, 'POST', `/leases/${created.body.id}/revoke`, {});
    await waitForStatus(user, created.body.id, 'ENDED');
  });

  it('the ledger writer’s activation: it still hands the hold the revoke that came while granting', async () => {
    // Prepare: the create stays IN_PROGRESS a few polls, so the revoke arrives while GRANTING
    const user = 'lo27';
    await injectFaults({
      rules: [{ action: 'CreateAccountAssignment', principalId: userId(user), inProgressPolls: 2, times: 1 }],
    });
    const created = await call<Lease>(user, 'POST', '/leases', {
      ...OPS_AUTO,
      duration: 'PT30M',
      justification: 'lost activation write',
    });
    const [rule] = await injectAwsFaults([
      {
        service: 'dynamodb',
        action: 'UpdateItem',
        mode: 'lost',
        leaseId: created.body.id,
        contains: 'ACTIVATED',
        times: 1,
      },
    ]);

    // Act
    const revoke = await call<Lease>(user, 'POST', `/leases/${created.body.id}/revoke`, {});
    const ended = await waitForStatus(user, created.body.id, 'ENDED', 30_000);

    // Assess
    expect(revoke.body.status).toBe('REVOKING');
    expect(await fired(rule)).toBe(1);
    expect(ended.endReason).toBe('REVOKED');
    expect(ended.timeline.filter((t) => t.type === 'ACTIVATED')).toHaveLength(1);
    expect(await isAssigned(user, OPS_AUTO.accountId, OPS_AUTO.permissionSet)).toBe(false);
  });
});

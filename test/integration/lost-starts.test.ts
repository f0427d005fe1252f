import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import {
  awsFaults,
  call,
  callsFor,
  executionStatus,
  injectAwsFaults,
  userId,
  waitForStatus,
} from './harness.ts';
import { OPS_AUTO } from './lease-ops-kit.ts';

const fired = async (id: string | undefined) => (await awsFaults()).find((r) => r.id === id)?.fired ?? 0;

/**
 * POST /leases fails after part of it took effect (the fault storm, `bench/storm.ts`, found
 * these): the lease must be started once and granted, and the same request again (its
 * clientToken) must finish what the first one left, never report a running lease as failed.
 * `times: 2` outlasts the API's own retry (the SDK's second attempt).
 */
describe.concurrent('a lease request that failed halfway', () => {
  it('StartExecution started the workflow and both answers were lost: the lease is granted, not FAILED', async () => {
    // Prepare: the execution's input names the user's id
    const user = 'lo28';
    const [rule] = await injectAwsFaults([
      { service: 'states', action: 'StartExecution', mode: 'lost', contains: userId(user), times: 2 },
    ]);

    // Act
    const created = await call<Lease>(user, 'POST', '/leases', {
      ...OPS_AUTO,
      duration: 'PT20S',
      justification: 'lost start',
    });
    const active = await waitForStatus(user, created.body.id, 'ACTIVE');

    // Assess
    expect(await fired(rule)).toBe(2);
    expect(created.status).toBe(201);
    expect(active.status).toBe('ACTIVE');
    expect(active.failure).toBeUndefined();
    expect(await callsFor(user, 'CreateAccountAssignment')).toHaveLength(1);
    await call(user, 'POST', `/leases/${created.body.id}/revoke`, {});
    await waitForStatus(user, created.body.id, 'ENDED');
  });

  it('the lease was never written (both puts refused): the same request again writes it and grants it', async () => {
    // Prepare
    const user = 'lo29';
    const justification = `refused put ${randomUUID()}`;
    const body = { ...OPS_AUTO, duration: 'PT20S', justification, clientToken: `ct-${randomUUID()}` };
    const [rule] = await injectAwsFaults([
      { service: 'dynamodb', action: 'PutItem', mode: 'refuse', contains: justification, times: 2 },
    ]);

    // Act
    const first = await call<Lease>(user, 'POST', '/leases', body);
    const again = await call<Lease>(user, 'POST', '/leases', body);
    const active = await waitForStatus(user, again.body.id, 'ACTIVE');

    // Assess
    expect(await fired(rule)).toBe(2);
    expect(first.status).toBe(500);
    expect(again.status).toBe(201);
    expect(active.timeline.filter((t) => t.type === 'REQUESTED')).toHaveLength(1);
    expect(await callsFor(user, 'CreateAccountAssignment')).toHaveLength(1);
    await call(user, 'POST', `/leases/${again.body.id}/revoke`, {});
    await waitForStatus(user, again.body.id, 'ENDED');
  });

  it('the lease was written but both answers were lost, so nothing started it: the same request again starts it', async () => {
    // Prepare
    const user = 'lo30';
    const justification = `lost put ${randomUUID()}`;
    const body = { ...OPS_AUTO, duration: 'PT20S', justification, clientToken: `ct-${randomUUID()}` };
    const [rule] = await injectAwsFaults([
      { service: 'dynamodb', action: 'PutItem', mode: 'lost', contains: justification, times: 2 },
    ]);

    // Act
    const first = await call<Lease>(user, 'POST', '/leases', body);
    const again = await call<Lease>(user, 'POST', '/leases', body);
    const active = await waitForStatus(user, again.body.id, 'ACTIVE');

    // Assess
    expect(await fired(rule)).toBe(2);
    expect(first.status).toBe(500);
    expect(again.status).toBe(200);
    expect(await executionStatus(again.body.id)).toBe('RUNNING');
    expect(active.status).toBe('ACTIVE');
    expect(await callsFor(user, 'CreateAccountAssignment')).toHaveLength(1);
    await call(user, 'POST', `/leases/${again.body.id}/revoke`, {});
    await waitForStatus(user, again.body.id, 'ENDED');
  });
});

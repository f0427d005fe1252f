import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import {
  GetInlinePolicyForPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
} from '@aws-sdk/client-sso-admin';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import { ceilToSecond, denyStatement, removableAt, targetOf } from '../../core/session-deny.ts';
import { NAMES } from '../../local/provision.ts';
import { scheduledEvent } from '../../local/session-ender.ts';
import {
  call,
  getLease,
  idcCalls,
  info,
  injectAwsFaults,
  injectFaults,
  requestLease,
  sqsClient,
  ssoAdminClient,
  userId,
  waitForStatus,
  waitUntil,
} from './harness.ts';

// The fixture policy's `end-sessions` rule (endSessions: true); the seed gives Responder PT20S sessions.
const TARGET = { accountId: '555555555555', permissionSet: 'Responder' } as const;
const SESSION_SECONDS = 20;
const OPERATOR = { Sid: 'OperatorReadLogs', Effect: 'Allow', Action: 'logs:Get*', Resource: '*' };

const permissionSetArn = () => info().permissionSets[TARGET.permissionSet] as string;

const statements = async (): Promise<unknown[]> => {
  const out = await ssoAdminClient().send(
    new GetInlinePolicyForPermissionSetCommand({
      InstanceArn: info().instanceArn,
      PermissionSetArn: permissionSetArn(),
    }),
  );
  const policy = JSON.parse(out.InlinePolicy || '{"Statement":[]}') as { Statement: unknown[] | unknown };
  return Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
};

/** The tool's statements that deny `user`'s sessions. */
const deniesOf = async (user: string) =>
  (await statements()).filter((s) => targetOf(s)?.userId === userId(user));

const sessionsEnded = async (user: string, id: string): Promise<Lease> => {
  let lease = await getLease(user, id);
  await waitUntil(`SESSIONS_ENDED on ${id}`, async () => {
    lease = await getLease(user, id);
    return lease.timeline.some((t) => t.type === 'SESSIONS_ENDED');
  });
  return lease;
};

const provisionings = async (since: number) =>
  (await idcCalls()).filter(
    (c) =>
      c.action === 'ProvisionPermissionSet' &&
      (c as { accountId?: string }).accountId === TARGET.accountId &&
      (c as { permissionSetArn?: string }).permissionSetArn === permissionSetArn() &&
      c.at * 1000 >= since,
  );

beforeAll(async () => {
  // An operator's own statement, there before the tool adds anything: it must survive every change.
  await ssoAdminClient().send(
    new PutInlinePolicyToPermissionSetCommand({
      InstanceArn: info().instanceArn,
      PermissionSetArn: permissionSetArn(),
      InlinePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [OPERATOR] }),
    }),
  );
});

describe('ending live sessions', () => {
  it('denies the user’s sessions issued before the end, provisions the account and records SESSIONS_ENDED', async () => {
    // Prepare
    const user = 'e01';
    const lease = await requestLease(user, { ...TARGET, duration: 'PT3S' });
    await waitForStatus(user, lease.id, 'ACTIVE');

    // Act
    const ended = await waitForStatus(user, lease.id, 'ENDED');
    const recorded = await sessionsEnded(user, lease.id);

    // Assess
    const issuedBefore = ceilToSecond(ended.endedAt as string);
    const expected = denyStatement({
      userId: userId(user),
      accountId: TARGET.accountId,
      issuedBefore,
      removeAfter: new Date(Date.parse(ended.endedAt as string) + SESSION_SECONDS * 1000).toISOString(),
    });
    expect(await deniesOf(user)).toEqual([expected]);
    expect(expected.Condition).toEqual({
      StringEquals: { 'identitystore:userId': userId(user), 'aws:PrincipalAccount': TARGET.accountId },
      DateLessThan: { 'aws:TokenIssueTime': issuedBefore },
    });
    expect((await statements())[0]).toEqual(OPERATOR);
    expect(await provisionings(Date.parse(ended.endedAt as string) - 1000)).not.toHaveLength(0);
    expect(recorded.timeline).toContainEqual(
      expect.objectContaining({
        type: 'SESSIONS_ENDED',
        detail: expect.objectContaining({
          accountId: TARGET.accountId,
          sid: expected.Sid,
          tokenIssuedBefore: issuedBefore,
          provisioningRequestIds: [expect.any(String)],
        }),
      }),
    );
  });

  it('provisions on the redelivery when the first provisioning failed, and records SESSIONS_ENDED only then', async () => {
    // Prepare: the end is delivered twice; the first provisioning of this account FAILS
    const user = 'e06';
    const lease = await requestLease(user, { ...TARGET, duration: 'PT3S' });
    await injectAwsFaults([
      { service: 'events', mode: 'duplicate', leaseId: lease.id, contains: 'Lease Ended', times: 1 },
    ]);
    await injectFaults({
      rules: [
        {
          action: 'ProvisionPermissionSet',
          accountId: TARGET.accountId,
          permissionSetArn: permissionSetArn(),
          status: 'FAILED',
          failureReason: 'injected: role quota',
          times: 1,
        },
      ],
    });

    // Act
    const ended = await waitForStatus(user, lease.id, 'ENDED');
    const recorded = await sessionsEnded(user, lease.id);

    // Assess
    const entries = recorded.timeline.filter((t) => t.type === 'SESSIONS_ENDED');
    const since = Date.parse(ended.endedAt as string) - 1000;
    expect(await deniesOf(user)).toHaveLength(1);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.detail?.provisioningRequestIds).toEqual([expect.any(String)]);
    expect((await provisionings(since)).length).toBeGreaterThanOrEqual(2);
    expect(Date.parse(entries[0]?.at as string)).toBeGreaterThan(
      Math.min(...(await provisionings(since)).map((c) => c.at * 1000)),
    );
  });

  it('leaves sessions alone while another lease of the user still holds the assignment', async () => {
    // Prepare
    const user = 'e02';
    const short = await requestLease(user, { ...TARGET, duration: 'PT3S' });
    await waitForStatus(user, short.id, 'ACTIVE');
    const long = await requestLease(user, { ...TARGET, duration: 'PT5M' });
    await waitForStatus(user, long.id, 'ACTIVE');

    // Act
    await waitForStatus(user, short.id, 'ENDED');
    await new Promise((r) => setTimeout(r, 3000));
    const whileHeld = await deniesOf(user);
    const revoked = await call(user, 'POST', `/leases/${long.id}/revoke`, { reason: 'done' });
    await waitForStatus(user, long.id, 'ENDED');
    await sessionsEnded(user, long.id);

    // Assess
    expect(whileHeld).toEqual([]);
    expect(revoked.status).toBe(200);
    expect(await deniesOf(user)).toHaveLength(1);
    expect((await getLease(user, short.id)).timeline.map((t) => t.type)).not.toContain('SESSIONS_ENDED');
  });

  it('keeps both statements when two users’ leases end together on the same permission set', async () => {
    // Prepare
    const [a, b] = ['e03', 'e04'] as const;
    // The first read of the policy answers 6 s late: the other end (seconds apart) arrives while the
    // first is inside its read-modify-write, and would overwrite it without the lock.
    await injectFaults({
      rules: [
        {
          action: 'GetInlinePolicyForPermissionSet',
          permissionSetArn: permissionSetArn(),
          delayMs: 6000,
          times: 1,
        },
      ],
    });
    const leases = await Promise.all([a, b].map((u) => requestLease(u, { ...TARGET, duration: 'PT3S' })));

    // Act
    await Promise.all([a, b].map((u, i) => sessionsEnded(u, (leases[i] as Lease).id)));

    // Assess
    expect(await deniesOf(a)).toHaveLength(1);
    expect(await deniesOf(b)).toHaveLength(1);
    expect(await statements()).toContainEqual(OPERATOR);
  });

  it('removes its statement in the sweep once the session duration has passed, and keeps the operator’s', async () => {
    // Prepare
    const user = 'e05';
    const lease = await requestLease(user, { ...TARGET, duration: 'PT3S' });
    await sessionsEnded(user, lease.id);
    const [deny] = await deniesOf(user);
    const removable = Date.parse(removableAt((deny as { Sid: string }).Sid) as string);
    await new Promise((r) => setTimeout(r, Math.max(0, removable - Date.now()) + 500));
    const sweptAt = Date.now();
    const queueUrl = (await sqsClient().send(new GetQueueUrlCommand({ QueueName: NAMES.sessionEnderQueue })))
      .QueueUrl;

    // Act
    await sqsClient().send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(scheduledEvent(new Date())) }),
    );
    await waitUntil('the sweep to drop the expired deny', async () => (await deniesOf(user)).length === 0);

    // Assess
    expect(deny).toBeDefined();
    expect(await statements()).toContainEqual(OPERATOR);
    expect(await provisionings(sweptAt)).not.toHaveLength(0);
  });
});

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { CreatePermissionSetCommand } from '@aws-sdk/client-sso-admin';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import { DetailType, EVENT_SOURCE } from '../../core/lease-status.ts';
import {
  awsFaults,
  call,
  eventsClient,
  getLease,
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

const ACCOUNT = '111111111111';

type Fixture =
  | 'create-by-workflow'
  | 'delete-by-workflow'
  | 'create-by-console-admin'
  | 'create-by-identity-center-user-before-2025-07'
  | 'create-by-identity-center-user-after-2025-07'
  | 'create-failed';

interface RecordOf {
  principalId: string;
  permissionSetArn: string;
  requestId?: string;
  instanceArn?: string;
}

interface Detail {
  eventID: string;
  eventTime: string;
  requestParameters: Record<string, string>;
  responseElements: Record<string, Record<string, string>> | null;
  userIdentity: { sessionContext?: { sessionIssuer?: { arn?: string; userName?: string } } };
}

/** A realistic fixture, re-addressed to this runtime's instance, users and permission sets. */
const record = (fixture: Fixture, of: RecordOf) => {
  const event = JSON.parse(
    readFileSync(new URL(`../fixtures/cloudtrail/${fixture}.json`, import.meta.url), 'utf8'),
  ) as { detail: Detail };
  const d = event.detail;
  const eventId = randomUUID();
  d.eventID = eventId;
  d.eventTime = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  Object.assign(d.requestParameters, {
    instanceArn: of.instanceArn ?? info().instanceArn,
    targetId: ACCOUNT,
    permissionSetArn: of.permissionSetArn,
    principalId: of.principalId,
  });
  for (const status of Object.values(d.responseElements ?? {}))
    Object.assign(status, { requestId: of.requestId ?? randomUUID(), principalId: of.principalId });
  const issuer = d.userIdentity.sessionContext?.sessionIssuer;
  if (issuer?.userName === 'idc-lease-workflow') issuer.arn = info().workflowRoleArn;
  return { eventId, event };
};

/** What CloudTrail does in AWS: the record on the default bus of the home region. */
const putOnDefaultBus = async (...records: { event: { detail: unknown } }[]) => {
  const out = await eventsClient().send(
    new PutEventsCommand({
      Entries: records.map((r) => ({
        Source: 'aws.sso',
        DetailType: 'AWS API Call via CloudTrail',
        Detail: JSON.stringify(r.event.detail),
      })),
    }),
  );
  if (out.FailedEntryCount) throw new Error(`PutEvents refused: ${JSON.stringify(out.Entries)}`);
};

const cloudTrailEntries = (lease: Lease) => lease.timeline.filter((e) => e.type === 'CLOUDTRAIL_EVENT');

interface Finding {
  kind: string;
  source: string;
  eventId?: string;
  permissionSet: string;
  principal: { type: string; id: string; userName?: string };
  actor?: Record<string, string>;
}

const findings = async (): Promise<Finding[]> =>
  (await call<Finding[]>('auditor1', 'GET', '/audit/drift')).body;

/** Drift events on the lease bus, as a consumer (notifications, SIEM) would receive them. */
let driftEvents: () => Promise<{ eventId?: string; source?: string }[]>;
// By message id: a message received and not deleted comes back after its visibility timeout.
const seen = new Map<string, { eventId?: string; source?: string }>();

beforeAll(async () => {
  const sqs = sqsClient();
  const name = 'it-cloudtrail-drift-events';
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
    .Attributes?.QueueArn as string;
  await eventsClient().send(
    new PutRuleCommand({
      Name: name,
      EventBusName: info().eventBusName,
      EventPattern: JSON.stringify({ source: [EVENT_SOURCE], 'detail-type': [DetailType.DriftDetected] }),
    }),
  );
  await eventsClient().send(
    new PutTargetsCommand({
      Rule: name,
      EventBusName: info().eventBusName,
      Targets: [{ Id: name, Arn: arn }],
    }),
  );
  driftEvents = async () => {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const m of out.Messages ?? []) seen.set(m.MessageId ?? '', JSON.parse(m.Body ?? '{}').detail);
    return [...seen.values()];
  };
});

describe.concurrent('CloudTrail correlation', () => {
  it('puts a lease’s own create and delete calls on its timeline, once per CloudTrail event', async () => {
    // Prepare
    const user = 'ct01';
    const lease = await requestLease(user, {
      accountId: ACCOUNT,
      permissionSet: 'ReadOnly',
      duration: 'PT30M',
    });
    const active = await waitForStatus(user, lease.id, 'ACTIVE');
    const of = { principalId: userId(user), permissionSetArn: info().permissionSets.ReadOnly as string };
    const created = record('create-by-workflow', { ...of, requestId: active.assignment.createRequestId });

    // Act: CloudTrail delivers at least once; the same record twice
    await putOnDefaultBus(created);
    await putOnDefaultBus(created);
    await waitUntil('the create on the timeline', async () =>
      cloudTrailEntries(await getLease(user, lease.id)).some((e) => e.detail?.eventId === created.eventId),
    );
    await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    const ended = await waitForStatus(user, lease.id, 'ENDED');
    const deleted = record('delete-by-workflow', { ...of, requestId: ended.assignment.deleteRequestId });
    await putOnDefaultBus(deleted);
    await waitUntil('the delete on the timeline', async () =>
      cloudTrailEntries(await getLease(user, lease.id)).some((e) => e.detail?.eventId === deleted.eventId),
    );
    await new Promise((r) => setTimeout(r, 1000));

    // Assess
    expect(cloudTrailEntries(await getLease(user, lease.id))).toEqual([
      expect.objectContaining({
        detail: {
          eventName: 'CreateAccountAssignment',
          eventId: created.eventId,
          requestId: active.assignment.createRequestId,
        },
      }),
      expect.objectContaining({
        detail: {
          eventName: 'DeleteAccountAssignment',
          eventId: deleted.eventId,
          requestId: ended.assignment.deleteRequestId,
        },
      }),
    ]);
    expect((await findings()).map((f) => f.eventId)).not.toContain(created.eventId);
  });

  it('waits for the lease when CloudTrail overtakes the ledger writer, instead of calling the call drift', async () => {
    // Prepare: the create stays IN_PROGRESS for a few polls, so the lease has no request id yet
    const user = 'ct02';
    await injectFaults({
      rules: [{ principalId: userId(user), action: 'CreateAccountAssignment', inProgressPolls: 4, times: 1 }],
    });
    const lease = await requestLease(user, {
      accountId: ACCOUNT,
      permissionSet: 'ReadOnly',
      duration: 'PT30M',
    });
    let requestId: string | undefined;
    await waitUntil('the create call', async () => {
      const calls = (await (await fetch(`${info().awsEndpoint}/_idc/calls`)).json()) as {
        calls: { action: string; principalId?: string; requestId?: string }[];
      };
      requestId = calls.calls.find(
        (c) => c.action === 'CreateAccountAssignment' && c.principalId === userId(user),
      )?.requestId;
      return requestId !== undefined;
    });
    const early = record('create-by-workflow', {
      principalId: userId(user),
      permissionSetArn: info().permissionSets.ReadOnly as string,
      requestId: requestId as string,
    });

    // Act
    await putOnDefaultBus(early);
    await new Promise((r) => setTimeout(r, 1500));
    const meanwhile = await getLease(user, lease.id);
    await waitForStatus(user, lease.id, 'ACTIVE');
    await waitUntil('the create on the timeline', async () =>
      cloudTrailEntries(await getLease(user, lease.id)).some((e) => e.detail?.eventId === early.eventId),
    );

    // Assess
    expect(meanwhile.status).toBe('GRANTING');
    expect(meanwhile.assignment.createRequestId).toBeUndefined();
    expect(cloudTrailEntries(meanwhile)).toEqual([]);
    expect(cloudTrailEntries(await getLease(user, lease.id))).toEqual([
      expect.objectContaining({
        detail: { eventName: 'CreateAccountAssignment', eventId: early.eventId, requestId },
      }),
    ]);
    expect((await findings()).map((f) => f.eventId)).not.toContain(early.eventId);
    await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    await waitForStatus(user, lease.id, 'ENDED');
  });

  it('reports calls on a managed permission set that no lease made, in both record shapes, and ignores the rest', async () => {
    // Prepare
    const principalId = userId('ct03');
    const powerUser = info().permissionSets.PowerUser as string;
    const unmanaged = (
      await ssoAdminClient().send(
        new CreatePermissionSetCommand({ InstanceArn: info().instanceArn, Name: `Billing-${Date.now()}` }),
      )
    ).PermissionSet?.PermissionSetArn as string;
    const before = record('create-by-identity-center-user-before-2025-07', {
      principalId,
      permissionSetArn: powerUser,
    });
    const after = record('create-by-identity-center-user-after-2025-07', {
      principalId,
      permissionSetArn: powerUser,
    });
    const admin = record('create-by-console-admin', { principalId, permissionSetArn: powerUser });
    const ignored = [
      record('create-by-console-admin', { principalId, permissionSetArn: unmanaged }),
      record('create-by-console-admin', {
        principalId,
        permissionSetArn: powerUser,
        instanceArn: 'arn:aws:sso:::instance/ssoins-00000000000000ff',
      }),
      record('create-failed', { principalId, permissionSetArn: powerUser }),
    ];

    // Act: the ignored ones first, so that the reported ones being done means they were handled
    await putOnDefaultBus(...ignored);
    await putOnDefaultBus(before, after, admin);
    await putOnDefaultBus(after);
    const reported: string[] = [before.eventId, after.eventId, admin.eventId];
    await waitUntil('three findings', async () => {
      const ids = (await findings()).map((f) => f.eventId);
      return reported.every((id) => ids.includes(id));
    });
    await waitUntil('three drift events', async () => {
      const ids = (await driftEvents()).map((e) => e.eventId);
      return reported.every((id) => ids.includes(id));
    });
    await new Promise((r) => setTimeout(r, 2000));

    // Assess
    const all = await findings();
    const mine = all.filter((f) => f.principal.id === principalId);
    expect(mine).toHaveLength(3);
    for (const f of mine)
      expect(f).toMatchObject({
        kind: 'OUT_OF_BAND',
        source: 'CLOUDTRAIL',
        permissionSet: 'PowerUser',
        principal: { type: 'USER', id: principalId, userName: 'ct03' },
      });
    const actorOf = (eventId: string) => mine.find((f) => f.eventId === eventId)?.actor;
    expect(actorOf(before.eventId)).toMatchObject({ type: 'Unknown', userName: 'grace' });
    expect(actorOf(after.eventId)).toEqual({
      type: 'IdentityCenterUser',
      userId: 'a4c8f2e6-1b3d-7059-8e2f-4a6c8e0b2d41',
    });
    expect(actorOf(admin.eventId)).toMatchObject({ type: 'AssumedRole', userName: 'frank' });
    const events = (await driftEvents()).filter((e) => e.eventId && reported.includes(e.eventId));
    expect(events).toHaveLength(3);
    for (const e of events) expect(e.source).toBe('CLOUDTRAIL');
    for (const r of ignored) expect(all.map((f) => f.eventId)).not.toContain(r.eventId);
  });

  it('sends the drift event on the redelivery when the first publish failed, once', async () => {
    // Prepare: the record goes on the bus first (the one matching call let through), then both
    // tries of the correlator's publish are refused, so the invocation fails and comes back.
    const principalId = userId('ct04');
    const admin = record('create-by-console-admin', {
      principalId,
      permissionSetArn: info().permissionSets.PowerUser as string,
    });
    const [rule] = await injectAwsFaults([
      { service: 'events', action: 'PutEvents', mode: 'refuse', contains: admin.eventId, skip: 1, times: 2 },
    ]);

    // Act
    await putOnDefaultBus(admin);
    await waitUntil(
      'the drift event',
      async () => (await driftEvents()).some((e) => e.eventId === admin.eventId),
      30_000,
    );

    // Assess
    expect((await awsFaults()).find((r) => r.id === rule)?.fired).toBe(2);
    expect((await findings()).filter((f) => f.eventId === admin.eventId)).toEqual([
      expect.not.objectContaining({ published: expect.anything() }),
    ]);
    expect((await driftEvents()).filter((e) => e.eventId === admin.eventId)).toHaveLength(1);
  });
});

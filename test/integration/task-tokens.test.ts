import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateArchiveCommand,
  DeleteArchiveCommand,
  DeleteRuleCommand,
  DescribeArchiveCommand,
  DescribeEventBusCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { TOKEN_ATTRIBUTES, type TokenFor, tokenContext, tokenDigest } from '../../core/lease-token.ts';
import { archivePattern } from '../../lib/rules.ts';
import { NAMES } from '../../local/provision.ts';
import { call, executionArn, info, requestLease, sfnClient, waitForStatus, waitUntil } from './harness.ts';
import { approvalRequested, leaseRecord, OPS_AUTO, OPS_GATED, waitingStateEntries } from './lease-ops-kit.ts';

const aws = () => ({
  region: info().region,
  endpoint: info().awsEndpoint,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

/** The lease item exactly as the table holds it: what anyone who may read the table reads. */
const rawItem = async (leaseId: string): Promise<string> => {
  const out = await new DynamoDBClient(aws()).send(
    new GetItemCommand({
      TableName: info().tableName,
      Key: { pk: { S: `LEASE#${leaseId}` }, sk: { S: 'LEASE' } },
      ConsistentRead: true,
    }),
  );
  if (!out.Item) throw new Error(`no item for lease ${leaseId}`);
  return JSON.stringify(out.Item);
};

/** Every stretch of 12 characters of the token, and its base64: none may appear in what is stored. */
const piecesOf = (token: string): string[] => {
  const width = Math.min(12, token.length);
  const pieces = new Set([Buffer.from(token).toString('base64'), Buffer.from(token).toString('base64url')]);
  for (let i = 0; i + width <= token.length; i++) pieces.add(token.slice(i, i + width));
  return [...pieces];
};

/** The token the waiting state put last, as its execution's history shows it (the emulator lets a test look). */
const tokenPut = async (leaseId: string, detailType: string): Promise<string> => {
  const token = (await waitingStateEntries(leaseId, detailType)).at(-1)?.Detail.taskToken;
  if (!token) throw new Error(`no ${detailType} token in ${leaseId}'s history`);
  return token;
};

const storedToken = async (leaseId: string, kind: TokenFor) =>
  waitUntil(`the ${kind} token of ${leaseId} stored`, async () => {
    const record = await leaseRecord(leaseId);
    return record.tokenFor === kind && record.tokenCiphertext !== undefined;
  });

const decrypt = (ciphertext: string, context: Record<string, string>) =>
  new KMSClient(aws()).send(
    new DecryptCommand({
      KeyId: info().taskTokenKeyArn,
      CiphertextBlob: Buffer.from(ciphertext, 'base64'),
      EncryptionContext: context,
    }),
  );

const approvalsAnswered = async (leaseId: string): Promise<number> => {
  const out = await sfnClient().send(
    new GetExecutionHistoryCommand({ executionArn: executionArn(leaseId), maxResults: 1000 }),
  );
  return (out.events ?? []).filter((e) => e.type === 'TaskSucceeded' || e.type === 'TaskFailed').length;
};

describe.concurrent('task tokens at rest', () => {
  it('keeps no task token in the ledger, nor any piece of one: its KMS ciphertext, bound to the lease and kind, and its digest', async () => {
    // Prepare: a lease that waits for approval (an approval token), then holds (a hold token)
    const user = 'tk01';
    const lease = await requestLease(user, { ...OPS_GATED, duration: 'PT30M' });
    await approvalRequested(user, lease.id);
    await storedToken(lease.id, 'APPROVAL');
    const approvalToken = await tokenPut(lease.id, 'Lease Approval Requested');
    const whileAwaiting = await rawItem(lease.id);
    const awaiting = await leaseRecord(lease.id);

    // Act
    const approved = await call('loa1', 'POST', `/leases/${lease.id}/approve`, {});
    await waitForStatus(user, lease.id, 'ACTIVE');
    await storedToken(lease.id, 'HOLD');
    const holdToken = await tokenPut(lease.id, 'Lease Activated');
    const whileActive = await rawItem(lease.id);
    const active = await leaseRecord(lease.id);
    const revoked = await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    await waitForStatus(user, lease.id, 'ENDED');
    const ended = await rawItem(lease.id);

    // Assess: the table holds neither token, nor a piece or an encoding of one
    expect(approved.status).toBe(200);
    expect(revoked.status).toBe(200);
    for (const piece of piecesOf(approvalToken)) expect(whileAwaiting).not.toContain(piece);
    for (const piece of piecesOf(holdToken)) expect(whileActive).not.toContain(piece);
    expect(awaiting.taskToken).toBeUndefined();
    expect(awaiting.tokenDigest).toBe(tokenDigest(approvalToken));
    expect(active.tokenDigest).toBe(tokenDigest(holdToken));
    // The ciphertext opens under the stack's key for this lease and kind only.
    const opened = await decrypt(awaiting.tokenCiphertext as string, tokenContext(lease.id, 'APPROVAL'));
    expect(Buffer.from(opened.Plaintext as Uint8Array).toString()).toBe(approvalToken);
    await expect(
      decrypt(awaiting.tokenCiphertext as string, tokenContext('l-another-lease', 'APPROVAL')),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    await expect(
      decrypt(active.tokenCiphertext as string, tokenContext(lease.id, 'APPROVAL')),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    // A finished lease keeps no token at all, not even sealed.
    for (const attribute of TOKEN_ATTRIBUTES) expect(ended).not.toContain(`"${attribute}"`);
  });

  it('a sealed token copied onto another lease answers neither workflow', async () => {
    // Prepare: two leases wait for approval; one's sealed approval token is copied onto the other
    const [victim, other] = await Promise.all([
      requestLease('tk02', { ...OPS_GATED, duration: 'PT30M' }),
      requestLease('tk03', { ...OPS_GATED, duration: 'PT30M' }),
    ]);
    await Promise.all([storedToken(victim.id, 'APPROVAL'), storedToken(other.id, 'APPROVAL')]);
    const stolen = await leaseRecord(victim.id);
    await new DynamoDBClient(aws()).send(
      new UpdateItemCommand({
        TableName: info().tableName,
        Key: { pk: { S: `LEASE#${other.id}` }, sk: { S: 'LEASE' } },
        UpdateExpression: 'SET tokenCiphertext = :c, tokenDigest = :d',
        ExpressionAttributeValues: {
          ':c': { S: stolen.tokenCiphertext as string },
          ':d': { S: stolen.tokenDigest as string },
        },
      }),
    );

    // Act: the other lease's approver approves it
    const approved = await call('loa2', 'POST', `/leases/${other.id}/approve`, {});

    // Assess: the API could not open the token (wrong lease in the context), so nothing was told
    expect(approved.status).toBe(500);
    expect(await approvalsAnswered(victim.id)).toBe(0);
    expect(await approvalsAnswered(other.id)).toBe(0);
    expect((await leaseRecord(victim.id)).status).toBe('PENDING_APPROVAL');
    // The victim's own token still works: its approver's approval grants it.
    expect((await call('loa1', 'POST', `/leases/${victim.id}/approve`, {})).status).toBe(200);
    await waitForStatus('tk02', victim.id, 'ACTIVE');
    await call('tk02', 'POST', `/leases/${victim.id}/revoke`, {});
    await call('tk03', 'POST', `/leases/${other.id}/revoke`, {});
  });

  it('a lease that holds a plain token from before tokens were sealed is told through it, and the plain token dropped', async () => {
    // Prepare: the record as an earlier version wrote it, the token in plain text
    const user = 'tk04';
    const lease = await requestLease(user, { ...OPS_GATED, duration: 'PT30M' });
    await storedToken(lease.id, 'APPROVAL');
    const token = await tokenPut(lease.id, 'Lease Approval Requested');
    await new DynamoDBClient(aws()).send(
      new UpdateItemCommand({
        TableName: info().tableName,
        Key: { pk: { S: `LEASE#${lease.id}` }, sk: { S: 'LEASE' } },
        UpdateExpression: 'SET taskToken = :t REMOVE tokenCiphertext, tokenDigest',
        ExpressionAttributeValues: { ':t': { S: token } },
      }),
    );

    // Act
    const approved = await call('loa1', 'POST', `/leases/${lease.id}/approve`, {});
    await waitForStatus(user, lease.id, 'ACTIVE');
    await storedToken(lease.id, 'HOLD');

    // Assess
    expect(approved.status).toBe(200);
    for (const piece of piecesOf(token)) expect(await rawItem(lease.id)).not.toContain(piece);
    expect((await leaseRecord(lease.id)).taskToken).toBeUndefined();
    await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
    await waitForStatus(user, lease.id, 'ENDED');
  });

  it('a replay of the archive brings back no token and changes no finished lease', async () => {
    // Prepare: an archive with the stack's pattern, narrowed to this requester's events (a replay
    // goes to every rule of the bus, and other tests' leases are no business of this one).
    const user = 'tk05';
    const events = new EventBridgeClient(aws());
    const busArn = (await events.send(new DescribeEventBusCommand({ Name: info().eventBusName })))
      .Arn as string;
    const name = `it-replay-${Date.now()}`;
    const pattern = {
      ...archivePattern,
      detail: { ...archivePattern.detail, requester: { userName: [user] } },
    };
    const archive = await events.send(
      new CreateArchiveCommand({
        ArchiveName: name,
        EventSourceArn: busArn,
        EventPattern: JSON.stringify(pattern),
      }),
    );
    const from = new Date(Date.now() - 1_000);
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT3S' });
    await waitForStatus(user, lease.id, 'ENDED', 45_000);
    const before = await rawItem(lease.id);
    const sqs = new SQSClient(aws());
    const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: NAMES.ledgerQueue })))
      .QueueUrl as string;
    // An observer beside the ledger writer's rule: what the replay delivered to the bus's rules.
    const observer = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
    const observerArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: observer, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn as string;
    await events.send(
      new PutRuleCommand({
        Name: name,
        EventBusName: info().eventBusName,
        EventPattern: JSON.stringify({ 'replay-name': [name], detail: { requester: { userName: [user] } } }),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: name,
        EventBusName: info().eventBusName,
        Targets: [{ Id: 'observer', Arn: observerArn }],
      }),
    );

    const archived = await events.send(new DescribeArchiveCommand({ ArchiveName: name }));

    // Act
    await events.send(
      new StartReplayCommand({
        ReplayName: name,
        EventSourceArn: archive.ArchiveArn,
        EventStartTime: from,
        EventEndTime: new Date(),
        Destination: { Arn: busArn },
      }),
    );
    await waitUntil('the replay completed', async () => {
      const replay = await events.send(new DescribeReplayCommand({ ReplayName: name }));
      return replay.State === 'COMPLETED';
    });
    // The replayed events sat in the ledger writer's queue once the replay completed; an empty
    // queue (nothing waiting, nothing in flight) means it has handled them.
    await waitUntil('the ledger writer handled the replay', async () => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Attributes?.ApproximateNumberOfMessages === '0' &&
        Attributes.ApproximateNumberOfMessagesNotVisible === '0'
      );
    });
    const replayed =
      (
        await sqs.send(new ReceiveMessageCommand({ QueueUrl: observer, MaxNumberOfMessages: 10 }))
      ).Messages?.map((m) => m.Body ?? '') ?? [];
    await events.send(
      new RemoveTargetsCommand({ Rule: name, EventBusName: info().eventBusName, Ids: ['observer'] }),
    );
    await events.send(new DeleteRuleCommand({ Name: name, EventBusName: info().eventBusName }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: observer }));
    await events.send(new DeleteArchiveCommand({ ArchiveName: name }));

    // Assess: the replay reached the bus's rules, carried no token, and changed nothing.
    expect(archived.EventCount).toBeGreaterThan(0);
    expect(replayed.length).toBeGreaterThan(0);
    for (const body of replayed) expect(body).not.toContain('taskToken');
    expect(await rawItem(lease.id)).toBe(before);
  });
});

import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { newLeaseId } from '../../core/ledger-keys.ts';
import { createStateMachine, failure, listenOnBus, unique } from './emulator-kit.ts';
import { awsConfig, awsFaults, injectAwsFaults, sqsClient, waitUntil } from './harness.ts';

const TABLE = unique('faults');
const BUS = unique('faults');
const leaseId = () => newLeaseId(new Date());
/** The local clients (2 attempts: the SDK's retry replays a lost call) and single-attempt ones. */
const ddb = (maxAttempts?: number) =>
  DynamoDBDocumentClient.from(new DynamoDBClient(awsConfig(maxAttempts ? { maxAttempts } : {})));
const sfn = (maxAttempts?: number) => new SFNClient(awsConfig(maxAttempts ? { maxAttempts } : {}));
const events = (maxAttempts?: number) => new EventBridgeClient(awsConfig(maxAttempts ? { maxAttempts } : {}));
const itemOf = async (id: string) =>
  (await ddb().send(new GetCommand({ TableName: TABLE, Key: { pk: `LEASE#${id}` } }))).Item;
const entry = (id: string, n = 0) => ({
  EventBusName: BUS,
  Source: 'it.faults',
  DetailType: 'Probe',
  Detail: JSON.stringify({ leaseId: id, n }),
});

beforeAll(async () => {
  await ddb().send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  await events().send(new CreateEventBusCommand({ Name: BUS }));
});

describe.concurrent('DynamoDB faults (scoped by the lease id in a key)', () => {
  it('lost: PutItem, UpdateItem and DeleteItem are applied, then answered with the error', async () => {
    // Prepare
    const id = leaseId();
    const other = leaseId();
    await injectAwsFaults(
      ['PutItem', 'UpdateItem', 'DeleteItem'].map((action) => ({
        service: 'dynamodb' as const,
        action,
        mode: 'lost' as const,
        leaseId: id,
        times: 1,
      })),
    );
    const key = { pk: `LEASE#${id}` };

    // Act
    const put = await failure(ddb(1).send(new PutCommand({ TableName: TABLE, Item: { ...key, n: 0 } })));
    const afterPut = await itemOf(id);
    const update = await failure(
      ddb(1).send(
        new UpdateCommand({
          TableName: TABLE,
          Key: key,
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    );
    const afterUpdate = await itemOf(id);
    const del = await failure(ddb(1).send(new DeleteCommand({ TableName: TABLE, Key: key })));
    const afterDelete = await itemOf(id);
    await ddb(1).send(new PutCommand({ TableName: TABLE, Item: { pk: `LEASE#${other}` } }));

    // Assess
    for (const seen of [put, update, del])
      expect(seen).toEqual({
        name: 'InternalServerError',
        status: 500,
        attempts: 1,
        requestId: expect.any(String),
      });
    expect(afterPut).toEqual({ ...key, n: 0 });
    expect(afterUpdate).toEqual({ ...key, n: 1 });
    expect(afterDelete).toBeUndefined();
    expect(await itemOf(other)).toEqual({ pk: `LEASE#${other}` });
  });

  it("lost: the SDK's own retry replays a call that already took effect", async () => {
    // Prepare
    const [created, counted] = [leaseId(), leaseId()];
    await injectAwsFaults([
      { service: 'dynamodb', action: 'PutItem', mode: 'lost', leaseId: created, times: 1 },
      {
        service: 'dynamodb',
        action: 'UpdateItem',
        mode: 'lost',
        error: 'ThrottlingException',
        leaseId: counted,
      },
    ]);

    // Act
    const conditionalPut = await failure(
      ddb().send(
        new PutCommand({
          TableName: TABLE,
          Item: { pk: `LEASE#${created}` },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    const count = await failure(
      ddb().send(
        new UpdateCommand({
          TableName: TABLE,
          Key: { pk: `LEASE#${counted}` },
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    );

    // Assess: the retry met its own write; a counter was added to on every attempt
    expect(conditionalPut).toMatchObject({
      name: 'ConditionalCheckFailedException',
      status: 400,
      attempts: 2,
    });
    expect(await itemOf(created)).toEqual({ pk: `LEASE#${created}` });
    expect(count).toMatchObject({ name: 'ThrottlingException', status: 400, attempts: 2 });
    expect((await itemOf(counted))?.n).toBe(2);
  });

  it('refuse: the error is answered and nothing is applied', async () => {
    // Prepare
    const [throttled, exceeded] = [leaseId(), leaseId()];
    await injectAwsFaults([
      {
        service: 'dynamodb',
        action: 'PutItem',
        mode: 'refuse',
        error: 'ThrottlingException',
        leaseId: throttled,
      },
      {
        service: 'dynamodb',
        action: 'PutItem',
        mode: 'refuse',
        error: 'ProvisionedThroughputExceededException',
        leaseId: exceeded,
      },
    ]);

    // Act
    const seen = await Promise.all(
      [throttled, exceeded].map((id) =>
        failure(ddb().send(new PutCommand({ TableName: TABLE, Item: { pk: `LEASE#${id}` } }))),
      ),
    );

    // Assess
    expect(seen).toMatchObject([
      { name: 'ThrottlingException', status: 400, attempts: 2 },
      { name: 'ProvisionedThroughputExceededException', status: 400, attempts: 2 },
    ]);
    expect(await itemOf(throttled)).toBeUndefined();
    expect(await itemOf(exceeded)).toBeUndefined();
  });
});

describe.concurrent('Step Functions faults (scoped by execution name and task token)', () => {
  const waiting = { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 30, End: true } } };

  it('lost: StartExecution starts the execution, StopExecution stops it', async () => {
    // Prepare
    const machine = await createStateMachine(unique('waits'), waiting);
    const [once, retried] = [leaseId(), leaseId()];
    await injectAwsFaults([
      { service: 'states', action: 'StartExecution', mode: 'lost', leaseId: once, times: 1 },
      { service: 'states', action: 'StartExecution', mode: 'lost', leaseId: retried, times: 1 },
      { service: 'states', action: 'StopExecution', mode: 'lost', leaseId: once, times: 1 },
    ]);
    const arn = (name: string) => `${machine.replace(':stateMachine:', ':execution:')}:${name}`;
    const status = async (name: string) =>
      (await sfn().send(new DescribeExecutionCommand({ executionArn: arn(name) }))).status;

    // Act
    const start = await failure(
      sfn(1).send(new StartExecutionCommand({ stateMachineArn: machine, name: once })),
    );
    const statusAfterStart = await status(once);
    const replayed = await sfn().send(new StartExecutionCommand({ stateMachineArn: machine, name: retried }));
    const stop = await failure(sfn(1).send(new StopExecutionCommand({ executionArn: arn(once) })));
    const statusAfterStop = await status(once);
    await sfn().send(new StopExecutionCommand({ executionArn: arn(retried) }));

    // Assess: a replayed start of a running execution with the same input is the same execution
    expect(start).toEqual({
      name: 'InternalFailure',
      status: 500,
      attempts: 1,
      requestId: expect.any(String),
    });
    expect(statusAfterStart).toBe('RUNNING');
    expect(replayed.$metadata.attempts).toBe(2);
    expect(replayed.executionArn).toBe(arn(retried));
    expect(stop).toMatchObject({ name: 'InternalFailure', status: 500 });
    expect(statusAfterStop).toBe('ABORTED');
  });

  it('lost: SendTaskSuccess and SendTaskFailure resume the task; the replay meets a closed task', async () => {
    // Prepare: each execution hands its task token to a queue and waits for it
    const sqs = sqsClient();
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: unique('tokens') }))).QueueUrl as string;
    const machine = await createStateMachine(unique('callback'), {
      StartAt: 'Hand',
      States: {
        Hand: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: {
            QueueUrl: url,
            MessageBody: { 'name.$': '$$.Execution.Name', 'token.$': '$$.Task.Token' },
          },
          End: true,
        },
      },
    });
    const [succeeding, failing, bystander] = [leaseId(), leaseId(), leaseId()];
    const ids = await injectAwsFaults([
      { service: 'states', action: 'SendTaskSuccess', mode: 'lost', leaseId: succeeding, times: 1 },
      { service: 'states', action: 'SendTaskFailure', mode: 'lost', leaseId: failing, times: 1 },
    ]);
    for (const name of [succeeding, failing, bystander])
      await sfn().send(new StartExecutionCommand({ stateMachineArn: machine, name }));
    const tokens: Record<string, string> = {};
    await waitUntil('three task tokens', async () => {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of out.Messages ?? []) {
        const body = JSON.parse(m.Body ?? '{}') as { name: string; token: string };
        tokens[body.name] = body.token;
      }
      return Object.keys(tokens).length === 3;
    });
    const status = async (name: string) =>
      (
        await sfn().send(
          new DescribeExecutionCommand({
            executionArn: `${machine.replace(':stateMachine:', ':execution:')}:${name}`,
          }),
        )
      ).status;

    // Act
    const success = await failure(
      sfn().send(new SendTaskSuccessCommand({ taskToken: tokens[succeeding], output: '{}' })),
    );
    const fail = await failure(
      sfn(1).send(
        new SendTaskFailureCommand({ taskToken: tokens[failing], error: 'It.Failed', cause: 'test' }),
      ),
    );
    await sfn(1).send(new SendTaskSuccessCommand({ taskToken: tokens[bystander], output: '{}' }));
    await waitUntil('the executions to end', async () =>
      (await Promise.all([succeeding, failing, bystander].map(status))).every((s) => s !== 'RUNNING'),
    );

    // Assess
    expect(success).toMatchObject({ name: 'TaskTimedOut', status: 400, attempts: 2 });
    expect(fail).toMatchObject({ name: 'InternalFailure', status: 500, attempts: 1 });
    expect(await Promise.all([succeeding, failing, bystander].map(status))).toEqual([
      'SUCCEEDED',
      'FAILED',
      'SUCCEEDED',
    ]);
    const rules = (await awsFaults()).filter((r) => ids.includes(r.id));
    expect(rules.map((r) => [r.matched, r.fired])).toEqual([
      [2, 1],
      [1, 1],
    ]);
  });
});

describe.concurrent("EventBridge faults (scoped by an event's detail.leaseId)", () => {
  it('lost delivers, refuse does not, failedEntry fails only its entries, duplicate delivers twice', async () => {
    // Prepare
    const probe = await listenOnBus(unique('faults'), { source: ['it.faults'] }, BUS);
    const [lost, refused, failing, passing, twice, sentinel] = [
      leaseId(),
      leaseId(),
      leaseId(),
      leaseId(),
      leaseId(),
      leaseId(),
    ];
    await injectAwsFaults([
      { service: 'events', action: 'PutEvents', mode: 'lost', leaseId: lost },
      {
        service: 'events',
        action: 'PutEvents',
        mode: 'refuse',
        error: 'ThrottlingException',
        leaseId: refused,
      },
      { service: 'events', mode: 'failedEntry', error: 'ThrottlingException', leaseId: failing },
      { service: 'events', mode: 'duplicate', leaseId: twice },
    ]);
    const put = (...ids: string[]) =>
      events(1).send(new PutEventsCommand({ Entries: ids.map((id, n) => entry(id, n)) }));

    // Act
    const lostAnswer = await failure(put(lost));
    const refusedAnswer = await failure(put(refused));
    const partial = await put(failing, passing);
    const duplicated = await put(twice);
    await put(sentinel);
    const delivered = await probe.until('the sentinel', (es) =>
      es.some((e) => e.detail.leaseId === sentinel),
    );
    await probe.stop();

    // Assess
    const byLease = (id: string) => delivered.filter((e) => e.detail.leaseId === id);
    expect(lostAnswer).toMatchObject({ name: 'InternalException', status: 500 });
    expect(byLease(lost)).toHaveLength(1);
    expect(refusedAnswer).toMatchObject({ name: 'ThrottlingException', status: 400 });
    expect(byLease(refused)).toEqual([]);
    expect(partial.FailedEntryCount).toBe(1);
    expect(partial.Entries).toEqual([
      { ErrorCode: 'ThrottlingException', ErrorMessage: expect.any(String) },
      { EventId: expect.any(String) },
    ]);
    expect(byLease(failing)).toEqual([]);
    expect(byLease(passing).map((e) => e.id)).toEqual([partial.Entries?.[1]?.EventId]);
    expect(byLease(twice).map((e) => e.id)).toEqual([
      duplicated.Entries?.[0]?.EventId,
      duplicated.Entries?.[0]?.EventId,
    ]);
  });
});

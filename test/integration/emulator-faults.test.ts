import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { newLeaseId } from '../../core/ledger-keys.ts';
import { failure, listenOnBus, unique } from './emulator-kit.ts';
import { awsConfig, injectAwsFaults } from './harness.ts';

const TABLE = unique('faults');
const BUS = unique('faults');
const leaseId = () => newLeaseId(new Date());
/** The local clients (2 attempts: the SDK's retry replays a lost call) and single-attempt ones. */
const ddb = (maxAttempts?: number) =>
  DynamoDBDocumentClient.from(new DynamoDBClient(awsConfig(maxAttempts ? { maxAttempts } : {})));
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

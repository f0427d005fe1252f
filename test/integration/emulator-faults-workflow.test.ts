import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { CreatePermissionSetCommand, ListAccountAssignmentsCommand } from '@aws-sdk/client-sso-admin';
import { beforeAll, describe, expect, it } from 'vitest';
import { newLeaseId } from '../../core/ledger-keys.ts';
import { createStateMachine, listenOnBus, runToEnd, unique } from './emulator-kit.ts';
import { awsConfig, eventsClient, info, injectAwsFaults, ssoAdminClient } from './harness.ts';

// What Step Functions' own tasks see when the call they make fails: the error names AWS uses.
const TABLE = unique('faults-workflow');
const BUS = unique('faults-workflow');
const ACCOUNT = '444444444444';
let permissionSetArn = '';
const leaseId = () => newLeaseId(new Date());
const taskErrors = (history: HistoryEvent[]) =>
  history.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error);
const retried = (errors: string[]) => [
  { ErrorEquals: errors, IntervalSeconds: 1, BackoffRate: 1, MaxAttempts: 3 },
];

beforeAll(async () => {
  await new DynamoDBClient(awsConfig()).send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  await eventsClient().send(new CreateEventBusCommand({ Name: BUS }));
  const ps = await ssoAdminClient().send(
    new CreatePermissionSetCommand({ InstanceArn: info().instanceArn, Name: unique('ps').slice(0, 32) }),
  );
  permissionSetArn = ps.PermissionSet?.PermissionSetArn as string;
});

describe.concurrent('faults inside a workflow', () => {
  it('dynamodb:updateItem raises the DynamoDB.* names a Retry matches, and a lost update was applied', async () => {
    // Prepare
    const id = leaseId();
    const names = [
      'DynamoDB.InternalServerErrorException',
      'DynamoDB.ThrottlingException',
      'DynamoDB.ProvisionedThroughputExceededException',
    ];
    const machine = await createStateMachine(unique('ddb'), {
      StartAt: 'Count',
      States: {
        Count: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:updateItem',
          Parameters: {
            TableName: TABLE,
            Key: { pk: { 'S.$': '$.key' } },
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          },
          ResultPath: null,
          Retry: retried(names),
          End: true,
        },
      },
    });
    await injectAwsFaults(
      ['InternalServerError', 'ThrottlingException', 'ProvisionedThroughputExceededException'].map(
        (error, i) => ({
          service: 'dynamodb' as const,
          action: 'UpdateItem',
          mode: i === 0 ? ('lost' as const) : ('refuse' as const),
          error,
          leaseId: id,
          times: 1,
        }),
      ),
    );

    // Act
    const { execution, history } = await runToEnd(machine, id, { key: `LEASE#${id}` });

    // Assess: applied by the lost call and by the last one
    expect(execution.status).toBe('SUCCEEDED');
    expect(taskErrors(history)).toEqual(names);
    const item = await new DynamoDBClient(awsConfig()).send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `LEASE#${id}` } } }),
    );
    expect(item.Item?.n).toEqual({ N: '2' });
  });

  it('events:putEvents raises EventBridge.* names, and EventBridge.FailedEntry for a failed entry', async () => {
    // Prepare
    const probe = await listenOnBus(unique('workflow'), { source: ['it.faults.workflow'] }, BUS);
    const [retrying, failing, sentinel] = [leaseId(), leaseId(), leaseId()];
    const machine = await createStateMachine(unique('events'), {
      StartAt: 'Tell',
      States: {
        Tell: {
          Type: 'Task',
          Resource: 'arn:aws:states:::events:putEvents',
          Parameters: {
            Entries: [
              {
                EventBusName: BUS,
                Source: 'it.faults.workflow',
                DetailType: 'Probe',
                Detail: { 'leaseId.$': '$.id' },
              },
            ],
          },
          ResultPath: null,
          Retry: retried(['EventBridge.InternalException', 'EventBridge.ThrottlingException']),
          End: true,
        },
      },
    });
    await injectAwsFaults([
      { service: 'events', action: 'PutEvents', mode: 'lost', leaseId: retrying, times: 1 },
      {
        service: 'events',
        action: 'PutEvents',
        mode: 'refuse',
        error: 'ThrottlingException',
        leaseId: retrying,
        times: 1,
      },
      { service: 'events', mode: 'failedEntry', error: 'ThrottlingException', leaseId: failing },
    ]);

    // Act
    const [ok, failed] = await Promise.all([
      runToEnd(machine, retrying, { id: retrying }),
      runToEnd(machine, failing, { id: failing }),
    ]);
    await eventsClient().send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: BUS,
            Source: 'it.faults.workflow',
            DetailType: 'Probe',
            Detail: JSON.stringify({ leaseId: sentinel }),
          },
        ],
      }),
    );
    const delivered = await probe.until('the sentinel', (es) =>
      es.some((e) => e.detail.leaseId === sentinel),
    );
    await probe.stop();

    // Assess
    expect(ok.execution.status).toBe('SUCCEEDED');
    expect(taskErrors(ok.history)).toEqual([
      'EventBridge.InternalException',
      'EventBridge.ThrottlingException',
    ]);
    expect(delivered.filter((e) => e.detail.leaseId === retrying)).toHaveLength(2);
    expect(failed.execution).toMatchObject({ status: 'FAILED', error: 'EventBridge.FailedEntry' });
    expect(JSON.parse(failed.execution.cause as string)).toMatchObject({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException' }],
    });
    expect(delivered.filter((e) => e.detail.leaseId === failing)).toEqual([]);
  });

  it('aws-sdk:ssoadmin raises SsoAdmin.* names; a lost create still created the assignment', async () => {
    // Prepare
    const [lost, refused] = [randomUUID(), randomUUID()];
    const machine = await createStateMachine(unique('sso'), {
      StartAt: 'Create',
      States: {
        Create: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:ssoadmin:createAccountAssignment',
          Parameters: {
            InstanceArn: info().instanceArn,
            TargetId: ACCOUNT,
            TargetType: 'AWS_ACCOUNT',
            PermissionSetArn: permissionSetArn,
            PrincipalType: 'USER',
            'PrincipalId.$': '$.principalId',
          },
          ResultSelector: { 'status.$': '$.AccountAssignmentCreationStatus.Status' },
          End: true,
        },
      },
    });
    await injectAwsFaults([
      { service: 'sso-admin', action: 'CreateAccountAssignment', mode: 'lost', principalId: lost },
      {
        service: 'sso-admin',
        action: 'CreateAccountAssignment',
        mode: 'refuse',
        error: 'ThrottlingException',
        principalId: refused,
      },
    ]);

    // Act
    const runs = await Promise.all(
      [lost, refused].map((principalId) => runToEnd(machine, leaseId(), { principalId })),
    );
    const listed = await ssoAdminClient().send(
      new ListAccountAssignmentsCommand({
        InstanceArn: info().instanceArn,
        AccountId: ACCOUNT,
        PermissionSetArn: permissionSetArn,
      }),
    );

    // Assess
    expect(runs.map((r) => r.execution.error)).toEqual([
      'SsoAdmin.InternalServerException',
      'SsoAdmin.ThrottlingException',
    ]);
    const principals = (listed.AccountAssignments ?? []).map((a) => a.PrincipalId);
    expect(principals).toContain(lost);
    expect(principals).not.toContain(refused);
  });

  it("a dropped status event never reaches the bus (AWS delivers Step Functions' events best effort)", async () => {
    // Prepare
    const probe = await listenOnBus(unique('dropped'), { source: ['aws.states'] });
    const machine = await createStateMachine(unique('pass'), {
      StartAt: 'Pass',
      States: { Pass: { Type: 'Pass', End: true } },
    });
    const [dropped, kept] = [leaseId(), leaseId()];
    await injectAwsFaults([
      { service: 'states', mode: 'dropped', leaseId: dropped, contains: '"status":"SUCCEEDED"' },
    ]);

    // Act
    const first = await runToEnd(machine, dropped);
    const second = await runToEnd(machine, kept);
    const events = await probe.until('the second end', (es) =>
      es.some((e) => e.detail.name === kept && e.detail.status === 'SUCCEEDED'),
    );
    await probe.stop();

    // Assess
    expect([first.execution.status, second.execution.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const statuses = (name: string) =>
      events.filter((e) => e.detail.name === name).map((e) => e.detail.status);
    expect(statuses(dropped)).toEqual(['RUNNING']);
    expect(statuses(kept)).toEqual(['RUNNING', 'SUCCEEDED']);
  });
});

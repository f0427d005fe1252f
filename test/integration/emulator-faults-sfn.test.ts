import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { newLeaseId } from '../../core/ledger-keys.ts';
import { createStateMachine, failure, unique } from './emulator-kit.ts';
import { awsConfig, awsFaults, injectAwsFaults, sqsClient, waitUntil } from './harness.ts';

const leaseId = () => newLeaseId(new Date());
/** The local client (2 attempts: the SDK's retry replays a lost call) or a single-attempt one. */
const sfn = (maxAttempts?: number) => new SFNClient(awsConfig(maxAttempts ? { maxAttempts } : {}));

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

  it('a token whose wait timed out is closed: SendTaskSuccess answers TaskTimedOut while the execution goes on', async () => {
    // Prepare: the task waits 1 s, then the execution waits 20 s more (still RUNNING)
    const sqs = sqsClient();
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: unique('tokens') }))).QueueUrl as string;
    const machine = await createStateMachine(unique('timeout'), {
      StartAt: 'Hand',
      States: {
        Hand: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: { QueueUrl: url, MessageBody: { 'token.$': '$$.Task.Token' } },
          TimeoutSeconds: 1,
          Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'After' }],
          End: true,
        },
        After: { Type: 'Wait', Seconds: 20, End: true },
      },
    });
    const name = leaseId();
    const { executionArn } = await sfn().send(new StartExecutionCommand({ stateMachineArn: machine, name }));
    let token = '';
    await waitUntil('the task token', async () => {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
      token = (JSON.parse(out.Messages?.[0]?.Body ?? '{}') as { token?: string }).token ?? token;
      return token !== '';
    });
    await waitUntil('the wait to time out', async () => {
      const history = await sfn().send(new GetExecutionHistoryCommand({ executionArn, maxResults: 100 }));
      return (history.events ?? []).some((e) => e.type === 'TaskTimedOut');
    });

    // Act
    const late = await failure(sfn(1).send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })));

    // Assess
    expect(late).toMatchObject({ name: 'TaskTimedOut', status: 400 });
    expect((await sfn().send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await sfn().send(new StopExecutionCommand({ executionArn }));
  });
});

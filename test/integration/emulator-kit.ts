import {
  DeleteRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { eventsClient, sfnClient, sqsClient, waitUntil } from './harness.ts';

/**
 * Probes of the emulator itself, for tests of how it behaves (faults, Step Functions' status
 * events): what a bus delivers, and state machines of a test's own next to the lease workflow.
 */

/** An EventBridge event as a rule's SQS target receives it. */
export interface DeliveredEvent {
  id: string;
  source: string;
  'detail-type': string;
  resources: string[];
  detail: Record<string, unknown>;
}

/**
 * A rule with `pattern` on `bus` (default: the default bus) delivering to a new queue: every
 * event it matches from now on. `stop()` removes the rule and the queue.
 */
export const listenOnBus = async (name: string, pattern: unknown, bus?: string) => {
  const sqs = sqsClient();
  const events = eventsClient();
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
    .Attributes?.QueueArn as string;
  const onBus = bus ? { EventBusName: bus } : {};
  await events.send(new PutRuleCommand({ Name: name, ...onBus, EventPattern: JSON.stringify(pattern) }));
  await events.send(new PutTargetsCommand({ Rule: name, ...onBus, Targets: [{ Id: name, Arn: arn }] }));
  const received: DeliveredEvent[] = [];
  const receive = async (waitSeconds: number) => {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }),
    );
    for (const m of out.Messages ?? []) received.push(JSON.parse(m.Body ?? '{}') as DeliveredEvent);
  };
  return {
    /** Everything received so far, once `until` holds for it (or the deadline passes: then it throws). */
    async until(what: string, done: (events: DeliveredEvent[]) => boolean, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(received)) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}: ${JSON.stringify(received)}`);
        await receive(1);
      }
      return received;
    },
    async stop() {
      await events.send(new RemoveTargetsCommand({ Rule: name, ...onBus, Ids: [name] }));
      await events.send(new DeleteRuleCommand({ Name: name, ...onBus }));
      await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    },
  };
};

/** A state machine of the test's own in the emulator (not the lease workflow). */
export const createStateMachine = async (name: string, definition: unknown): Promise<string> =>
  (
    await sfnClient().send(
      new CreateStateMachineCommand({
        name,
        definition: JSON.stringify(definition),
        roleArn: 'arn:aws:iam::123456789012:role/it-test-machines',
        type: 'STANDARD',
      }),
    )
  ).stateMachineArn as string;

/** Starts an execution named `name` and waits for its end: its description and history. */
export const runToEnd = async (
  stateMachineArn: string,
  name: string,
  input: unknown = {},
): Promise<{ execution: DescribeExecutionCommandOutput; history: HistoryEvent[] }> => {
  const sfn = sfnClient();
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
  );
  let execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  await waitUntil(`execution ${name} to end`, async () => {
    execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return execution.status !== 'RUNNING';
  });
  const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return { execution, history: history.events ?? [] };
};

/** A name no other test or run uses (queues, rules, tables and state machines outlive a test). */
export const unique = (what: string) => `it-${what}-${Math.random().toString(36).slice(2, 10)}`;

/** What a call that must fail threw: its SDK error name, HTTP status and attempts. */
export const failure = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (err) {
    const e = err as {
      name: string;
      $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string };
    };
    return {
      name: e.name,
      status: e.$metadata?.httpStatusCode,
      attempts: e.$metadata?.attempts,
      requestId: e.$metadata?.requestId,
    };
  }
  throw new Error('the call succeeded');
};

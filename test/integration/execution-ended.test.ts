import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  eventsClient,
  executionArn,
  executionStatus,
  getLease,
  info,
  isAssigned,
  requestLease,
  sfnClient,
  sqsClient,
  waitForStatus,
  waitUntil,
  withReconcilerLock,
} from './harness.ts';

const USER = 't04';
const ACCOUNT = '111111111111';

/**
 * Step Functions' own "Execution Status Change" event for `leaseId`'s execution, as AWS puts it on
 * the default bus (AWS refuses `aws.*` sources from callers; the emulator does not, which is what
 * lets a test stand in for Step Functions).
 */
const statusChange = (leaseId: string, status: string, stateMachineArn = info().stateMachineArn) => {
  const execution = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${leaseId}`;
  return {
    Source: 'aws.states',
    DetailType: 'Step Functions Execution Status Change',
    Resources: [execution],
    Detail: JSON.stringify({
      executionArn: execution,
      stateMachineArn,
      name: leaseId,
      status,
      startDate: Date.now() - 10_000,
      stopDate: Date.now(),
      input: '{}',
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
      error: null,
      cause: null,
    }),
  };
};

const putOnDefaultBus = async (...entries: ReturnType<typeof statusChange>[]) => {
  const out = await eventsClient().send(new PutEventsCommand({ Entries: entries }));
  if (out.FailedEntryCount) throw new Error(`PutEvents refused: ${JSON.stringify(out.Entries)}`);
};

/** Everything Step Functions says on the emulator's default bus, from now on. */
const listenToStepFunctions = async (name: string) => {
  const sqs = sqsClient();
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
    .Attributes?.QueueArn as string;
  await eventsClient().send(
    new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: ['aws.states'] }) }),
  );
  await eventsClient().send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: name, Arn: arn }] }));
  return async (waitSeconds: number): Promise<Message[]> =>
    (
      await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }),
      )
    ).Messages ?? [];
};

/** A lease whose assignment exists while its workflow is gone: what only the reconciler can clean up. */
const stoppedActiveLease = async (permissionSet: string) => {
  const lease = await requestLease(USER, { accountId: ACCOUNT, permissionSet, duration: 'PT30M' });
  await waitForStatus(USER, lease.id, 'ACTIVE');
  await sfnClient().send(
    new StopExecutionCommand({ executionArn: executionArn(lease.id), cause: 'integration test' }),
  );
  await waitUntil('execution ABORTED', async () => (await executionStatus(lease.id)) === 'ABORTED');
  return lease;
};

// Each test holds the reconciler lock: the run an event starts acts on every tuple of the runtime.
describe.concurrent('an execution that ends without revoking', () => {
  it('starts the reconciler through the default bus, which removes the assignment and ends the lease', async () => {
    await withReconcilerLock(async () => {
      // Prepare
      const fromStepFunctions = await listenToStepFunctions('it-probe-aws-states');
      const lease = await stoppedActiveLease('ReadOnly');
      const emittedByEmulator = await fromStepFunctions(3);
      const assignedAfterStop = await isAssigned(USER, ACCOUNT, 'ReadOnly');

      // Act: what Step Functions puts on the default bus in AWS (no POST /admin/reconcile)
      const sentAt = Date.now();
      await putOnDefaultBus(statusChange(lease.id, 'ABORTED'));
      await waitUntil('assignment removed', async () => !(await isAssigned(USER, ACCOUNT, 'ReadOnly')));
      const removedAfterMs = Date.now() - sentAt;
      const ended = await waitForStatus(USER, lease.id, 'ENDED', 10_000);

      // Assess
      // moto 5.2.1 emits no status-change events; if it ever does, the put above is redundant.
      expect(emittedByEmulator).toEqual([]);
      expect(assignedAfterStop).toBe(true);
      expect(removedAfterMs).toBeLessThan(15_000);
      expect(ended.endReason).toBe('REVOKED');
      expect(ended.assignment.deleteRequestId).toEqual(expect.any(String));
      expect(ended.timeline).toContainEqual(expect.objectContaining({ type: 'ENDED', actor: 'reconciler' }));
      expect((await fromStepFunctions(1)).map((m) => JSON.parse(m.Body ?? '{}').detail?.name)).toEqual([
        lease.id,
      ]);
    });
  });

  it("ignores another state machine's executions and statuses the rule does not route", async () => {
    await withReconcilerLock(async () => {
      // Prepare
      const lease = await stoppedActiveLease('PowerUser');
      const elsewhere = info().stateMachineArn.replace(/:stateMachine:.*$/, ':stateMachine:someone-elses');

      // Act
      await putOnDefaultBus(
        statusChange(lease.id, 'ABORTED', elsewhere),
        statusChange(lease.id, 'SUCCEEDED'),
        statusChange(lease.id, 'RUNNING'),
      );
      // Longer than the routed event above took to reach the reconciler and remove the assignment.
      await new Promise((r) => setTimeout(r, 4000));
      const assignedAfterStrayEvents = await isAssigned(USER, ACCOUNT, 'PowerUser');
      const statusAfterStrayEvents = (await getLease(USER, lease.id)).status;
      // Clean up the orphan inside the lock, the way the first test shows works.
      await putOnDefaultBus(statusChange(lease.id, 'ABORTED'));
      await waitForStatus(USER, lease.id, 'ENDED', 20_000);

      // Assess
      expect(assignedAfterStrayEvents).toBe(true);
      expect(statusAfterStrayEvents).toBe('ACTIVE');
      expect(await isAssigned(USER, ACCOUNT, 'PowerUser')).toBe(false);
    });
  });
});

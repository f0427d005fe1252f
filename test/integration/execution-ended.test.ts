import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { newLeaseId } from '../../core/ledger-keys.ts';
import { executionEndedPattern } from '../../lib/rules.ts';
import { createStateMachine, type DeliveredEvent, listenOnBus, runToEnd, unique } from './emulator-kit.ts';
import {
  executionArn,
  info,
  isAssigned,
  requestLease,
  sfnClient,
  waitForStatus,
  waitUntil,
  withReconcilerLock,
} from './harness.ts';

const USER = 't04';
const ACCOUNT = '111111111111';

const stop = (leaseId: string) =>
  sfnClient().send(
    new StopExecutionCommand({ executionArn: executionArn(leaseId), cause: 'integration test' }),
  );

/** `execution`'s statuses in the order its events arrived. */
const statusesOf = (events: DeliveredEvent[], execution: string) =>
  events.filter((e) => e.detail.executionArn === execution).map((e) => e.detail.status);

// Each test holds the reconciler lock: the run an ended execution starts acts on every tuple.
describe.concurrent("Step Functions' execution status events", () => {
  it('remove the assignment of a stopped lease through the execution-ended rule, with nothing else called', async () => {
    await withReconcilerLock(async () => {
      // Prepare
      const fromStepFunctions = await listenOnBus(unique('aws-states'), { source: ['aws.states'] });
      const lease = await requestLease(USER, {
        accountId: ACCOUNT,
        permissionSet: 'ReadOnly',
        duration: 'PT30M',
      });
      await waitForStatus(USER, lease.id, 'ACTIVE');
      const assignedBeforeStop = await isAssigned(USER, ACCOUNT, 'ReadOnly');

      // Act: what an operator does in the console; no reconcile call, no event put by hand
      await stop(lease.id);
      await waitUntil(
        'assignment removed',
        async () => !(await isAssigned(USER, ACCOUNT, 'ReadOnly')),
        30_000,
      );
      const ended = await waitForStatus(USER, lease.id, 'ENDED', 10_000);
      const events = await fromStepFunctions.until('the ABORTED event', (es) =>
        statusesOf(es, executionArn(lease.id)).includes('ABORTED'),
      );
      await fromStepFunctions.stop();

      // Assess
      expect(assignedBeforeStop).toBe(true);
      expect(ended.endReason).toBe('REVOKED');
      expect(ended.assignment.deleteRequestId).toEqual(expect.any(String));
      expect(ended.timeline).toContainEqual(expect.objectContaining({ type: 'ENDED', actor: 'reconciler' }));
      expect(statusesOf(events, executionArn(lease.id))).toEqual(['RUNNING', 'ABORTED']);
      const aborted = events.find(
        (e) => e.detail.executionArn === executionArn(lease.id) && e.detail.status === 'ABORTED',
      );
      expect(aborted).toMatchObject({
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        resources: [executionArn(lease.id)],
        detail: {
          stateMachineArn: info().stateMachineArn,
          name: lease.id,
          startDate: expect.any(Number),
          stopDate: expect.any(Number),
          output: null,
        },
      });
      const detail = aborted?.detail as { startDate: number; stopDate: number; input: string };
      expect(detail.stopDate).toBeGreaterThanOrEqual(detail.startDate);
      expect(JSON.parse(detail.input).lease.id).toBe(lease.id);
    });
  });

  it("route to the reconciler only the abnormal ends of this stack's lease executions", async () => {
    await withReconcilerLock(async () => {
      // Prepare: the rule's own pattern on a probe queue, and everything Step Functions says
      const routed = await listenOnBus(unique('routed'), executionEndedPattern(info().stateMachineArn));
      const all = await listenOnBus(unique('all'), { source: ['aws.states'] });
      const elsewhere = await createStateMachine(unique('someone-elses'), {
        StartAt: 'Hold',
        TimeoutSeconds: 2,
        States: {
          Hold: {
            Type: 'Choice',
            Choices: [{ Variable: '$.fail', IsPresent: true, Next: 'Fail' }],
            Default: 'Wait',
          },
          Fail: { Type: 'Fail', Error: 'Elsewhere.Failed' },
          Wait: { Type: 'Wait', Seconds: 30, End: true },
        },
      });
      // Executions named like leases, of another state machine: one FAILED, one TIMED_OUT
      const [failedElsewhere, timedOutElsewhere] = await Promise.all([
        runToEnd(elsewhere, newLeaseId(new Date()), { fail: true }),
        runToEnd(elsewhere, newLeaseId(new Date())),
      ]);
      // A lease that ends as planned: its execution SUCCEEDED
      const expiring = await requestLease(USER, {
        accountId: ACCOUNT,
        permissionSet: 'PowerUser',
        duration: 'PT3S',
      });
      await waitForStatus(USER, expiring.id, 'ENDED');
      await all.until('its SUCCEEDED event', (es) =>
        statusesOf(es, executionArn(expiring.id)).includes('SUCCEEDED'),
      );

      // Act: a lease whose execution is stopped (ABORTED), the one end among these the rule routes
      const stopped = await requestLease(USER, {
        accountId: ACCOUNT,
        permissionSet: 'PowerUser',
        duration: 'PT30M',
      });
      await waitForStatus(USER, stopped.id, 'ACTIVE');
      await stop(stopped.id);
      const seen = await all.until('the ABORTED event', (es) =>
        statusesOf(es, executionArn(stopped.id)).includes('ABORTED'),
      );
      // Delivery is synchronous: the probe with the rule's pattern has received all it will of these.
      const routedEvents = await routed.until('the routed ABORTED event', (es) =>
        statusesOf(es, executionArn(stopped.id)).includes('ABORTED'),
      );
      await waitForStatus(USER, stopped.id, 'ENDED', 30_000);
      await Promise.all([routed.stop(), all.stop()]);

      // Assess
      const failedArn = failedElsewhere.execution.executionArn as string;
      const timedOutArn = timedOutElsewhere.execution.executionArn as string;
      expect(statusesOf(seen, failedArn)).toEqual(['RUNNING', 'FAILED']);
      expect(statusesOf(seen, timedOutArn)).toEqual(['RUNNING', 'TIMED_OUT']);
      expect(statusesOf(seen, executionArn(expiring.id))).toEqual(['RUNNING', 'SUCCEEDED']);
      const ours = [failedArn, timedOutArn, executionArn(expiring.id), executionArn(stopped.id)];
      expect(
        routedEvents.filter((e) => ours.includes(e.detail.executionArn as string)).map((e) => e.detail.name),
      ).toEqual([stopped.id]);
      expect(
        seen.find((e) => e.detail.executionArn === failedArn && e.detail.status === 'FAILED')?.detail,
      ).toMatchObject({ error: 'Elsewhere.Failed', stopDate: expect.any(Number) });
      expect(await isAssigned(USER, ACCOUNT, 'PowerUser')).toBe(false);
    });
  }, 120_000);
});

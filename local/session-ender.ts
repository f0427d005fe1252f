import { Logger } from '@aws-lambda-powertools/logger';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../adapters/clients.ts';
import type { Policy } from '../core/policy.ts';
import { endSessionsPermissionSets } from '../core/session-deny.ts';
import { composeSessionEnder } from '../lambdas/session-ender/compose.ts';
import { onTrigger } from '../lambdas/session-ender/trigger.ts';
import { drainQueue } from './drain.ts';
import type { Provisioned } from './provision.ts';

/** What EventBridge Scheduler's rule delivers to the deployed function; the local timer sends the same. */
export const scheduledEvent = (at: Date) => ({
  version: '0',
  id: `local-sweep-${at.getTime()}`,
  source: 'aws.events',
  'detail-type': 'Scheduled Event',
  time: at.toISOString(),
  detail: {},
});

/**
 * The session ender function's stand-in: the lease-ended rule's queue drained into the same entry
 * the Lambda runs, several at a time as concurrent invocations would (the per-permission-set lock
 * is what keeps them apart), and the sweep's schedule as a timer that queues a scheduled event.
 * `aws` signs as the function; `platform` (the queue and the timer, which are EventBridge's and
 * Lambda's work in AWS) as the harness.
 */
export function startSessionEnder(
  aws: AwsClients,
  platform: AwsClients,
  stack: Provisioned,
  policy: Policy,
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT',
  sweepEveryMs = 60_000,
): { stop(): Promise<void> } {
  const logger = new Logger({ serviceName: 'idc-lease-session-ender', logLevel });
  const permissionSetArns = endSessionsPermissionSets(policy).flatMap((name) => {
    const arn = stack.permissionSets[name];
    return arn ? [arn] : [];
  });
  const deps = composeSessionEnder(aws, { ...stack, permissionSetArns }, policy, logger);
  // Several pollers, as Lambda runs concurrent invocations: one drain waits for a whole batch
  // before it receives again, which would serialize ends that AWS runs side by side.
  const drains = Array.from({ length: 3 }, () =>
    drainQueue(
      platform.sqs,
      stack.queues.sessionEnder,
      async (event: unknown) => {
        await onTrigger(deps, event);
      },
      logger,
      // A run may wait for the lock and a provisioning; it must not be handed out again meanwhile.
      { visibilityTimeoutSeconds: 120 },
    ),
  );
  const timer = setInterval(() => {
    platform.sqs
      .send(
        new SendMessageCommand({
          QueueUrl: stack.queues.sessionEnder,
          MessageBody: JSON.stringify(scheduledEvent(new Date())),
        }),
      )
      .catch((err: unknown) => logger.warn('could not queue the sweep', { error: err as Error }));
  }, sweepEveryMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(drains.map((d) => d.stop()));
    },
  };
}

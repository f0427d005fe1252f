import type { Logger } from '@aws-lambda-powertools/logger';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface DrainOptions {
  /** Handle one event after the other, as a function with reserved concurrency 1 would. */
  oneAtATime?: boolean;
  /** Longer than the slowest handling, or a message still being handled is delivered again. @default 5 */
  visibilityTimeoutSeconds?: number;
}

/**
 * Locally, an EventBridge rule whose AWS target is a Lambda targets a queue instead; this loop
 * hands each message to the same handler the Lambda runs. A failing message stays in the queue
 * and comes back after its visibility timeout, as a Lambda retry would.
 */
export const drainQueue = <T>(
  sqs: SQSClient,
  queueUrl: string,
  handle: (event: T) => Promise<void>,
  logger: Logger,
  options: DrainOptions = {},
): { stop(): Promise<void> } => {
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: options.oneAtATime ? 1 : 10,
            WaitTimeSeconds: 1,
            VisibilityTimeout: options.visibilityTimeoutSeconds ?? 5,
          }),
        );
        await Promise.all(
          (out.Messages ?? []).map(async (m) => {
            try {
              await handle(JSON.parse(m.Body ?? '{}') as T);
              await sqs.send(
                new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }),
              );
            } catch (err) {
              logger.error('consumer failed; the message will be retried', { error: err as Error });
            }
          }),
        );
      } catch (err) {
        if (running) {
          logger.warn('queue poll failed', { error: err as Error });
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
};

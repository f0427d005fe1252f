import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the named queues hold no message, visible or in flight: the local stand-ins of the
 * event consumers (ledger writer, notifier, …) have handled everything sent to them. Answers
 * false when `timeoutMs` passed first.
 */
export async function whenQueuesEmpty(
  sqs: SQSClient,
  queueNames: readonly string[],
  timeoutMs: number,
): Promise<boolean> {
  const urls = await Promise.all(
    queueNames.map(async (QueueName) => (await sqs.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const held = await Promise.all(
      urls.map(async (QueueUrl) => {
        const { Attributes: a } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        return Number(a?.ApproximateNumberOfMessages) + Number(a?.ApproximateNumberOfMessagesNotVisible);
      }),
    );
    if (held.every((n) => n === 0)) return true;
    if (Date.now() > deadline) return false;
    await sleep(1000);
  }
}

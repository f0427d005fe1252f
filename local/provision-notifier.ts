import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../adapters/clients.ts';
import type { NotifierSettings } from '../core/notifier-settings.ts';
import { notifierPattern, notifierTokenPattern, notifierTokenTransformer } from '../lib/rules.ts';

export const NOTIFIER_NAMES = {
  rule: 'idc-lease-notifier',
  tokenRule: 'idc-lease-notifier-waiting',
  queue: 'idc-lease-notifier',
  deadLetters: 'idc-lease-notifier-dlq',
  signingSecret: 'idc-lease/webhook-signing',
  slackSecret: 'idc-lease/slack-webhook',
} as const;

/** Deliveries of one event are tried this often (each with its own backoff) before the DLQ. */
export const LOCAL_NOTIFIER_RECEIVES = 3;

export interface ProvisionedNotifier {
  queueUrl: string;
  deadLetterQueueUrl: string;
  settings: NotifierSettings;
}

const queue = async (aws: AwsClients, name: string, attributes: Record<string, string> = {}) => {
  const url = (await aws.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })))
    .QueueUrl as string;
  const arn = (
    await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn as string;
  return { url, arn };
};

/**
 * What lib/notifier.ts deploys, in the emulator: the two rules of lib/rules.ts into a queue
 * (with a dead-letter queue, as the deployed consumer has), and the webhook's signing secret
 * and the Slack-shaped webhook URL in Secrets Manager, both pointing at the local sink.
 */
export async function provisionNotifier(
  aws: AwsClients,
  secretsManager: SecretsManagerClient,
  busName: string,
  sinkUrl: string,
): Promise<ProvisionedNotifier> {
  const deadLetters = await queue(aws, NOTIFIER_NAMES.deadLetters);
  const main = await queue(aws, NOTIFIER_NAMES.queue, {
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetters.arn,
      maxReceiveCount: String(LOCAL_NOTIFIER_RECEIVES),
    }),
  });
  const rules = [
    { name: NOTIFIER_NAMES.rule, pattern: notifierPattern, transformer: undefined },
    { name: NOTIFIER_NAMES.tokenRule, pattern: notifierTokenPattern, transformer: notifierTokenTransformer },
  ];
  for (const rule of rules) {
    await aws.events.send(
      new PutRuleCommand({
        Name: rule.name,
        EventBusName: busName,
        EventPattern: JSON.stringify(rule.pattern),
      }),
    );
    await aws.events.send(
      new PutTargetsCommand({
        Rule: rule.name,
        EventBusName: busName,
        Targets: [
          {
            Id: 'notifier',
            Arn: main.arn,
            ...(rule.transformer
              ? {
                  InputTransformer: {
                    InputPathsMap: { ...rule.transformer.InputPathsMap },
                    InputTemplate: rule.transformer.InputTemplate,
                  },
                }
              : {}),
          },
        ],
      }),
    );
  }
  const signingSecret = `local-${crypto.randomUUID()}`;
  await secretsManager.send(
    new CreateSecretCommand({ Name: NOTIFIER_NAMES.signingSecret, SecretString: signingSecret }),
  );
  await secretsManager.send(
    new CreateSecretCommand({ Name: NOTIFIER_NAMES.slackSecret, SecretString: `${sinkUrl}/slack` }),
  );
  return {
    queueUrl: main.url,
    deadLetterQueueUrl: deadLetters.url,
    settings: {
      webhook: { url: `${sinkUrl}/webhook`, signingSecret: NOTIFIER_NAMES.signingSecret },
      slack: { webhookSecret: NOTIFIER_NAMES.slackSecret },
      audit: ['webhook'],
      endingSoonLead: 'PT10M',
    },
  };
}

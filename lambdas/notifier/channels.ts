import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import { type AwsTarget, clientConfig } from '../../adapters/clients.ts';
import { SesChannel, TopicChannel } from '../../adapters/notify-email.ts';
import type { Channel, RetryOptions } from '../../adapters/notify-http.ts';
import { SlackChannel, WebhookChannel } from '../../adapters/notify-webhook.ts';
import { Secrets } from '../../adapters/secrets.ts';
import type { NotifierSettings } from '../../core/notifier-settings.ts';

/** The configured channels, built the same way by the function and by the local runtime. */
export function buildChannels(
  settings: NotifierSettings,
  target: AwsTarget,
  retry: RetryOptions = {},
): Channel[] {
  const config = clientConfig(target);
  const secrets = new Secrets(new SecretsManagerClient(config));
  const channels: Channel[] = [];
  if (settings.webhook) channels.push(new WebhookChannel(settings.webhook, secrets, retry));
  if (settings.slack) channels.push(new SlackChannel(settings.slack.webhookSecret, secrets, retry));
  if (settings.email)
    channels.push(
      'from' in settings.email
        ? new SesChannel(new SESClient(config), settings.email.from)
        : new TopicChannel(new SNSClient(config), settings.email.topicArn),
    );
  return channels;
}

import { renderSlack } from '../core/notification-render.ts';
import type { Delivery } from '../core/notifications.ts';
import { signWebhook } from '../core/webhook-signature.ts';
import { type Channel, postWithRetry, type RetryOptions } from './notify-http.ts';
import type { Secrets } from './secrets.ts';

export interface WebhookSettings {
  /** Either the URL itself or the secret that holds it (URLs often embed a credential). */
  url?: string;
  urlSecret?: string;
  signingSecret: string;
}

/** The generic webhook: the delivery as JSON, signed (core/webhook-signature.ts). */
export class WebhookChannel implements Channel {
  readonly name = 'webhook';

  constructor(
    private readonly settings: WebhookSettings,
    private readonly secrets: Secrets,
    private readonly retry: RetryOptions = {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(delivery: Delivery): Promise<void> {
    const url = this.settings.url ?? (await this.secrets.get(this.settings.urlSecret as string));
    const secret = await this.secrets.get(this.settings.signingSecret);
    const body = JSON.stringify(delivery);
    await postWithRetry(
      url,
      body,
      () => ({
        ...signWebhook(secret, body, Math.floor(this.now().getTime() / 1000)),
        'x-idc-lease-delivery': delivery.notification.id,
      }),
      this.retry,
    );
  }
}

/** A Slack incoming webhook; its URL is the credential, so it only ever lives in Secrets Manager. */
export class SlackChannel implements Channel {
  readonly name = 'slack';

  constructor(
    private readonly webhookSecret: string,
    private readonly secrets: Secrets,
    private readonly retry: RetryOptions = {},
  ) {}

  async send(delivery: Delivery): Promise<void> {
    const url = await this.secrets.get(this.webhookSecret);
    await postWithRetry(url, JSON.stringify(renderSlack(delivery)), () => ({}), this.retry);
  }
}

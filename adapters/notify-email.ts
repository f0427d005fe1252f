import { type SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { renderText } from '../core/notification-render.ts';
import type { Delivery } from '../core/notifications.ts';
import type { Channel } from './notify-http.ts';

/**
 * Email through SES to the recipients' Identity Store addresses. Audit deliveries have no
 * person behind them and go nowhere on this channel: an audit mailbox is an SNS topic.
 */
export class SesChannel implements Channel {
  readonly name = 'email';

  constructor(
    private readonly ses: SESClient,
    private readonly from: string,
  ) {}

  async send(delivery: Delivery): Promise<void> {
    const to = delivery.recipients.flatMap((r) => (r.email ? [r.email] : []));
    if (to.length === 0) return;
    const { subject, body } = renderText(delivery);
    // One email per recipient: approvers do not learn each other's addresses.
    for (const address of to)
      await this.ses.send(
        new SendEmailCommand({
          Source: this.from,
          Destination: { ToAddresses: [address] },
          Message: { Subject: { Data: subject }, Body: { Text: { Data: body } } },
        }),
      );
  }
}

/** Email-like audiences that subscribe themselves: one SNS topic for every delivery. */
export class TopicChannel implements Channel {
  readonly name = 'email';

  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async send(delivery: Delivery): Promise<void> {
    const { subject, body } = renderText(delivery);
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: subject,
        Message: body,
        MessageAttributes: {
          audience: { DataType: 'String', StringValue: delivery.audience },
          kind: { DataType: 'String', StringValue: delivery.notification.kind },
        },
      }),
    );
  }
}

import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { GetSendQuotaCommand, SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { clientConfig } from '../../adapters/clients.ts';
import { SesChannel, TopicChannel } from '../../adapters/notify-email.ts';
import { People } from '../../adapters/people.ts';
import { type Delivery, route } from '../../core/notifications.ts';
import { info, waitUntil } from './harness.ts';

const aws = () => clientConfig({ region: info().region, endpoint: info().awsEndpoint });

const approvalRequest = (approvers: { userName: string; email?: string }[]): Delivery =>
  route({
    event: {
      id: 'ev-channels',
      'detail-type': 'Lease Approval Requested',
      detail: { leaseId: 'l-channels', at: '2026-01-01T10:00:00.000Z' },
    },
    lease: {
      id: 'l-channels',
      requester: { userName: 't01' },
      accountId: '222222222222',
      permissionSet: 'AdministratorAccess',
      duration: 'PT1H',
      justification: 'channel test',
      ruleId: 'gated',
    },
    approvers,
    audit: false,
  })[0] as Delivery;

describe('email channels on the emulator', () => {
  it('People resolves users and group members to their Identity Store emails, skipping unknown names', async () => {
    // Prepare
    const people = new People(new IdentitystoreClient(aws()), info().identityStoreId);

    // Act
    const found = await people.expand({
      users: ['notify1', 'nobody-by-this-name'],
      groups: ['test-approvers', 'no-such-group'],
    });

    // Assess
    expect(found.map((p) => p.userName).sort()).toEqual(['approver1', 'approver2', 'notify1']);
    expect(found.find((p) => p.userName === 'notify1')?.email).toBe('notify1@example.com');
  });

  it('SES sends one email per recipient with an address, from a verified sender only', async () => {
    // Prepare
    const ses = new SESClient(aws());
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'idc-lease@example.com' }));
    const before = (await ses.send(new GetSendQuotaCommand({}))).SentLast24Hours ?? 0;
    const delivery = approvalRequest([
      { userName: 'a', email: 'a@example.com' },
      { userName: 'b', email: 'b@example.com' },
      { userName: 'c' },
    ]);

    // Act
    await new SesChannel(ses, 'idc-lease@example.com').send(delivery);
    const unverified = new SesChannel(ses, 'someone-else@example.com').send(delivery);

    // Assess
    await expect(unverified).rejects.toThrow(/not verified/);
    expect(((await ses.send(new GetSendQuotaCommand({}))).SentLast24Hours ?? 0) - before).toBe(2);
  });

  it('SNS publishes each delivery with its audience and kind as message attributes', async () => {
    // Prepare
    const sns = new SNSClient(aws());
    const sqs = new SQSClient(aws());
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'lease-audit-test' })))
      .TopicArn as string;
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'lease-audit-test' })))
      .QueueUrl as string;
    const queueArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn as string;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
    const delivery = approvalRequest([{ userName: 'a' }]);

    // Act
    await new TopicChannel(sns, topicArn).send(delivery);
    let body = '';
    await waitUntil('the SNS message in the queue', async () => {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
      body = out.Messages?.[0]?.Body ?? '';
      return body.length > 0;
    });

    // Assess
    const message = JSON.parse(body) as {
      Subject: string;
      Message: string;
      MessageAttributes: Record<string, { Value: string }>;
    };
    expect(message.Subject).toBe('[idc-lease] Approval requested');
    expect(message.Message).toContain('lease approve l-channels');
    expect(message.MessageAttributes.audience?.Value).toBe('approvers');
    expect(message.MessageAttributes.kind?.Value).toBe('APPROVAL_REQUESTED');
  });
});

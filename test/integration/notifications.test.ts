import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { clientConfig } from '../../adapters/clients.ts';
import type { Delivery, NotificationKind } from '../../core/notifications.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from '../../core/webhook-signature.ts';
import { NOTIFIER_NAMES } from '../../local/provision-notifier.ts';
import type { SinkRecord } from '../../local/webhook-sink.ts';
import { call, info, isAssigned, requestLease, waitForStatus, waitUntil } from './harness.ts';
import { waitingStateEntries } from './lease-ops-kit.ts';

const GATED = { accountId: '222222222222', permissionSet: 'AdministratorAccess' } as const;
const AUTO = { accountId: '111111111111', permissionSet: 'ReadOnly' } as const;

const aws = () => clientConfig({ region: info().region, endpoint: info().awsEndpoint });

const sinkRecords = async (): Promise<SinkRecord[]> =>
  (await (await fetch(`${info().notificationSink}/_sink/requests`)).json()) as SinkRecord[];

/** Webhook deliveries (the generic channel) about one lease. */
const webhookDeliveries = async (leaseId: string): Promise<{ record: SinkRecord; delivery: Delivery }[]> =>
  (await sinkRecords())
    .filter((r) => r.path === '/webhook' && r.status === 200)
    .map((record) => ({ record, delivery: record.body as Delivery }))
    .filter(({ delivery }) => delivery.notification.lease?.id === leaseId);

const waitForDelivery = async (leaseId: string, audience: string, kind: NotificationKind) => {
  let found: { record: SinkRecord; delivery: Delivery } | undefined;
  await waitUntil(`${kind} to ${audience} for ${leaseId}`, async () => {
    found = (await webhookDeliveries(leaseId)).find(
      ({ delivery }) => delivery.audience === audience && delivery.notification.kind === kind,
    );
    return found !== undefined;
  });
  return found as { record: SinkRecord; delivery: Delivery };
};

/** The token a waiting state put, read where the emulator lets a test see it: the execution's history. */
const taskTokenOf = async (leaseId: string, detailType: 'Lease Approval Requested' | 'Lease Activated') => {
  let token = '';
  await waitUntil(`${detailType} token of ${leaseId}`, async () => {
    token = (await waitingStateEntries(leaseId, detailType)).at(-1)?.Detail.taskToken ?? '';
    return token.length > 0;
  });
  return token;
};

describe.concurrent('notifications', () => {
  it('asks each approver (not the requester) with the CLI command and the lease’s page in the console, tells the requester each step, never leaks a token', async () => {
    // Prepare
    const requester = 'notify1';
    const lease = await requestLease(requester, {
      ...GATED,
      duration: 'PT4S',
      justification: 'INC-7 <!channel>',
    });
    const asked = await waitForDelivery(lease.id, 'approvers', 'APPROVAL_REQUESTED');
    const approvalToken = await taskTokenOf(lease.id, 'Lease Approval Requested');

    // Act
    const approved = await call('approver1', 'POST', `/leases/${lease.id}/approve`, {});
    await waitForStatus(requester, lease.id, 'ACTIVE');
    const holdToken = await taskTokenOf(lease.id, 'Lease Activated').catch(() => '');
    await waitForStatus(requester, lease.id, 'ENDED');
    await waitForDelivery(lease.id, 'requester', 'ENDED');

    // Assess
    expect(approved.status).toBe(200);
    expect(asked.delivery.recipients.map((r) => r.userName).sort()).toEqual(['approver1', 'approver2']);
    expect(asked.delivery.notification.actions).toEqual({
      approve: `lease approve ${lease.id}`,
      reject: `lease reject ${lease.id}`,
      consoleUrl: `${info().consoleUrl}leases/${lease.id}`,
    });
    expect(asked.delivery.notification.lease).toMatchObject({
      requester,
      accountId: GATED.accountId,
      permissionSet: GATED.permissionSet,
      duration: 'PT4S',
      justification: 'INC-7 <!channel>',
    });
    const toRequester = (await webhookDeliveries(lease.id)).filter(
      ({ delivery }) => delivery.audience === 'requester',
    );
    expect(toRequester.every(({ delivery }) => delivery.recipients[0]?.userName === requester)).toBe(true);
    expect(toRequester[0]?.delivery.recipients[0]?.email).toBe('notify1@example.com');
    expect(new Set(toRequester.map(({ delivery }) => delivery.notification.kind))).toEqual(
      new Set(['APPROVED', 'ACTIVE', 'ENDING_SOON', 'ENDED']),
    );
    // The lease is shorter than the lead time: "ending soon" is sent, and only once.
    expect(toRequester.filter(({ delivery }) => delivery.notification.kind === 'ENDING_SOON')).toHaveLength(
      1,
    );
    const allRaw = (await sinkRecords()).map((r) => r.raw).join('\n');
    expect(approvalToken.length).toBeGreaterThan(0);
    expect(allRaw).not.toContain(approvalToken);
    if (holdToken) expect(allRaw).not.toContain(holdToken);
    expect(allRaw).not.toMatch(/taskToken/i);
    // The Slack-shaped channel got Block Kit with the justification escaped and the mention broken.
    const slack = (await sinkRecords()).filter((r) => r.path === '/slack' && r.raw.includes(lease.id));
    expect(slack.length).toBeGreaterThan(0);
    expect(slack[0]?.raw).toContain('&lt;\u2060!channel&gt;');
    expect(slack[0]?.raw).not.toContain('<!channel>');
  });

  it('signs webhook bodies: the signature verifies with the secret and fails when the body is altered', async () => {
    // Prepare
    const lease = await requestLease('notify2', { ...AUTO, duration: 'PT2S' });
    const { record } = await waitForDelivery(lease.id, 'requester', 'ACTIVE');
    const secret = (
      await new SecretsManagerClient(aws()).send(
        new GetSecretValueCommand({ SecretId: NOTIFIER_NAMES.signingSecret }),
      )
    ).SecretString as string;
    const signed = {
      secret,
      timestamp: record.headers[TIMESTAMP_HEADER] as string,
      signature: record.headers[SIGNATURE_HEADER] as string,
      now: new Date(record.at),
    };

    // Act
    const genuine = verifyWebhook({ ...signed, body: record.raw });
    const altered = verifyWebhook({ ...signed, body: record.raw.replace('"ACTIVE"', '"ENDED"') });
    const wrongSecret = verifyWebhook({ ...signed, secret: `${secret}x`, body: record.raw });

    // Assess
    expect(record.headers[SIGNATURE_HEADER]).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(genuine).toBe(true);
    expect(altered).toBe(false);
    expect(wrongSecret).toBe(false);
    await waitForStatus('notify2', lease.id, 'ENDED');
  });

  it('a channel answering 500 does not stop the lease from ending; the event goes to the dead-letter queue', async () => {
    // Prepare
    const user = 'notify3';
    const lease = await requestLease(user, { ...AUTO, duration: 'PT3S' });
    await fetch(`${info().notificationSink}/_sink/fail`, {
      method: 'POST',
      body: JSON.stringify({ contains: lease.id, status: 500 }),
    });

    // Act
    const ended = await waitForStatus(user, lease.id, 'ENDED');
    const sqs = new SQSClient(aws());
    let deadLetter = '';
    await waitUntil(
      `an event of ${lease.id} in the notifier's DLQ`,
      async () => {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: info().notifierDeadLetterQueue,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 0,
          }),
        );
        deadLetter = out.Messages?.find((m) => m.Body?.includes(lease.id))?.Body ?? '';
        return deadLetter.length > 0;
      },
      60_000,
    );

    // Assess
    expect(ended.endReason).toBe('EXPIRED');
    expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
    const refused = (await sinkRecords()).filter((r) => r.raw.includes(lease.id) && r.status === 500);
    // Each event's delivery was retried (bounded) before the notifier gave up on it.
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(deadLetter)).toMatchObject({ detail: { leaseId: lease.id } });
  });
});

import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readDeploymentConfig } from '../../../lib/config.ts';
import { notifierPattern, notifierTokenPattern, notifierTokenTransformer } from '../../../lib/rules.ts';
import { actionsOf, cdkJson, logicalId, type Synthesized, statementsOf, synthesize } from './fixture.ts';

const example = cdkJson.context['idc-lease'];
const SLACK_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:idc-lease/slack-AbCdEf';
const WITH_CHANNELS = {
  notifications: {
    operatorEmails: [],
    webhook: { url: 'https://hooks.example.com/idc-lease', signingSecret: 'idc-lease/webhook-signing' },
    slack: { webhookSecret: SLACK_ARN },
    email: { from: 'idc-lease@example.com' },
    audit: ['webhook' as const],
  },
};
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:lease-audit';

let app: Synthesized;
let role: string;

beforeAll(() => {
  app = synthesize(WITH_CHANNELS);
  role = logicalId(app.stack, app.stack.notifier?.handler.role as never);
  // Synthesis takes seconds, more on a loaded machine.
}, 60_000);

const tableArn = () => ({ 'Fn::GetAtt': [logicalId(app.stack, app.stack.ledger.table), 'Arn'] });

describe('the notifier', { timeout: 60_000 }, () => {
  it('is deployed only when a channel is configured', () => {
    // Act
    const without = synthesize({ notifications: { operatorEmails: [] } });

    // Assess
    expect(without.stack.notifier).toBeUndefined();
    expect(app.stack.notifier).toBeDefined();
  });

  it('may read leases, update one (the "ending soon" mark) and query only the byStatus index', () => {
    app.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: role }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: tableArn() },
          {
            Effect: 'Allow',
            Action: 'dynamodb:Query',
            Resource: { 'Fn::Join': ['', [tableArn(), '/index/byStatus']] },
          },
        ]),
      },
    });
  });

  it('reads only the configured secrets, and sends email only as the configured sender', () => {
    app.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: role }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: [
              SLACK_ARN,
              {
                'Fn::Join': [
                  '',
                  [
                    'arn:aws:secretsmanager:eu-west-1:',
                    { Ref: 'AWS::AccountId' },
                    ':secret:idc-lease/webhook-signing-??????',
                  ],
                ],
              },
            ],
          },
          Match.objectLike({ Effect: 'Allow', Action: 'ses:SendEmail' }),
        ]),
      },
    });
    const ses = statementsOf(app.template, role).find((s) => s.Action === 'ses:SendEmail');
    expect(JSON.stringify(ses?.Resource)).toContain(':identity/idc-lease@example.com');
    expect(JSON.stringify(ses?.Resource)).toContain(':identity/example.com');
  });

  it('holds no action beyond its own code’s', () => {
    // Act
    const actions = new Set(actionsOf(statementsOf(app.template, role)));

    // Assess
    expect([...actions].sort()).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'identitystore:DescribeUser',
        'identitystore:GetGroupId',
        'identitystore:GetUserId',
        'identitystore:ListGroupMemberships',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'secretsmanager:GetSecretValue',
        'ses:SendEmail',
        // The on-failure destination: its own dead-letter queue.
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
  });

  it('publishes to the configured topic instead of SES when email is a topic', () => {
    // Act
    const topic = synthesize({
      notifications: { webhook: WITH_CHANNELS.notifications.webhook, email: { topicArn: TOPIC } },
    });
    const topicRole = logicalId(topic.stack, topic.stack.notifier?.handler.role as never);
    const statements = statementsOf(topic.template, topicRole);

    // Assess
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'sns:Publish', Resource: TOPIC });
    expect(actionsOf(statements)).not.toContain('ses:SendEmail');
  });

  it('hears lease events without tokens raw, the waiting ones through the token-dropping transformer, and a minute schedule', () => {
    // Prepare
    const rules = Object.values(app.template.findResources('AWS::Events::Rule')).map((r) => r.Properties);
    const fn = { 'Fn::GetAtt': [logicalId(app.stack, app.stack.notifier?.handler as never), 'Arn'] };
    const ofNotifier = rules.filter((r) =>
      (r.Targets as { Arn: unknown }[]).some((t) => JSON.stringify(t.Arn) === JSON.stringify(fn)),
    );

    // Assess
    expect(ofNotifier.map((r) => r.EventPattern ?? r.ScheduleExpression)).toEqual([
      notifierPattern,
      notifierTokenPattern,
      'rate(1 minute)',
    ]);
    expect(ofNotifier[0]?.Targets[0].InputTransformer).toBeUndefined();
    expect(ofNotifier[1]?.Targets[0].InputTransformer).toEqual(notifierTokenTransformer);
    expect(JSON.stringify(notifierTokenTransformer)).not.toMatch(/taskToken|\$\.detail"/);
  });

  it('alarms on its dead-letter queue', () => {
    // Prepare
    const queue = logicalId(app.stack, app.stack.notifier?.consumer.deadLetterQueue as never);

    // Assess
    app.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
    });
  });
});

describe('the notifier’s link to a lease', { timeout: 60_000 }, () => {
  const settingsOf = (s: Synthesized) =>
    Object.values(s.template.findResources('AWS::Lambda::Function')).find(
      (fn) => fn.Properties.Environment?.Variables?.NOTIFIER_SETTINGS,
    )?.Properties.Environment.Variables.NOTIFIER_SETTINGS;

  it('is the deployed console’s unless notifications.consoleUrl says otherwise', () => {
    // Assess: the setting is resolved at deploy with the distribution's domain in it
    const resolved = JSON.stringify(settingsOf(app));
    expect(resolved).toContain('\\"consoleUrl\\":\\"https://');
    expect(resolved).toContain(logicalId(app.stack, app.stack.console.distribution));

    // Act
    const own = synthesize({
      notifications: { ...WITH_CHANNELS.notifications, consoleUrl: 'https://lease.example.com' },
    });

    // Assess
    expect(JSON.parse(settingsOf(own)).consoleUrl).toBe('https://lease.example.com');
  });
});

describe('notification settings', () => {
  const problemsOf = (notifications: unknown): string[] => {
    try {
      readDeploymentConfig({ context: { ...example, notifications }, env: {}, baseDir: process.cwd() });
    } catch (err) {
      if (err instanceof ConfigError) return [...err.problems];
      throw err;
    }
    return [];
  };

  it('accepts channels and fills in the defaults', () => {
    // Act
    const config = readDeploymentConfig({
      context: { ...example, ...WITH_CHANNELS },
      env: {},
      baseDir: process.cwd(),
    });

    // Assess
    expect(config.notifications).toMatchObject({ audit: ['webhook'], endingSoonLead: 'PT10M' });
  });

  it.each([
    [{ webhook: { signingSecret: 's' } }, 'notifications.webhook.url: give exactly one of url and urlSecret'],
    [
      { webhook: { url: 'https://a.example', urlSecret: 'u', signingSecret: 's' } },
      'notifications.webhook.url',
    ],
    [
      { webhook: { url: 'http://a.example', signingSecret: 's' } },
      'notifications.webhook.url: must be an https URL',
    ],
    [{ webhook: { url: 'https://a.example' } }, 'notifications.webhook.signingSecret'],
    [
      { slack: { webhookSecret: 'has spaces' } },
      'notifications.slack.webhookSecret: must be a Secrets Manager secret name or ARN',
    ],
    [{ email: { from: 'not-an-address' } }, 'notifications.email'],
    [{ email: { topicArn: 'arn:aws:sqs:eu-west-1:123456789012:q' } }, 'notifications.email'],
    [{ audit: ['slack'] }, 'notifications.audit[0]: names slack, which is not configured'],
    [
      { endingSoonLead: 'PT10S' },
      'notifications.endingSoonLead: must be an ISO 8601 duration of at least PT1M',
    ],
  ])('refuses %j, naming the field', (notifications, expected) => {
    // Act
    const problems = problemsOf(notifications);

    // Assess
    expect(problems.some((p) => p.startsWith(expected))).toBe(true);
  });
});

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildApp, configOf } from '../../../lib/app.ts';
import { CONFIG_CONTEXT_KEY, type DeploymentConfigInput } from '../../../lib/config.ts';
import type { IdcLeaseStack } from '../../../lib/stack.ts';
import { cdkJson } from './fixture.ts';

interface Report {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

/**
 * Synthesizes the app with its cdk-nag packs and returns every finding, errors and warnings
 * alike, as `rule @ construct path` (the report CDK writes whether or not synth throws).
 */
function nagFindings(overrides: Partial<DeploymentConfigInput>, tamper?: (stack: IdcLeaseStack) => void) {
  const outdir = mkdtempSync(join(tmpdir(), 'idc-lease-nag-'));
  const app = new App({
    outdir,
    context: {
      ...cdkJson.context,
      [CONFIG_CONTEXT_KEY]: { ...cdkJson.context[CONFIG_CONTEXT_KEY], ...overrides },
      'aws:cdk:bundling-stacks': [],
    },
  });
  const stack = buildApp(app, configOf(app, {}));
  tamper?.(stack);
  let threw = false;
  try {
    app.synth();
  } catch {
    threw = true;
  }
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report;
  const findings = report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} @ ${c.constructPath}`)),
  );
  return { app, findings, threw, plugins: report.pluginReports.map((p) => p.pluginName) };
}

const OU_POLICY = {
  policyFile: 'policies/examples/platform-team.json',
  permissionSetArns: Object.fromEntries(
    ['AdministratorAccess', 'DatabaseAdmin', 'PowerUser', 'ReadOnly', 'ViewOnlyBilling'].map((name, i) => [
      name,
      `arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-${String(i).padStart(16, '0')}`,
    ]),
  ),
};

describe('cdk-nag (AwsSolutions and Serverless)', () => {
  it('reports the findings of a non-compliant resource, so an empty report means something', () => {
    // Act: the real app with one bare queue added
    const { findings, threw } = nagFindings({}, (stack) => new Queue(stack, 'Bare'));

    // Assess
    expect(threw).toBe(true);
    expect(findings).toEqual(
      expect.arrayContaining([
        'AwsSolutions-SQS3 @ IdcLease/Bare/Resource',
        'AwsSolutions-SQS4 @ IdcLease/Bare/Resource',
        'Serverless-SQSRedrivePolicy @ IdcLease/Bare/Resource',
      ]),
    );
    expect(findings.every((f) => f.includes('IdcLease/Bare/'))).toBe(true);
  });

  it.each([
    ['the example deployment', {}],
    ['a policy with OU rules (wildcard accounts, organization reads)', OU_POLICY],
    ['operators subscribed by email', { notifications: { operatorEmails: ['oncall@example.com'] } }],
    [
      'activity queries over a trail log group, beside OU rules (two reasons for Resource "*")',
      {
        ...OU_POLICY,
        activity: { athena: { database: 'security', table: 'org_trail' }, logGroupNames: ['org-trail'] },
      },
    ],
    [
      'the notifier with webhook, Slack and SES',
      {
        notifications: {
          webhook: { url: 'https://hooks.example.com/lease', signingSecret: 'idc-lease/webhook-signing' },
          slack: { webhookSecret: 'idc-lease/slack' },
          email: { from: 'idc-lease@example.com' },
          audit: ['webhook'],
        },
      },
    ],
    [
      'the console on its own domain, with a metadata URL and a portal',
      {
        console: {
          portalUrl: 'https://d-0123456789.awsapps.com/start',
          samlMetadataUrl: 'https://portal.sso.eu-west-1.amazonaws.com/saml/metadata/ABC',
          domain: {
            name: 'lease.example.com',
            certificateArn:
              'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
          },
        },
      },
    ],
    [
      'the notifier with an SNS topic',
      { notifications: { email: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:lease-audit' } } },
    ],
  ])('finds nothing unacknowledged in %s', (_, overrides) => {
    const { findings, threw } = nagFindings(overrides as Partial<DeploymentConfigInput>);
    expect(findings).toEqual([]);
    expect(threw).toBe(false);
  });

  it('acknowledges only single findings, each with a reason', () => {
    // Prepare
    const { app } = nagFindings(OU_POLICY);
    const acknowledgements: { id: string; reason: string; path: string }[] = [];
    const walk = (node: IConstruct) => {
      for (const entry of node.node.metadata)
        if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          for (const [key, reason] of Object.entries(entry.data as Record<string, string>))
            acknowledgements.push({ id: key.replace(/^Annotation::/, ''), reason, path: node.node.path });
      for (const child of node.node.children) walk(child);
    };
    walk(app);

    // Assess
    expect(acknowledgements.length).toBeGreaterThan(20);
    for (const ack of acknowledgements) {
      expect(ack.id, ack.path).toMatch(/^(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[[A-Za-z0-9]+::.+\])?$/);
      // A wildcard finding is acknowledged for one resource or action, never for the whole rule.
      if (/AwsSolutions-IAM[45]/.test(ack.id))
        expect(ack.id, ack.path).toMatch(/\[(Resource|Action|Policy)::/);
      expect(ack.reason.length, ack.id).toBeGreaterThan(20);
    }
  });
});

import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_INDEXES } from '../../../adapters/ledger.ts';
import {
  EXECUTION_ENDED_STATUSES,
  leaseEndedPattern,
  ledgerWriterPattern,
  revocationFailedPattern,
} from '../../../lib/rules.ts';
import { placeholders, readLeaseDefinition } from '../../../statemachines/definition.ts';
import { logicalId, type Synthesized, synthesize } from './fixture.ts';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

const only = (type: string) => {
  const found = Object.values(app.template.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0] as { Properties: Record<string, unknown> };
};

describe('the lease workflow', () => {
  it('deploys statemachines/lease.asl.json as it is, every placeholder substituted and every substitution used', () => {
    // Prepare
    const machine = only('AWS::StepFunctions::StateMachine').Properties;

    // Assess
    expect(machine.DefinitionString).toBe(readLeaseDefinition());
    const substitutions = machine.DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.keys(substitutions).sort()).toEqual([...placeholders(readLeaseDefinition())].sort());
    expect(substitutions.InstanceArn).toBe('arn:aws:sso:::instance/ssoins-0000000000000000');
    expect(substitutions.LedgerTable).toEqual({ Ref: logicalId(app.stack, app.stack.ledger.table) });
    expect(substitutions.EventBus).toEqual({ Ref: logicalId(app.stack, app.stack.events.bus) });
  });

  it('is Standard, traced, and logs ALL to a /aws/vendedlogs/states/ group, without execution data', () => {
    app.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    app.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/'),
      RetentionInDays: 365,
    });
  });
});

describe('the ledger', () => {
  it('has point-in-time recovery, deletion protection, encryption, and the indexes the adapter queries', () => {
    app.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: LEDGER_INDEXES.map((index) =>
          Match.objectLike({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partition, KeyType: 'HASH' },
              { AttributeName: index.sort, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          }),
        ),
      }),
    });
  });
});

describe('the stack', () => {
  it('deploys only into the configured account, the one synth checked the policy against', () => {
    expect(app.template.toJSON().Rules.DeploysIntoConfiguredAccount).toEqual({
      Assertions: [
        {
          Assert: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, '888888888888'] },
          AssertDescription: 'idc-lease is configured for account 888888888888 (accountId)',
        },
      ],
    });
  });
});

describe('the API', () => {
  it('reads the page token key from a secret of its own, which only it may read', () => {
    // Prepare
    const secret = logicalId(app.stack, app.stack.api.pageTokenKey);
    const api = logicalId(app.stack, app.stack.api.handler);
    const fn = app.template.findResources('AWS::Lambda::Function')[api];

    // Assess: the ARN travels in the environment, the key itself never does.
    expect(fn?.Properties.Environment.Variables.PAGE_TOKEN_SECRET_ARN).toEqual({ Ref: secret });
    app.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
    const readers = Object.values(app.template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes(`"Ref":"${secret}"`),
    );
    expect(readers).toHaveLength(1);
    expect(JSON.stringify(readers[0]?.Properties.PolicyDocument)).toContain('secretsmanager:GetSecretValue');
    expect(JSON.stringify(readers[0]?.Properties.PolicyDocument)).not.toContain(
      'secretsmanager:DescribeSecret',
    );
  });

  it('logs access as JSON, traces, and throttles every method', () => {
    app.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId"') },
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          ThrottlingRateLimit: 20,
          ThrottlingBurstLimit: 40,
        }),
      ],
    });
  });
});

describe('every function', () => {
  it('runs Node 22 on ARM64, traced, logging JSON to its own group, with Powertools configured', () => {
    // CDK's BucketDeployment function (Python, the console's copy at deploy) is CDK's, not ours.
    const deployment = logicalId(app.stack, app.stack.console.site.role as never);
    const all = Object.values(app.template.findResources('AWS::Lambda::Function'));
    const functions = all.filter((fn) => fn.Properties.Role['Fn::GetAtt']?.[0] !== deployment);
    expect(all.length - functions.length).toBe(1);
    // api, ledger writer, reconciler, correlator, session ender (the example has an endSessions
    // rule), notifier (the example configures a webhook channel), the console's sign-in
    expect(functions).toHaveLength(7);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
        Environment: { Variables: { POWERTOOLS_SERVICE_NAME: expect.stringMatching(/^idc-lease-/) } },
      });
    }
  });

  it('the API reads its OpenAPI document from beside its handler', () => {
    app.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ OPENAPI_FILE: 'openapi.json' }) },
      Role: { 'Fn::GetAtt': [logicalId(app.stack, app.stack.api.handler.role as never), 'Arn'] },
    });
  });

  it('that reads the access policy gets it bundled beside the handler, not in its environment', () => {
    for (const handler of [app.stack.api.handler, app.stack.reconciler.handler]) {
      app.template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: Match.absent(),
        Environment: { Variables: Match.objectLike({ ACCESS_POLICY_FILE: 'access-policy.json' }) },
        Role: { 'Fn::GetAtt': [logicalId(app.stack, handler.role as never), 'Arn'] },
      });
    }
  });
});

describe('the asynchronous consumers', () => {
  it('park what they cannot process in a dead-letter queue, from EventBridge and from Lambda retries', () => {
    // Prepare
    const rules = Object.values(app.template.findResources('AWS::Events::Rule'));
    const functions = new Set(Object.keys(app.template.findResources('AWS::Lambda::Function')));
    const lambdaTargets = rules.flatMap((r) =>
      (
        r.Properties.Targets as {
          Arn: { 'Fn::GetAtt'?: [string, string] };
          DeadLetterConfig?: unknown;
          RetryPolicy?: unknown;
        }[]
      ).filter((t) => functions.has(t.Arn['Fn::GetAtt']?.[0] ?? '')),
    );

    // Assess: ledger writer, reconciler (schedule, execution ended), correlator, session ender
    // (lease ended, sweep), notifier (events, token events through the transformer, sweep)
    expect(lambdaTargets).toHaveLength(9);
    for (const target of lambdaTargets) {
      expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } });
      expect(target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 8 });
    }
    const invokeConfigs = Object.values(app.template.findResources('AWS::Lambda::EventInvokeConfig'));
    // ledger writer, reconciler, correlator, session ender, notifier
    expect(invokeConfigs).toHaveLength(5);
    for (const config of invokeConfigs)
      expect(config.Properties).toMatchObject({
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } },
      });
  });

  it('receive exactly the events the local runtime routes (lib/rules.ts)', () => {
    app.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalId(app.stack, app.stack.events.bus) },
      EventPattern: ledgerWriterPattern,
    });
    app.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalId(app.stack, app.stack.events.bus) },
      EventPattern: revocationFailedPattern,
      Targets: [Match.objectLike({ Arn: { Ref: logicalId(app.stack, app.stack.operations.topic) } })],
    });
    app.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalId(app.stack, app.stack.events.bus) },
      EventPattern: leaseEndedPattern,
    });
  });
});

describe('the reconciler', () => {
  it('runs on a schedule and when a lease execution ends ABORTED, FAILED or TIMED_OUT', () => {
    const reconciler = { 'Fn::GetAtt': [logicalId(app.stack, app.stack.reconciler.handler), 'Arn'] };
    app.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(10 minutes)',
      Targets: [Match.objectLike({ Arn: reconciler })],
    });
    app.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: {
          status: [...EXECUTION_ENDED_STATUSES],
          stateMachineArn: [{ Ref: logicalId(app.stack, app.stack.workflow.stateMachine) }],
        },
      },
      Targets: [Match.objectLike({ Arn: reconciler })],
    });
  });

  it('runs one sweep at a time', () => {
    const functions = app.template.findResources('AWS::Lambda::Function');
    const reserved = Object.entries(functions)
      .filter(([, fn]) => fn.Properties.ReservedConcurrentExecutions !== undefined)
      .map(([id, fn]) => [id, fn.Properties.ReservedConcurrentExecutions]);
    expect(reserved).toEqual([[logicalId(app.stack, app.stack.reconciler.handler), 1]]);
  });
});

describe('operations', () => {
  it('alarm the operators’ encrypted topic on failed executions, dead letters, reconciler and API errors and revocation failures', () => {
    // Prepare
    const topic = { Ref: logicalId(app.stack, app.stack.operations.topic) };
    const alarms = Object.values(app.template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties,
    );
    const watched = alarms.map((a) =>
      a.MetricName
        ? a.MetricName
        : (a.Metrics as { MetricStat?: { Metric: { MetricName: string } } }[])
            .flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []))
            .sort()
            .join('+'),
    );

    // Assess
    expect(watched.sort()).toEqual(
      [
        '5XXError',
        'ApproximateNumberOfMessagesVisible',
        'ApproximateNumberOfMessagesVisible',
        'ApproximateNumberOfMessagesVisible',
        // the correlator's dead letters
        'ApproximateNumberOfMessagesVisible',
        // the session ender's dead letters (the example policy has an endSessions rule)
        'ApproximateNumberOfMessagesVisible',
        // the notifier's dead letters (the example configures a webhook channel)
        'ApproximateNumberOfMessagesVisible',
        'Errors',
        'ExecutionsAborted+ExecutionsFailed+ExecutionsTimedOut',
        'TriggeredRules',
      ].sort(),
    );
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([topic]);
    app.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    app.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('subscribe the configured operators by email', () => {
    const withEmail = synthesize({ notifications: { operatorEmails: ['oncall@example.com'] } });
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
  });
});

describe('the stack outputs', () => {
  it('name the API endpoint, the operators’ topic, the state machine, the ledger table and the console', () => {
    const outputs = app.template.findOutputs('*');
    const values = Object.fromEntries(
      Object.entries(outputs).map(([id, output]) => [id.replace(/[A-F0-9]{8}$/, ''), output.Value]),
    );
    expect(values).toEqual({
      ApiEndpoint: expect.objectContaining({ 'Fn::Join': expect.any(Array) }),
      OperatorsTopicArn: { Ref: logicalId(app.stack, app.stack.operations.topic) },
      StateMachineArn: { Ref: logicalId(app.stack, app.stack.workflow.stateMachine) },
      LedgerTableName: { Ref: logicalId(app.stack, app.stack.ledger.table) },
      // What Identity Center's SAML application is given (test/unit/stack/console-sign-in.test.ts).
      ConsoleUrl: expect.objectContaining({ 'Fn::Join': expect.any(Array) }),
      SamlAcsUrl: expect.objectContaining({ 'Fn::Join': expect.any(Array) }),
      SamlAudience: expect.objectContaining({ 'Fn::Join': expect.any(Array) }),
    });
  });
});

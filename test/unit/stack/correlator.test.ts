import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { cloudTrailAssignmentPattern } from '../../../lib/rules.ts';
import { actionsOf, cdkJson, logicalId, type Synthesized, statementsOf, synthesize } from './fixture.ts';

const example = cdkJson.context['idc-lease'];

let app: Synthesized;
let role: string;

beforeAll(() => {
  app = synthesize();
  role = logicalId(app.stack, app.stack.correlator.handler.role as never);
  // A whole synth, on a machine shared with other test runs.
}, 60_000);

describe('the CloudTrail correlator', () => {
  it('receives Identity Center’s CloudTrail assignment records from the default bus, as the local runtime routes them', () => {
    const correlator = { 'Fn::GetAtt': [logicalId(app.stack, app.stack.correlator.handler), 'Arn'] };
    app.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      EventPattern: cloudTrailAssignmentPattern,
      Targets: [
        Match.objectLike({
          Arn: correlator,
          DeadLetterConfig: {
            Arn: {
              'Fn::GetAtt': [logicalId(app.stack, app.stack.correlator.consumer.deadLetterQueue), 'Arn'],
            },
          },
        }),
      ],
    });
  });

  it('knows the workflow’s and the reconciler’s roles as the tool’s own callers', () => {
    const { stack } = app;
    const arnOf = (r: unknown) => ({ 'Fn::GetAtt': [logicalId(stack, r as never), 'Arn'] });
    app.template.hasResourceProperties('AWS::Lambda::Function', {
      Role: arnOf(stack.correlator.handler.role),
      Environment: {
        Variables: Match.objectLike({
          TOOL_ROLE_ARNS: {
            'Fn::Join': ['', [arnOf(stack.workflow.role), ',', arnOf(stack.reconciler.handler.role)]],
          },
          IDENTITY_STORE_ID: example.identityStoreId,
          INSTANCE_ARN: example.instanceArn,
          ACCESS_POLICY_FILE: 'access-policy.json',
        }),
      },
    });
  });

  it('may query, append to and record findings in the ledger, publish on the lease bus, and read only names', () => {
    // Prepare
    const statements = statementsOf(app.template, role);
    const actions = actionsOf(statements);

    // Assess
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    // Names resolve from the configured permissionSetArns, not by describing the instance's.
    expect(actions.filter((a) => a.startsWith('sso:'))).toEqual([]);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'identitystore:DescribeUser',
      Resource: [
        `arn:aws:identitystore::${example.managementAccountId}:identitystore/${example.identityStoreId}`,
        'arn:aws:identitystore:::user/*',
      ],
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': [logicalId(app.stack, app.stack.events.bus), 'Arn'] },
    });
    expect(actions.filter((a) => /^(states|lambda):/.test(a))).toEqual([]);
    // SQS only for Lambda's on-failure destination: its own dead-letter queue.
    const sqs = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sqs:')));
    expect(sqs.map((s) => s.Resource)).toEqual([
      { 'Fn::GetAtt': [logicalId(app.stack, app.stack.correlator.consumer.deadLetterQueue), 'Arn'] },
    ]);
  });
});

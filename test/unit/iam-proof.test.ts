import { describe, expect, it } from 'vitest';
import { type ArnContext, authorizedCall } from '../iam/arns.ts';
import type { RecordedCall } from '../iam/calls.ts';
import { evaluate } from '../iam/simulate.ts';
import { TemplateResolver } from '../iam/template.ts';

const call = (
  service: string,
  action: string,
  params: Record<string, unknown>,
  result = {},
): RecordedCall => ({
  at: 0,
  key: 'LOCALAPI',
  region: 'us-east-1',
  service,
  action,
  params,
  result,
});
const ctx = (calls: RecordedCall[] = []): ArnContext => ({
  partition: 'aws',
  account: '123456789012',
  identityStoreOwner: '999999999999',
  calls,
});
const INSTANCE = 'arn:aws:sso:::instance/ssoins-abcdefabcdefabcd';

describe('the resource ARNs of a recorded call (Service Authorization Reference)', () => {
  it('names every resource type an account-assignment call is authorized on, in AWS’s ARN forms', async () => {
    const out = await authorizedCall(
      call('sso', 'CreateAccountAssignment', {
        InstanceArn: INSTANCE,
        // The emulator's spelling of a permission set ARN.
        PermissionSetArn: `${INSTANCE}/ps-0123456789abcdef`,
        TargetId: '111111111111',
      }),
      ctx(),
    );
    expect(out.action).toBe('sso:CreateAccountAssignment');
    expect([...out.resources].sort()).toEqual([
      'arn:aws:sso:::account/111111111111',
      INSTANCE,
      'arn:aws:sso:::permissionSet/ssoins-abcdefabcdefabcd/ps-0123456789abcdef',
    ]);
  });

  it('takes an index’s ARN instead of its table’s, the store owner’s account, and `*` for an unnamed user', async () => {
    const query = await authorizedCall(
      call('dynamodb', 'Query', { TableName: 't', IndexName: 'byStatus' }),
      ctx(),
    );
    expect(query.resources).toEqual(['arn:aws:dynamodb:us-east-1:123456789012:table/t/index/byStatus']);
    const user = await authorizedCall(
      call('identitystore', 'GetUserId', { IdentityStoreId: 'd-1', AlternateIdentifier: {} }),
      ctx(),
    );
    expect([...user.resources].sort()).toEqual(
      ['arn:aws:identitystore:::user/*', 'arn:aws:identitystore::999999999999:identitystore/d-1'].sort(),
    );
  });

  it('authorizes a query’s results on the log groups of its StartQuery, in both forms Logs Insights checks', async () => {
    const start = call('logs', 'StartQuery', { logGroupNames: ['org/trail'] }, { queryId: 'q-1' });
    const results = await authorizedCall(call('logs', 'GetQueryResults', { queryId: 'q-1' }), ctx([start]));
    expect(results.resources).toEqual([
      'arn:aws:logs:us-east-1:123456789012:log-group:org/trail',
      'arn:aws:logs:us-east-1:123456789012:log-group:org/trail:*',
    ]);
  });

  it('names each bus a PutEvents writes to, and `*` for an action without resource types', async () => {
    const put = await authorizedCall(
      call('events', 'PutEvents', { Entries: [{ EventBusName: 'b' }, {}] }),
      ctx(),
    );
    expect(put.resources).toEqual([
      'arn:aws:events:us-east-1:123456789012:event-bus/b',
      'arn:aws:events:us-east-1:123456789012:event-bus/default',
    ]);
    expect(
      (await authorizedCall(call('states', 'SendTaskSuccess', { taskToken: 't' }), ctx())).resources,
    ).toEqual(['*']);
  });
});

describe('the evaluation', () => {
  it('denies what the resolved role does not grant, as the simulator evaluates it', async () => {
    // Prepare: a role granted StartQuery on the log group's plain ARN only (the old grant)
    const resolver = new TemplateResolver(
      {
        Resources: {
          Role: { Type: 'AWS::IAM::Role', Properties: {} },
          Policy: {
            Type: 'AWS::IAM::Policy',
            Properties: {
              Roles: [{ Ref: 'Role' }],
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: 'logs:StartQuery',
                    Resource: {
                      'Fn::Join': [
                        '',
                        [
                          'arn:',
                          { Ref: 'AWS::Partition' },
                          ':logs:us-east-1:',
                          { Ref: 'AWS::AccountId' },
                          ':log-group:org/trail',
                        ],
                      ],
                    },
                  },
                ],
              },
            },
          },
        },
      },
      { partition: 'aws', region: 'us-east-1', account: '123456789012', names: {}, literals: {} },
    );
    const policies = resolver.policiesOf('Role');
    const arn = 'arn:aws:logs:us-east-1:123456789012:log-group:org/trail';

    // Act / Assess
    expect(await evaluate(resolver.arnOf('Role'), '123456789012', policies, 'logs:StartQuery', arn)).toBe(
      'Allowed',
    );
    expect(
      await evaluate(resolver.arnOf('Role'), '123456789012', policies, 'logs:StartQuery', `${arn}:*`),
    ).toBe('ImplicitlyDenied');
  });
});

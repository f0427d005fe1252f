import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, cdkJson, logicalId, type Synthesized, statementsOf, synthesize } from './fixture.ts';

const example = cdkJson.context['idc-lease'];
const instanceArn = example.instanceArn;
const permissionSetArns = Object.values(example.permissionSetArns).sort();
// The example policy's rules name these accounts; 999999999999 (management) is protected.
const accountArns = ['arn:aws:sso:::account/111111111111', 'arn:aws:sso:::account/222222222222'];

let app: Synthesized;
let roles: { workflow: string; api: string; reconciler: string; ledgerWriter: string };

beforeAll(() => {
  app = synthesize();
  const { stack } = app;
  roles = {
    workflow: logicalId(stack, stack.workflow.role),
    api: logicalId(stack, stack.api.handler.role as never),
    reconciler: logicalId(stack, stack.reconciler.handler.role as never),
    ledgerWriter: logicalId(stack, stack.events.consumers[0]?.handler.role as never),
  };
});

describe('the workflow role', () => {
  it('may call only the Identity Center actions the ASL uses: create on the policy’s permission sets and accounts, list and delete on any account', () => {
    app.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roles.workflow }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            // A lease may outlive its rule (removal-scope.test.ts).
            Action: ['sso:DeleteAccountAssignment', 'sso:ListAccountAssignments'],
            Resource: ['arn:aws:sso:::account/*', instanceArn, ...permissionSetArns],
          },
          {
            Effect: 'Allow',
            Action: 'sso:CreateAccountAssignment',
            Resource: [...accountArns, instanceArn, ...permissionSetArns],
          },
          {
            Effect: 'Allow',
            Action: [
              'sso:DescribeAccountAssignmentCreationStatus',
              'sso:DescribeAccountAssignmentDeletionStatus',
            ],
            Resource: instanceArn,
          },
        ]),
      },
    });
  });

  it('writes only its own table (no indexes) and publishes only to its own bus', () => {
    const { stack } = app;
    app.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roles.workflow }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'dynamodb:UpdateItem',
            Resource: { 'Fn::GetAtt': [logicalId(stack, stack.ledger.table), 'Arn'] },
          },
          {
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: { 'Fn::GetAtt': [logicalId(stack, stack.events.bus), 'Arn'] },
          },
        ]),
      },
    });
    const sso = actionsOf(statementsOf(app.template, roles.workflow)).filter((a) => a.startsWith('sso:'));
    expect(sso.sort()).toEqual([
      'sso:CreateAccountAssignment',
      'sso:DeleteAccountAssignment',
      'sso:DescribeAccountAssignmentCreationStatus',
      'sso:DescribeAccountAssignmentDeletionStatus',
      'sso:ListAccountAssignments',
    ]);
  });

  it('is assumable only by Step Functions acting for this account', () => {
    app.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'states.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
  });

  it('may assign into any account only when the policy names OUs', () => {
    // Prepare: the platform-team example names OUs
    const names = ['AdministratorAccess', 'DatabaseAdmin', 'PowerUser', 'ReadOnly', 'ViewOnlyBilling'];
    const arns = Object.fromEntries(
      names.map((name, i) => [
        name,
        `arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-${String(i).padStart(16, '0')}`,
      ]),
    );

    // Act
    const withOus = synthesize({
      policyFile: 'policies/examples/platform-team.json',
      permissionSetArns: arns,
    });

    // Assess
    const { stack, template } = withOus;
    const create = statementsOf(template, logicalId(stack, stack.workflow.role)).find((s) =>
      actionsOf([s]).includes('sso:CreateAccountAssignment'),
    );
    expect(create?.Resource).toEqual(['arn:aws:sso:::account/*', instanceArn, ...Object.values(arns)]);
    const api = actionsOf(statementsOf(template, logicalId(stack, stack.api.handler.role as never)));
    expect(api.filter((a) => a.startsWith('organizations:')).sort()).toEqual([
      'organizations:ListAccountsForParent',
      'organizations:ListOrganizationalUnitsForParent',
      'organizations:ListRoots',
    ]);
  });
});

describe('every IAM policy in the stack', () => {
  it('names no sso:* , no ssoadmin: action, and no account-assignment action on *', () => {
    // Prepare
    const statements = Object.values(app.template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );

    // Assess
    expect(statements.length).toBeGreaterThan(10);
    for (const statement of statements) {
      const actions = actionsOf([statement as never]);
      for (const action of actions) {
        expect(action).not.toMatch(/^ssoadmin:/);
        expect(action).not.toBe('sso:*');
        expect(action).not.toBe('*');
      }
      if (actions.some((a) => /^sso:.*AccountAssignment/.test(a))) {
        expect([statement.Resource].flat()).not.toContain('*');
      }
    }
  });
});

describe('each handler', () => {
  it('gets only its own grants: only the workflow creates assignments, only it and the reconciler delete them', () => {
    // Prepare
    const actions = Object.fromEntries(
      Object.entries(roles).map(([name, role]) => [name, actionsOf(statementsOf(app.template, role))]),
    ) as Record<keyof typeof roles, string[]>;

    // Assess
    expect(actions.workflow).toContain('sso:CreateAccountAssignment');
    for (const name of ['api', 'reconciler', 'ledgerWriter'] as const)
      expect(actions[name], name).not.toContain('sso:CreateAccountAssignment');
    expect(actions.reconciler).toContain('sso:DeleteAccountAssignment');
    for (const name of ['api', 'ledgerWriter'] as const)
      expect(actions[name], name).not.toContain('sso:DeleteAccountAssignment');
    expect(actions.ledgerWriter.filter((a) => /^(sso|identitystore|events|lambda):/.test(a))).toEqual([]);
    expect(actions.ledgerWriter).not.toContain('states:StartExecution');
    expect(actions.reconciler).not.toContain('states:StartExecution');
    expect(actions.api).toContain('lambda:InvokeFunction');
    expect(actions.api.filter((a) => a.startsWith('identitystore:')).sort()).toEqual([
      'identitystore:DescribeGroup',
      // A caller's name is looked up, then read back for its canonical spelling.
      'identitystore:DescribeUser',
      'identitystore:GetUserId',
      'identitystore:ListGroupMembershipsForMember',
    ]);
    // The example policy names no OU, so the API never reads the organization's tree.
    expect(actions.api.filter((a) => a.startsWith('organizations:'))).toEqual([]);
  });

  it('reads and writes the ledger only with the calls each function makes (the IAM proof’s findings)', () => {
    const dynamo = (role: string) =>
      actionsOf(statementsOf(app.template, role))
        .filter((a) => a.startsWith('dynamodb:'))
        .sort();
    expect(dynamo(roles.api)).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    ]);
    expect(dynamo(roles.reconciler)).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    ]);
    expect(dynamo(roles.ledgerWriter)).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
  });

  it('lets only the reconciler describe executions, and the ledger writer only answer a token', () => {
    const states = (role: string) =>
      actionsOf(statementsOf(app.template, role))
        .filter((a) => a.startsWith('states:'))
        .sort();
    expect(states(roles.api)).toEqual([
      'states:SendTaskFailure',
      'states:SendTaskSuccess',
      'states:StartExecution',
      'states:StopExecution',
    ]);
    expect(states(roles.reconciler)).toEqual(['states:DescribeExecution']);
    expect(states(roles.ledgerWriter)).toEqual(['states:SendTaskFailure', 'states:SendTaskSuccess']);
  });

  it('invokes the reconciler function itself, not its versions', () => {
    const { stack } = app;
    const invoke = statementsOf(app.template, roles.api).find((s) =>
      actionsOf([s]).includes('lambda:InvokeFunction'),
    );
    expect(invoke?.Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.reconciler.handler), 'Arn'] });
  });
});

describe('the fixes the IAM proof found', () => {
  const envOf = (fn: { node: { defaultChild?: unknown } }) =>
    (
      app.template.findResources('AWS::Lambda::Function')[logicalId(app.stack, fn)] as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      }
    ).Properties.Environment.Variables;

  it('resolve permission set names from the configured ARNs: no role lists or describes the instance’s', () => {
    const { stack } = app;
    for (const fn of [stack.api.handler, stack.reconciler.handler, stack.correlator.handler]) {
      expect(JSON.parse(envOf(fn).PERMISSION_SET_ARNS as string)).toEqual(example.permissionSetArns);
      const actions = actionsOf(statementsOf(app.template, logicalId(stack, fn.role as never)));
      expect(actions).not.toContain('sso:ListPermissionSets');
      expect(actions).not.toContain('sso:DescribePermissionSet');
    }
  });

  it('answer task tokens on "*", where IAM checks SendTaskSuccess/SendTaskFailure, and never heartbeat', () => {
    for (const role of [roles.api, roles.ledgerWriter]) {
      const statements = statementsOf(app.template, role);
      const respond = statements.find((s) => actionsOf([s]).includes('states:SendTaskFailure'));
      expect(respond?.Resource).toBe('*');
      expect(actionsOf(statements)).not.toContain('states:SendTaskHeartbeat');
    }
  });

  it('let EventBridge publish to the operators’ topic and use its key only for this stack’s rule', () => {
    const events = {
      Principal: { Service: 'events.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnEquals: { 'aws:SourceArn': Match.objectLike({ 'Fn::Join': Match.anyValue() }) },
      },
    };
    app.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Effect: 'Allow', ...events })]),
      },
    });
    app.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Effect: 'Allow', ...events }),
        ]),
      },
    });
    // And nowhere without those conditions.
    const documents = [
      ...Object.values(app.template.findResources('AWS::SNS::TopicPolicy')).map(
        (r) => r.Properties.PolicyDocument,
      ),
      ...Object.values(app.template.findResources('AWS::KMS::Key')).map((r) => r.Properties.KeyPolicy),
    ];
    const unconditioned = documents
      .flatMap((d) => d.Statement as { Principal?: { Service?: string }; Condition?: unknown }[])
      .filter((s) => s.Principal?.Service === 'events.amazonaws.com' && !s.Condition);
    expect(unconditioned).toEqual([]);
    // The condition names the rule's real ARN: its bus and its name.
    const rule = app.template.findResources('AWS::Events::Rule', {
      Properties: { Name: 'IdcLease-revocation-failed' },
    });
    expect(Object.keys(rule)).toHaveLength(1);
  });
});

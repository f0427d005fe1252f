import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, cdkJson, logicalId, type Synthesized, statementsOf, synthesize } from './fixture.ts';

const example = cdkJson.context['idc-lease'];
const instanceArn = example.instanceArn;
// The example policy's only endSessions rule: prod-admin, AdministratorAccess on 222222222222.
const adminArn = example.permissionSetArns.AdministratorAccess as string;
const readOnlyArn = example.permissionSetArns.ReadOnly as string;
const prodAccount = 'arn:aws:sso:::account/222222222222';

let app: Synthesized;
let role: string;

/** action -> the resources it is allowed on, across the role's statements. */
const grants = (synth: Synthesized, roleId: string): Map<string, string[]> => {
  const map = new Map<string, string[]>();
  for (const s of statementsOf(synth.template, roleId)) {
    const resources = (Array.isArray(s.Resource) ? s.Resource : [s.Resource]) as unknown[];
    for (const action of actionsOf([s]))
      map.set(action, [...(map.get(action) ?? []), ...resources.map((r) => JSON.stringify(r))].sort());
  }
  return map;
};

beforeAll(() => {
  app = synthesize();
  role = logicalId(app.stack, app.stack.sessionEnder?.handler.role as never);
});

describe('the session ender role', () => {
  it('may change and provision only the endSessions permission sets, on their accounts', () => {
    // Act
    const allowed = grants(app, role);
    const on = (...arns: string[]) => arns.map((a) => JSON.stringify(a)).sort();

    // Assess
    expect([...allowed.keys()].filter((a) => a.startsWith('sso:')).sort()).toEqual([
      'sso:DeleteInlinePolicyFromPermissionSet',
      'sso:DescribePermissionSet',
      'sso:DescribePermissionSetProvisioningStatus',
      'sso:GetInlinePolicyForPermissionSet',
      'sso:ListAccountAssignments',
      'sso:ProvisionPermissionSet',
      'sso:PutInlinePolicyToPermissionSet',
    ]);
    for (const action of [
      'sso:GetInlinePolicyForPermissionSet',
      'sso:PutInlinePolicyToPermissionSet',
      'sso:DeleteInlinePolicyFromPermissionSet',
      'sso:DescribePermissionSet',
    ])
      expect(allowed.get(action)).toEqual(on(instanceArn, adminArn));
    for (const action of ['sso:ProvisionPermissionSet', 'sso:ListAccountAssignments'])
      expect(allowed.get(action)).toEqual(on(instanceArn, adminArn, prodAccount));
    expect(allowed.get('sso:DescribePermissionSetProvisioningStatus')).toEqual(on(instanceArn));
    expect(JSON.stringify([...allowed.values()])).not.toContain(readOnlyArn);
  });

  it('uses the ledger for reads, its lock and the timeline only, reads group memberships, publishes nothing', () => {
    // Act
    const actions = actionsOf(statementsOf(app.template, role));

    // Assess
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(actions.filter((a) => a.startsWith('identitystore:'))).toEqual([
      'identitystore:ListGroupMembershipsForMember',
    ]);
    expect(actions.filter((a) => /^(events|states|lambda):/.test(a))).toEqual([]);
  });

  it('is fed Lease Ended and Lease Failed from the lease bus and a sweep schedule, with a dead-letter queue', () => {
    // Prepare
    const { stack, template } = app;
    const fn = { 'Fn::GetAtt': [logicalId(stack, stack.sessionEnder?.handler as never), 'Arn'] };

    // Act
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((r) =>
      (r.Properties.Targets as { Arn: unknown }[]).some((t) => JSON.stringify(t.Arn) === JSON.stringify(fn)),
    );

    // Assess
    expect(rules.map((r) => r.Properties.EventPattern ?? r.Properties.ScheduleExpression)).toEqual([
      { source: ['idc-lease'], 'detail-type': ['Lease Ended', 'Lease Failed'] },
      'rate(15 minutes)',
    ]);
    expect(rules[0]?.Properties.EventBusName).toEqual({ Ref: logicalId(stack, stack.events.bus) });
    expect(stack.sessionEnder?.consumer.deadLetterQueue).toBeDefined();
  });

  it('is not deployed when no rule ends sessions', () => {
    // Prepare
    const policy = JSON.parse(readFileSync('policies/access.example.json', 'utf8'));
    for (const rule of policy.rules) delete rule.endSessions;
    const file = join(app.outdir, 'no-end-sessions.json');
    writeFileSync(file, JSON.stringify(policy));

    // Act
    const without = synthesize({ policyFile: file });

    // Assess
    expect(without.stack.sessionEnder).toBeUndefined();
  });
});

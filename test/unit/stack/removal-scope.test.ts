import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../iam/simulate.ts';
import { actionsOf, cdkJson, logicalId, type Synthesized, statementsOf, synthesize } from './fixture.ts';

const example = cdkJson.context['idc-lease'];
const account = example.accountId as string;
const instanceArn = example.instanceArn;
const instanceId = instanceArn.split('/')[1] as string;
// Configured, but named by no rule of the example policy: one a deploy dropped from the policy.
const retiredPermissionSet = `arn:aws:sso:::permissionSet/${instanceId}/ps-00000000000000ff`;
// Named by no rule either; 999999999999 (management) is protected.
const droppedAccount = 'arn:aws:sso:::account/123456789012';
const policyAccount = 'arn:aws:sso:::account/111111111111';
const protectedAccount = 'arn:aws:sso:::account/999999999999';
const policyPermissionSet = example.permissionSetArns.ReadOnly as string;

let app: Synthesized;
let roles: { workflow: string; reconciler: string };

beforeAll(() => {
  app = synthesize({ permissionSetArns: { ...example.permissionSetArns, Retired: retiredPermissionSet } });
  roles = {
    workflow: logicalId(app.stack, app.stack.workflow.role),
    reconciler: logicalId(app.stack, app.stack.reconciler.handler.role as never),
  };
});

/**
 * What IAM answers the role for `action` on each resource an Identity Center call is authorized
 * on (instance, permission set, account): the call is allowed only when all three are.
 */
const answers = async (role: string, action: string, resources: string[]): Promise<string[]> => {
  const sso = statementsOf(app.template, role).filter((s) =>
    actionsOf([s]).every((a) => a.startsWith('sso:')),
  );
  const policies = [{ name: 'sso', policy: { Version: '2012-10-17', Statement: sso } }];
  const arn = `arn:aws:iam::${account}:role/${role}`;
  return Promise.all(resources.map((resource) => evaluate(arn, account, policies, action, resource)));
};

describe('what a lease granted under an earlier policy needs removed', () => {
  it.each([
    'workflow',
    'reconciler',
  ] as const)('the %s may list and delete it on an account and a permission set the policy no longer names', async (who) => {
    for (const action of ['sso:ListAccountAssignments', 'sso:DeleteAccountAssignment'])
      expect(await answers(roles[who], action, [instanceArn, retiredPermissionSet, droppedAccount])).toEqual([
        'Allowed',
        'Allowed',
        'Allowed',
      ]);
  });

  it('the workflow assigns only the policy’s permission sets, on the policy’s accounts, never a protected one', async () => {
    const create = (resources: string[]) => answers(roles.workflow, 'sso:CreateAccountAssignment', resources);

    expect(await create([instanceArn, policyPermissionSet, policyAccount])).toEqual([
      'Allowed',
      'Allowed',
      'Allowed',
    ]);
    expect(await create([retiredPermissionSet, droppedAccount, protectedAccount])).toEqual([
      'ImplicitlyDenied',
      'ImplicitlyDenied',
      'ImplicitlyDenied',
    ]);
    expect(actionsOf(statementsOf(app.template, roles.reconciler))).not.toContain(
      'sso:CreateAccountAssignment',
    );
  });

  it('names another instance’s permission sets nowhere', async () => {
    const other = 'arn:aws:sso:::permissionSet/ssoins-9999999999999999/ps-0000000000000001';
    for (const role of [roles.workflow, roles.reconciler])
      expect(await answers(role, 'sso:DeleteAccountAssignment', [other])).toEqual(['ImplicitlyDenied']);
  });
});

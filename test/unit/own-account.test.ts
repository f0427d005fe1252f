import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../adapters/clients.ts';
import type { Caller } from '../../adapters/directory.ts';
import { eligibleTargets } from '../../core/eligibility.ts';
import { ForbiddenError } from '../../core/errors.ts';
import { OrgTree } from '../../core/org-tree.ts';
import { accountOfArn, loadPolicy, protectAccount } from '../../core/policy.ts';
import { rulesNamingOwnAccount } from '../../core/policy-checks.ts';
import { compose } from '../../service/compose.ts';
import { eligibility } from '../../service/queries.ts';
import { requestLease } from '../../service/requests.ts';
import { contractExample, devReadonly } from './policy-fixtures.ts';

const OWN = '444455556666';
const OU = 'ou-abcd-11111111';
const policy = loadPolicy(
  contractExample([
    devReadonly,
    {
      id: 'workloads',
      principals: { groups: ['developers'] },
      accounts: [],
      ous: [OU],
      permissionSets: ['ReadOnly'],
      maxDuration: 'PT1H',
      approval: 'none',
    },
  ]),
);
// The OU holds a workload account and, by an operator's mistake, the tool's own account.
const tree = new OrgTree([
  { id: 'r-root', kind: 'ROOT' },
  { id: OU, kind: 'OU', parentId: 'r-root' },
  { id: '777777777777', kind: 'ACCOUNT', parentId: OU },
  { id: OWN, kind: 'ACCOUNT', parentId: OU },
]);
const alice: Caller = { userName: 'alice', userId: 'u-alice', groups: ['developers'] };

/**
 * The API's service graph as `compose` builds it, its AWS endpoint unreachable: a call that got
 * past the refusal would fail loudly instead of answering 403. Only the catalog (which names are
 * permission sets) and the organization tree are stand-ins.
 */
const api = () => {
  const { ctx } = compose(
    createClients({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9' }),
    {
      tableName: 'ledger',
      stateMachineArn: `arn:aws:states:eu-west-1:${OWN}:stateMachine:idc-lease`,
      eventBusName: 'idc-lease',
      instanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
      identityStoreId: 'd-0123456789',
    },
    policy,
    new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    { organization: async () => tree },
  );
  return {
    ...ctx,
    catalog: { permissionSetArn: async (name: string) => `arn:aws:sso:::permissionSet/ssoins-1/ps-${name}` },
  };
};

describe('the account idc-lease runs in', () => {
  it('is refused at request time when an OU rule covers it, before anything is written or started', async () => {
    // Act
    const act = requestLease(api(), alice, {
      accountId: OWN,
      permissionSet: 'ReadOnly',
      duration: 'PT30M',
      justification: 'lease the tool itself',
    });

    // Assess
    await expect(act).rejects.toThrow(ForbiddenError);
    await expect(act).rejects.toThrow(`account ${OWN} is protected`);
  });

  it('is never offered by eligibility, though the OU contains it', async () => {
    // Act
    const rules = await eligibility(api(), alice);

    // Assess
    const workloads = rules.find((r) => r.ruleId === 'workloads');
    expect(workloads?.accounts).toEqual(['777777777777']);
  });

  it('is the state machine’s account, protected whether or not the policy lists it', () => {
    expect(accountOfArn(`arn:aws:states:eu-west-1:${OWN}:stateMachine:x`)).toBe(OWN);
    expect(() => accountOfArn('arn:aws:states:eu-west-1::stateMachine:x')).toThrow(RangeError);
    const enforced = protectAccount(policy, OWN);
    expect(enforced.protected.accounts).toEqual(['999999999999', OWN]);
    expect(protectAccount(enforced, OWN)).toBe(enforced);
    expect(eligibleTargets(policy, alice, tree).find((r) => r.ruleId === 'workloads')?.accounts).toContain(
      OWN,
    );
  });

  it('may be named by no rule (what synth and the local runtime check)', () => {
    expect(rulesNamingOwnAccount(policy, '111111111111')).toEqual([
      'rules[0].accounts: rule "dev-readonly" names 111111111111, the account idc-lease is deployed to, which is never leased',
    ]);
    expect(rulesNamingOwnAccount(policy, OWN)).toEqual([]);
  });
});

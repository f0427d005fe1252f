import { PolicyError } from '../../core/errors.ts';
import { loadPolicy, type Policy, type PolicyInput } from '../../core/policy.ts';

/** Policy fixtures shared by the policy tests; not a test file itself. */

export type RuleInput = PolicyInput['rules'][number];

export const devReadonly: RuleInput = {
  id: 'dev-readonly',
  principals: { groups: ['developers'] },
  accounts: ['111111111111'],
  permissionSets: ['ReadOnly'],
  maxDuration: 'PT8H',
  approval: 'none',
};

export const prodAdmin: RuleInput = {
  id: 'prod-admin',
  principals: { groups: ['sre'], users: [] },
  accounts: ['222222222222'],
  ous: [],
  permissionSets: ['AdministratorAccess'],
  maxDuration: 'PT2H',
  endSessions: true,
  approval: { approvers: { groups: ['sre-leads'] }, required: 1, timeout: 'PT4H' },
};

/** The CONTRACT's example policy, with its rules and top-level sections replaceable per test. */
export const contractExample = (
  rules: RuleInput[] = [devReadonly, prodAdmin],
  overrides: Record<string, unknown> = {},
): PolicyInput => ({
  version: 1,
  rules,
  protected: { accounts: ['999999999999'], permissionSets: [] },
  auditors: { groups: ['security-auditors'] },
  admins: { groups: ['lease-admins'] },
  ...overrides,
});

/** The problems loadPolicy reports for `input`, or [] when it loads. */
export function problemsOf(input: unknown): readonly string[] {
  try {
    loadPolicy(input);
    return [];
  } catch (err) {
    if (err instanceof PolicyError) return err.problems;
    throw err;
  }
}

/** Overlapping rules, an OU, and protected targets that rules still list. */
export const evaluationPolicy: Policy = loadPolicy({
  version: 1,
  rules: [
    {
      id: 'dev-readonly',
      principals: { groups: ['developers'] },
      accounts: ['111111111111'],
      permissionSets: ['ReadOnly'],
      maxDuration: 'PT8H',
      approval: 'none',
    },
    {
      id: 'dev-readonly-long',
      principals: { groups: ['developers'] },
      accounts: ['111111111111'],
      permissionSets: ['ReadOnly'],
      maxDuration: 'PT24H',
      approval: { approvers: { groups: ['sre-leads'] } },
    },
    {
      id: 'prod-admin',
      principals: { groups: ['sre'], users: ['erin'] },
      accounts: ['222222222222', '999999999999'],
      ous: ['ou-ab12-prod0001'],
      permissionSets: ['AdministratorAccess', 'BillingFull'],
      maxDuration: 'PT2H',
      endSessions: true,
      approval: { approvers: { groups: ['sre-leads'], users: ['frank'] }, required: 2, timeout: 'PT4H' },
    },
  ],
  protected: { accounts: ['999999999999'], permissionSets: ['BillingFull'] },
  auditors: { groups: ['security-auditors'] },
  admins: { users: ['root-admin'], groups: ['lease-admins'] },
});

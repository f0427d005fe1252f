import type { OrgTree } from './org-tree.ts';
import { eligibleRules, findRule, type Identity, type Policy } from './policy.ts';

export interface EligibleTarget {
  ruleId: string;
  accounts: string[];
  ous?: string[];
  permissionSets: string[];
  maxDuration: string;
  approvalRequired: boolean;
  /** Names of the listed accounts where known; an account without one is shown by its id. */
  accountNames: Record<string, string>;
  /** Who decides a request under this rule (empty when no approval is required). */
  approvers: { users: string[]; groups: string[] };
  /** Distinct approvals a request needs; 0 when none is required. */
  requiredApprovals: number;
}

/** An account's name known besides the organization tree (the local seed), if any. */
export type AccountNames = (accountId: string) => string | undefined;

/**
 * GET /eligibility: the caller's rules with OUs expanded to the accounts under them (at any
 * depth), protected accounts left out. Without an organization tree only listed accounts count.
 * Account names come from `nameOf`, else from the tree.
 */
export function eligibleTargets(
  policy: Policy,
  identity: Identity,
  tree?: OrgTree,
  nameOf: AccountNames = () => undefined,
): EligibleTarget[] {
  const protectedAccounts = new Set(policy.protected.accounts);
  return eligibleRules(policy, identity).map((rule) => {
    const accounts = new Set(rule.accounts);
    for (const ou of rule.ous) for (const account of tree?.accountsUnder(ou) ?? []) accounts.add(account);
    for (const account of protectedAccounts) accounts.delete(account);
    const sorted = [...accounts].sort();
    const approval = findRule(policy, rule.ruleId)?.approval ?? 'none';
    const accountNames: Record<string, string> = {};
    for (const account of sorted) {
      const name = nameOf(account) ?? tree?.accountName(account);
      if (name) accountNames[account] = name;
    }
    return {
      ruleId: rule.ruleId,
      accounts: sorted,
      ...(rule.ous.length > 0 ? { ous: rule.ous } : {}),
      permissionSets: rule.permissionSets,
      maxDuration: rule.maxDuration,
      approvalRequired: rule.approvalRequired,
      accountNames,
      approvers:
        approval === 'none'
          ? { users: [], groups: [] }
          : { users: [...approval.approvers.users], groups: [...approval.approvers.groups] },
      requiredApprovals: approval === 'none' ? 0 : approval.required,
    };
  });
}

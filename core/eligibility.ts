import type { OrgTree } from './org-tree.ts';
import { eligibleRules, type Identity, type Policy } from './policy.ts';

export interface EligibleTarget {
  ruleId: string;
  accounts: string[];
  ous?: string[];
  permissionSets: string[];
  maxDuration: string;
  approvalRequired: boolean;
}

/**
 * GET /eligibility: the caller's rules with OUs expanded to the accounts under them (at any
 * depth), protected accounts left out. Without an organization tree only listed accounts count.
 */
export function eligibleTargets(policy: Policy, identity: Identity, tree?: OrgTree): EligibleTarget[] {
  const protectedAccounts = new Set(policy.protected.accounts);
  return eligibleRules(policy, identity).map((rule) => {
    const accounts = new Set(rule.accounts);
    for (const ou of rule.ous) for (const account of tree?.accountsUnder(ou) ?? []) accounts.add(account);
    for (const account of protectedAccounts) accounts.delete(account);
    return {
      ruleId: rule.ruleId,
      accounts: [...accounts].sort(),
      ...(rule.ous.length > 0 ? { ous: rule.ous } : {}),
      permissionSets: rule.permissionSets,
      maxDuration: rule.maxDuration,
      approvalRequired: rule.approvalRequired,
    };
  });
}

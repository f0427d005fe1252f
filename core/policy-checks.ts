import { formatDuration, parseDuration } from './duration.ts';
import type { Policy, Rule } from './policy-schema.ts';
import {
  EXECUTION_MARGIN_SECONDS,
  EXECUTION_TIMEOUT_SECONDS,
  MAX_SCHEDULE_AHEAD_SECONDS,
} from './workflow-limits.ts';

/**
 * Semantic checks that a schema cannot express: each one finds a policy that parses but would
 * not do what its author meant. A check returns `path: message` lines, empty when it passes.
 */
export type PolicyCheck = (policy: Policy) => string[];

const at = (i: number, rest: string): string => `rules[${i}].${rest}`;
const forEachRule = (policy: Policy, check: (rule: Rule, i: number) => string | undefined): string[] =>
  policy.rules.flatMap((rule, i) => check(rule, i) ?? []);

/** Rule ids must be unique: leases record the id, and approvals look the rule up by it. */
export const duplicateRuleIds: PolicyCheck = (policy) => {
  const firstIndex = new Map<string, number>();
  return forEachRule(policy, (rule, i) => {
    const first = firstIndex.get(rule.id);
    if (first === undefined) {
      firstIndex.set(rule.id, i);
      return undefined;
    }
    return at(i, `id: duplicate rule id "${rule.id}" (first used by rules[${first}])`);
  });
};

/** A rule nobody can use is almost always a typo in a principal list. */
export const rulesWithoutPrincipals: PolicyCheck = (policy) =>
  forEachRule(policy, (rule, i) =>
    rule.principals.users.length + rule.principals.groups.length === 0
      ? at(i, 'principals: must list at least one user or group')
      : undefined,
  );

/** A rule must target something that can be granted: some unprotected account, or an OU. */
export const rulesWithoutGrantableAccount: PolicyCheck = (policy) => {
  const isProtected = new Set(policy.protected.accounts);
  return forEachRule(policy, (rule, i) => {
    if ((rule.ous?.length ?? 0) > 0) return undefined;
    if (rule.accounts.length === 0) return at(i, 'accounts: must list at least one account or OU');
    return rule.accounts.every((a) => isProtected.has(a))
      ? at(i, 'accounts: every account is protected, so this rule can never grant anything')
      : undefined;
  });
};

export const rulesWithoutGrantablePermissionSet: PolicyCheck = (policy) => {
  const isProtected = new Set(policy.protected.permissionSets);
  return forEachRule(policy, (rule, i) =>
    rule.permissionSets.every((p) => isProtected.has(p))
      ? at(i, 'permissionSets: every permission set is protected, so this rule can never grant anything')
      : undefined,
  );
};

/** Without approvers every request would sit in PENDING_APPROVAL until it timed out. */
export const approvalsWithoutApprovers: PolicyCheck = (policy) =>
  forEachRule(policy, (rule, i) => {
    if (rule.approval === 'none') return undefined;
    const { users, groups } = rule.approval.approvers;
    return users.length + groups.length === 0
      ? at(i, 'approval.approvers: must list at least one approver user or group')
      : undefined;
  });

/**
 * `required` counts distinct approvers; with only users listed we know the ceiling exactly.
 * Group membership changes over time, so groups are not counted.
 */
export const unreachableApprovalQuorum: PolicyCheck = (policy) =>
  forEachRule(policy, (rule, i) => {
    if (rule.approval === 'none') return undefined;
    const { approvers, required } = rule.approval;
    if (approvers.groups.length > 0 || approvers.users.length === 0) return undefined;
    const distinct = new Set(approvers.users).size;
    return required > distinct
      ? at(i, `approval.required: ${required} distinct approvers required but only ${distinct} users listed`)
      : undefined;
  });

/**
 * The longest life of a lease of this rule — the furthest scheduled start, then the approval
 * timeout, then its whole `maxDuration` (extensions count towards it) — must fit in one workflow
 * execution with room to spare: an execution that timed out would revoke by the reconciler, late.
 */
export const leasesOutlivingTheirExecution: PolicyCheck = (policy) =>
  forEachRule(policy, (rule, i) => {
    const approval = rule.approval === 'none' ? 0 : parseDuration(rule.approval.timeout);
    const life = MAX_SCHEDULE_AHEAD_SECONDS + approval + parseDuration(rule.maxDuration);
    const room = EXECUTION_TIMEOUT_SECONDS - EXECUTION_MARGIN_SECONDS;
    if (life <= room) return undefined;
    const field = approval > parseDuration(rule.maxDuration) ? 'approval.timeout' : 'maxDuration';
    return at(
      i,
      `${field}: a lease could live ${formatDuration(life)} (start within ${formatDuration(MAX_SCHEDULE_AHEAD_SECONDS)}, approval timeout and maxDuration), more than the ${formatDuration(room)} one workflow execution allows`,
    );
  });

/**
 * The account idc-lease runs in holds the ledger, the task tokens and the workflow: a lease there
 * reaches every account. A rule that names it is refused (synth knows the account; an OU's members
 * it cannot see, so those are refused at request time, `protectAccount` in `core/policy.ts`).
 */
export const rulesNamingOwnAccount = (policy: Policy, ownAccountId: string): string[] =>
  forEachRule(policy, (rule, i) =>
    rule.accounts.includes(ownAccountId)
      ? at(
          i,
          `accounts: rule "${rule.id}" names ${ownAccountId}, the account idc-lease is deployed to, which is never leased`,
        )
      : undefined,
  );

export const POLICY_CHECKS: readonly PolicyCheck[] = [
  duplicateRuleIds,
  rulesWithoutPrincipals,
  rulesWithoutGrantableAccount,
  rulesWithoutGrantablePermissionSet,
  approvalsWithoutApprovers,
  unreachableApprovalQuorum,
  leasesOutlivingTheirExecution,
];

/** All problems of every check, ordered by path so that one rule's problems read together. */
export function semanticProblems(policy: Policy): string[] {
  return POLICY_CHECKS.flatMap((check) => check(policy)).sort(comparePaths);
}

function comparePaths(a: string, b: string): number {
  const index = (s: string) => Number(/^rules\[(\d+)\]/.exec(s)?.[1] ?? -1);
  return index(a) - index(b) || a.localeCompare(b);
}

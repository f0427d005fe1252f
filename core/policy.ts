import { formatDuration, parseDuration } from './duration.ts';
import { ConflictError, ForbiddenError, PolicyError, ValidationError } from './errors.ts';
import { semanticProblems } from './policy-checks.ts';
import { formatIssues, type Policy, PolicySchema, type Principals, type Rule } from './policy-schema.ts';

export { PolicyError } from './errors.ts';
export type { Approval, Policy, PolicyInput, Principals, Rule } from './policy-schema.ts';
export { DEFAULT_MAX_EXTENSIONS, MAX_EXTENSIONS_LIMIT, PolicySchema } from './policy-schema.ts';

/** Who is asking: the Identity Store userName and the display names of the user's groups. */
export interface Identity {
  userName: string;
  groups: readonly string[];
}

export interface AccessRequest {
  accountId: string;
  permissionSet: string;
  durationSeconds: number;
  /** OU ids containing the account, innermost to root; resolved by the caller through Organizations. */
  accountOus?: readonly string[];
}

export interface Decision {
  ruleId: string;
  approvalRequired: boolean;
  /** Empty when no approval is required. */
  approvers: { users: string[]; groups: string[] };
  /** Distinct approvers needed; 0 when no approval is required. */
  required: number;
  /** 0 when no approval is required. */
  approvalTimeoutSeconds: number;
  maxDurationSeconds: number;
  endSessions: boolean;
}

export interface EligibleRule {
  ruleId: string;
  accounts: string[];
  ous: string[];
  permissionSets: string[];
  maxDuration: string;
  approvalRequired: boolean;
}

/**
 * Validates a parsed policy document. Every problem is reported at once, each as `path: message`,
 * so an operator fixes the file in one pass rather than one error per deploy.
 */
export function loadPolicy(json: unknown, source?: string): Policy {
  const parsed = PolicySchema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new PolicyError(formatIssues(parsed.error), source);
  const problems = semanticProblems(parsed.data);
  if (problems.length > 0) throw new PolicyError(problems, source);
  return parsed.data;
}

const intersects = (a: readonly string[], b: readonly string[]): boolean => a.some((x) => b.includes(x));

function matchesPrincipal(principals: Principals, identity: Identity): boolean {
  return principals.users.includes(identity.userName) || intersects(principals.groups, identity.groups);
}

function matchesTarget(rule: Rule, request: AccessRequest): boolean {
  const inOu = intersects(rule.ous ?? [], request.accountOus ?? []);
  return (
    (rule.accounts.includes(request.accountId) || inOu) && rule.permissionSets.includes(request.permissionSet)
  );
}

export function isProtected(policy: Policy, target: { accountId: string; permissionSet: string }): boolean {
  return (
    policy.protected.accounts.includes(target.accountId) ||
    policy.protected.permissionSets.includes(target.permissionSet)
  );
}

/**
 * The policy as a deployment enforces it: the account idc-lease itself runs in is protected
 * whether or not the file lists it. Requests for it are refused (403) even when a rule's OU
 * contains it, and eligibility never lists it.
 */
export function protectAccount(policy: Policy, accountId: string): Policy {
  if (policy.protected.accounts.includes(accountId)) return policy;
  return {
    ...policy,
    protected: { ...policy.protected, accounts: [...policy.protected.accounts, accountId] },
  };
}

/** `arn:<partition>:<service>:<region>:<account>:…` → the account; throws on anything else. */
export function accountOfArn(arn: string): string {
  const account = arn.split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) throw new RangeError(`no account id in ARN ${arn}`);
  return account;
}

const maxSeconds = (rule: Rule): number => parseDuration(rule.maxDuration, 'maxDuration');

/**
 * Decides which rule, if any, lets `identity` hold the requested access. The duration is checked
 * against the chosen rule only: a longer rule the user matches never stretches a shorter one.
 */
export function evaluateRequest(policy: Policy, identity: Identity, request: AccessRequest): Decision {
  const { accountId, permissionSet, durationSeconds } = request;
  if (!Number.isSafeInteger(durationSeconds) || durationSeconds <= 0) {
    throw new ValidationError('duration', 'must be a positive whole number of seconds');
  }
  if (policy.protected.accounts.includes(accountId)) {
    throw new ForbiddenError(`account ${accountId} is protected and is never granted through leases`);
  }
  if (policy.protected.permissionSets.includes(permissionSet)) {
    throw new ForbiddenError(
      `permission set ${permissionSet} is protected and is never granted through leases`,
    );
  }
  const matching = policy.rules.filter(
    (rule) => matchesPrincipal(rule.principals, identity) && matchesTarget(rule, request),
  );
  if (matching.length === 0) {
    throw new ForbiddenError(`no rule allows ${identity.userName} to use ${permissionSet} in ${accountId}`);
  }
  const fitting = matching.filter((rule) => maxSeconds(rule) >= durationSeconds);
  if (fitting.length === 0) {
    const longest = [...matching].sort((a, b) => maxSeconds(b) - maxSeconds(a))[0] as Rule;
    throw new ValidationError(
      'duration',
      `${formatDuration(durationSeconds)} exceeds the maximum ${longest.maxDuration} of rule ${longest.id}`,
    );
  }
  // Prefer the least friction: no approval, then the most headroom for later extensions, then
  // the smallest quorum; ties keep policy order so the outcome is predictable from the file.
  const rank = (rule: Rule): [number, number, number] => [
    rule.approval === 'none' ? 0 : 1,
    -maxSeconds(rule),
    rule.approval === 'none' ? 0 : rule.approval.required,
  ];
  const chosen = [...fitting].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2];
  })[0] as Rule;
  return toDecision(chosen);
}

function toDecision(rule: Rule): Decision {
  const base = { ruleId: rule.id, maxDurationSeconds: maxSeconds(rule), endSessions: rule.endSessions };
  if (rule.approval === 'none') {
    const approvers = { users: [], groups: [] };
    return { ...base, approvalRequired: false, approvers, required: 0, approvalTimeoutSeconds: 0 };
  }
  const { approvers, required, timeout } = rule.approval;
  return {
    ...base,
    approvalRequired: true,
    approvers: { users: [...approvers.users], groups: [...approvers.groups] },
    required,
    approvalTimeoutSeconds: parseDuration(timeout, 'timeout'),
  };
}

/**
 * Membership only. Callers must still refuse a requester approving their own lease, because the
 * requester may well be in an approver group.
 */
export function isApprover(approvers: Principals, identity: Identity): boolean {
  return matchesPrincipal(approvers, identity);
}

export const isAdmin = (policy: Policy, identity: Identity): boolean =>
  matchesPrincipal(policy.admins, identity);

export const isAuditor = (policy: Policy, identity: Identity): boolean =>
  matchesPrincipal(policy.auditors, identity);

export const findRule = (policy: Policy, ruleId: string): Rule | undefined =>
  policy.rules.find((rule) => rule.id === ruleId);

/** What a lease the policy already decided on carries: its rule and its target. */
export interface DecidedLease {
  ruleId: string;
  accountId: string;
  permissionSet: string;
}

/**
 * The lease's rule as the policy says now (an extension or a decision acts on the policy of the
 * moment, not the one the request met): it still exists (409), its target is not protected and
 * the rule still covers it, and its requester is still one of the rule's principals (403).
 */
export function recheckLease(
  policy: Policy,
  requester: Identity,
  lease: DecidedLease,
  accountOus: readonly string[] = [],
): Rule {
  const rule = findRule(policy, lease.ruleId);
  if (!rule) throw new ConflictError(`rule ${lease.ruleId} no longer exists in the access policy`);
  if (isProtected(policy, lease)) {
    throw new ForbiddenError(
      `${lease.permissionSet} in ${lease.accountId} is protected now and is never granted through leases`,
    );
  }
  if (!matchesTarget(rule, { ...lease, durationSeconds: 1, accountOus })) {
    throw new ForbiddenError(`rule ${rule.id} no longer covers ${lease.permissionSet} in ${lease.accountId}`);
  }
  if (!matchesPrincipal(rule.principals, requester)) {
    throw new ForbiddenError(`${requester.userName} is no longer among the principals of rule ${rule.id}`);
  }
  return rule;
}

/**
 * Who decides a lease now: the approvers and quorum of its rule as the policy says now. A rule
 * that stopped needing approval leaves a pending lease with the approvers it was requested with.
 */
export function decidersOf(
  policy: Policy,
  lease: { ruleId: string; approvers: Principals; required: number },
): { approvers: Principals; required: number } {
  const rule = findRule(policy, lease.ruleId);
  if (!rule) throw new ConflictError(`rule ${lease.ruleId} no longer exists in the access policy`);
  if (rule.approval === 'none') return { approvers: lease.approvers, required: lease.required };
  return { approvers: rule.approval.approvers, required: rule.approval.required };
}

/** The rules `identity` may request under (GET /eligibility), without protected targets. */
export function eligibleRules(policy: Policy, identity: Identity): EligibleRule[] {
  return policy.rules
    .filter((rule) => matchesPrincipal(rule.principals, identity))
    .map((rule) => ({
      ruleId: rule.id,
      accounts: rule.accounts.filter((a) => !policy.protected.accounts.includes(a)),
      ous: [...(rule.ous ?? [])],
      permissionSets: rule.permissionSets.filter((p) => !policy.protected.permissionSets.includes(p)),
      maxDuration: rule.maxDuration,
      approvalRequired: rule.approval !== 'none',
    }))
    .filter((rule) => rule.permissionSets.length > 0 && rule.accounts.length + rule.ous.length > 0);
}

const sortedUnique = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/**
 * Permission sets leases may assign. Protected ones are left out: nothing here ever assigns them,
 * so the reconciler must never touch their assignments either.
 */
export function managedPermissionSets(policy: Policy): string[] {
  const excluded = new Set(policy.protected.permissionSets);
  return sortedUnique(policy.rules.flatMap((r) => r.permissionSets).filter((p) => !excluded.has(p)));
}

/** Accounts named directly by rules, protected ones excluded; OU members are resolved elsewhere. */
export function managedAccounts(policy: Policy): string[] {
  const excluded = new Set(policy.protected.accounts);
  return sortedUnique(policy.rules.flatMap((r) => r.accounts).filter((a) => !excluded.has(a)));
}

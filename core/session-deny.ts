import { createHash } from 'node:crypto';
import type { Policy } from './policy.ts';

/**
 * Ending live sessions (issue 5): the Deny statements the tool adds to a permission set's inline
 * policy, and the merge/prune of that policy. Pure: the adapter reads and writes the policy text.
 *
 * A statement of the tool is recognised by its Sid prefix alone. Everything else in the document
 * (other statements, `Version`, `Id`, unknown keys, their order) is parsed and written back as the
 * same JSON values, so an operator's own statements survive every change we make.
 */

export const SID_PREFIX = 'IdcLease';

/**
 * PutInlinePolicyToPermissionSet accepts at most 32,768 characters (API reference, InlinePolicy
 * length constraint); provisioning turns the policy into an inline policy of an IAM role, whose
 * inline policies may total 10,240 characters, white space not counted (IAM quotas). The second
 * is the one that bites first.
 */
export const INLINE_POLICY_MAX_LENGTH = 32_768;
export const ROLE_POLICY_MAX_CHARS = 10_240;

/** `IdcLease` + the instant the statement may go (UTC, whole seconds) + 10 hex of its content. */
const SID_RE = /^IdcLease(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z([0-9a-f]{10})$/;

export interface DenyTarget {
  userId: string;
  accountId: string;
  /** Sessions issued before this instant are denied (ISO, whole seconds). */
  issuedBefore: string;
  /** When every session issued before `issuedBefore` has expired: end + the session duration. */
  removeAfter: string;
}

export interface DenyStatement {
  Sid: string;
  Effect: 'Deny';
  Action: '*';
  Resource: '*';
  Condition: {
    StringEquals: { 'identitystore:userId': string; 'aws:PrincipalAccount': string };
    DateLessThan: { 'aws:TokenIssueTime': string };
  };
}

export interface PolicyDocument {
  /** Top-level entries other than Statement, in their original order (entries: any key is safe). */
  readonly head: readonly (readonly [string, unknown])[];
  readonly statements: readonly unknown[];
  /** The original `Statement` was one object rather than an array. */
  readonly single: boolean;
  /** Where `Statement` stood among the top-level keys, so it goes back there. */
  readonly position: number;
}

export class SessionPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionPolicyError';
  }
}

/**
 * Rounds up to the next whole second: STS records token issue times in whole seconds, so a
 * session issued within the second the lease ended is still denied.
 */
export function ceilToSecond(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`ceilToSecond: invalid timestamp ${iso}`);
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const compactTime = (iso: string): string => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

export function encodeSid(target: DenyTarget): string {
  const hash = createHash('sha256')
    .update(`${target.userId}|${target.accountId}|${target.issuedBefore}|${target.removeAfter}`)
    .digest('hex')
    .slice(0, 10);
  return `${SID_PREFIX}${compactTime(ceilToSecond(target.removeAfter))}${hash}`;
}

/** The instant a statement of the tool may be removed, or null for a Sid that is not ours or is malformed. */
export function removableAt(sid: unknown): string | null {
  if (typeof sid !== 'string') return null;
  const m = SID_RE.exec(sid);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

export const isToolStatement = (statement: unknown): boolean => {
  const sid = (statement as { Sid?: unknown } | null)?.Sid;
  return typeof sid === 'string' && sid.startsWith(SID_PREFIX);
};

export function denyStatement(target: DenyTarget): DenyStatement {
  const issuedBefore = ceilToSecond(target.issuedBefore);
  const removeAfter = ceilToSecond(target.removeAfter);
  const normalised = { ...target, issuedBefore, removeAfter };
  return {
    Sid: encodeSid(normalised),
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      StringEquals: { 'identitystore:userId': target.userId, 'aws:PrincipalAccount': target.accountId },
      DateLessThan: { 'aws:TokenIssueTime': issuedBefore },
    },
  };
}

/** Reads back what a statement of the tool denies; null when it is not one we can interpret. */
export function targetOf(statement: unknown): DenyTarget | null {
  if (!isToolStatement(statement)) return null;
  const s = statement as Partial<DenyStatement>;
  const removeAfter = removableAt(s.Sid);
  const userId = s.Condition?.StringEquals?.['identitystore:userId'];
  const accountId = s.Condition?.StringEquals?.['aws:PrincipalAccount'];
  const issuedBefore = s.Condition?.DateLessThan?.['aws:TokenIssueTime'];
  if (!removeAfter || typeof userId !== 'string' || typeof accountId !== 'string') return null;
  if (typeof issuedBefore !== 'string' || Number.isNaN(Date.parse(issuedBefore))) return null;
  return { userId, accountId, issuedBefore, removeAfter };
}

/** The permission set's inline policy text (empty when it has none) as a document. */
export function parsePolicy(text: string | undefined): PolicyDocument {
  if (!text || text.trim() === '')
    return { head: [['Version', '2012-10-17']], statements: [], single: false, position: 1 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SessionPolicyError('the inline policy is not JSON; refusing to rewrite it');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new SessionPolicyError('the inline policy is not a JSON object; refusing to rewrite it');
  const head: [string, unknown][] = [];
  let statements: unknown[] = [];
  let single = false;
  let position = -1;
  for (const [key, value] of Object.entries(parsed)) {
    if (key !== 'Statement') {
      head.push([key, value]);
      continue;
    }
    position = head.length;
    statements = Array.isArray(value) ? value : [value];
    single = !Array.isArray(value);
  }
  return { head, statements, single, position: position < 0 ? head.length : position };
}

/**
 * Compact JSON with every key where it was. A single-object `Statement` stays an object while it
 * is alone, so a policy we added to and pruned again reads exactly as before.
 */
export function renderPolicy(doc: PolicyDocument): string {
  const statement = doc.single && doc.statements.length === 1 ? doc.statements[0] : doc.statements;
  const entries = [...doc.head];
  entries.splice(doc.position, 0, ['Statement', statement]);
  return JSON.stringify(Object.fromEntries(entries));
}

/** What IAM counts against its quota: characters other than white space. */
export const policyChars = (text: string): number => text.replace(/\s/g, '').length;

export function checkSize(text: string): void {
  if (text.length > INLINE_POLICY_MAX_LENGTH || policyChars(text) > ROLE_POLICY_MAX_CHARS)
    throw new SessionPolicyError(
      `the inline policy would be ${policyChars(text)} characters, over the ${ROLE_POLICY_MAX_CHARS} an IAM role's inline policies may hold; sessions were NOT ended`,
    );
}

export interface PolicyChange {
  doc: PolicyDocument;
  /** Accounts whose provisioned copy differs now (statements added, merged or dropped for them). */
  accounts: string[];
  changed: boolean;
}

const later = (a: string, b: string): string => (Date.parse(a) >= Date.parse(b) ? a : b);

/**
 * Drops the tool's statements whose sessions have all expired (removable at or before `now`).
 * Statements the tool did not add, and ours that cannot be read back, are always kept.
 */
export function pruneExpired(doc: PolicyDocument, now: Date): PolicyChange {
  const accounts = new Set<string>();
  const statements = doc.statements.filter((s) => {
    const target = targetOf(s);
    if (!target || Date.parse(target.removeAfter) > now.getTime()) return true;
    accounts.add(target.accountId);
    return false;
  });
  return { doc: { ...doc, statements }, accounts: [...accounts].sort(), changed: accounts.size > 0 };
}

/**
 * Adds the deny for `target`, dropping expired statements of the tool on the way. One statement
 * per (user, account): a later end supersedes an earlier one (it denies a superset of sessions),
 * which keeps the policy small and a redelivered event a no-op.
 */
export function addDeny(doc: PolicyDocument, target: DenyTarget, now: Date): PolicyChange {
  const pruned = pruneExpired(doc, now);
  let merged: DenyTarget = {
    ...target,
    issuedBefore: ceilToSecond(target.issuedBefore),
    removeAfter: ceilToSecond(target.removeAfter),
  };
  let position = -1;
  const statements: unknown[] = [];
  for (const s of pruned.doc.statements) {
    const t = targetOf(s);
    if (t && t.userId === target.userId && t.accountId === target.accountId) {
      merged = {
        ...merged,
        issuedBefore: later(t.issuedBefore, merged.issuedBefore),
        removeAfter: later(t.removeAfter, merged.removeAfter),
      };
      if (position < 0) position = statements.length;
      continue;
    }
    statements.push(s);
  }
  statements.splice(position < 0 ? statements.length : position, 0, denyStatement(merged));
  const same = JSON.stringify(statements) === JSON.stringify(pruned.doc.statements);
  const accounts = new Set([...pruned.accounts, ...(same ? [] : [target.accountId])]);
  return {
    doc: { ...pruned.doc, statements },
    accounts: [...accounts].sort(),
    changed: pruned.changed || !same,
  };
}

export interface AccessFacts {
  leaseId: string;
  userId: string;
  /** The tuple's holders in the ledger (this lease has released it by the time it ends). */
  holders: Iterable<string>;
  standing: boolean;
  /** Identity Center's assignments of the permission set on the account. */
  assignments: readonly { principalType?: string; principalId?: string }[];
  /** The user's groups, only needed when a group holds an assignment. */
  groupIds: ReadonlySet<string>;
}

export type KeptBy = 'other-lease' | 'standing' | 'user-assignment' | 'group-assignment';

/**
 * Why the user still has a right to the tuple, or null when the ended lease was the last one:
 * only then may the user's live sessions be cut, or we would cut access they still hold.
 */
export function accessKeptBy(facts: AccessFacts): KeptBy | null {
  if ([...facts.holders].some((id) => id !== facts.leaseId)) return 'other-lease';
  if (facts.standing) return 'standing';
  if (facts.assignments.some((a) => a.principalType === 'USER' && a.principalId === facts.userId))
    return 'user-assignment';
  if (facts.assignments.some((a) => a.principalType === 'GROUP' && facts.groupIds.has(a.principalId ?? '')))
    return 'group-assignment';
  return null;
}

/** Names of the permission sets whose leases end live sessions (protected ones are never leased). */
export const endSessionsPermissionSets = (policy: Policy): string[] =>
  [
    ...new Set(
      policy.rules
        .filter((rule) => rule.endSessions)
        .flatMap((rule) => rule.permissionSets)
        .filter((name) => !policy.protected.permissionSets.includes(name)),
    ),
  ].sort();

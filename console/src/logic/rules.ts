import { parseDuration } from '../../../core/duration.ts';
import type { EligibleRule } from '../api/types.ts';

const seconds = (duration: string): number => parseDuration(duration, 'maxDuration');

/** Rules that cover the account and the permission set (either may be unknown yet). */
export const rulesFor = (
  rules: readonly EligibleRule[],
  accountId?: string,
  permissionSet?: string,
): EligibleRule[] =>
  rules.filter(
    (r) =>
      (!accountId || r.accounts.includes(accountId)) &&
      (!permissionSet || r.permissionSets.includes(permissionSet)),
  );

/** Permission sets the caller may ask for on the account (on any account before one is chosen). */
export const permissionSetChoices = (rules: readonly EligibleRule[], accountId?: string): string[] =>
  [...new Set(rulesFor(rules, accountId).flatMap((r) => r.permissionSets))].sort();

/** The longest duration any matching rule allows: what the server refuses beyond, naming `duration`. */
export function longestMaximum(matching: readonly EligibleRule[]): string | undefined {
  return [...matching].sort((a, b) => seconds(b.maxDuration) - seconds(a.maxDuration))[0]?.maxDuration;
}

/**
 * The rule the server will pick (core/policy.ts `evaluateRequest`): among the matching rules whose
 * maximum fits the duration, no approval first, then the longest maximum, then the smallest
 * quorum, ties in policy order. Shown before submitting so the requester knows who decides.
 */
export function chosenRule(
  matching: readonly EligibleRule[],
  durationSeconds?: number,
): EligibleRule | undefined {
  const fitting = matching.filter(
    (r) => durationSeconds === undefined || seconds(r.maxDuration) >= durationSeconds,
  );
  const rank = (r: EligibleRule): [number, number, number] => [
    r.approvalRequired ? 1 : 0,
    -seconds(r.maxDuration),
    r.requiredApprovals,
  ];
  return [...fitting].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2];
  })[0];
}

const list = (names: readonly string[]): string =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;

/** What happens after submitting under this rule, in words: nothing to wait for, or whose approval. */
export function approvalText(rule: EligibleRule): string {
  if (!rule.approvalRequired)
    return `No approval needed (rule ${rule.ruleId}): access is granted right away.`;
  const who = [
    ...rule.approvers.users.map((u) => `user ${u}`),
    ...rule.approvers.groups.map((g) => `a member of ${g}`),
  ];
  const count = Math.max(1, rule.requiredApprovals);
  const approvals = count === 1 ? '1 approval' : `${count} approvals by different people`;
  return `Needs ${approvals} (rule ${rule.ruleId}) from ${list(who) || 'the rule’s approvers'}; you cannot approve your own request.`;
}

import type { Approval } from './lease.ts';

/**
 * The users whose approvals count: each approver once, never the requester, rejections never.
 * Whether each was an approver of the rule is checked when they decide, before their approval
 * is recorded.
 */
export const countingApprovers = (approvals: readonly Approval[], requester: string): string[] => [
  ...new Set(
    approvals.filter((a) => a.decision === 'APPROVED' && a.userName !== requester).map((a) => a.userName),
  ),
];

export const quorumReached = (approvals: readonly Approval[], requester: string, required: number): boolean =>
  countingApprovers(approvals, requester).length >= Math.max(1, required);

import type { Approval } from './lease.ts';

/**
 * Who an approval is from. Identity Store user ids, not names: a user renamed (or a name reused
 * after a deletion) is never counted twice, nor mistaken for the requester. Approvals recorded
 * before ids were kept count by name, in a key space of their own.
 */
export const approverKey = (approval: Pick<Approval, 'userId' | 'userName'>): string =>
  approval.userId || `userName:${approval.userName}`;

/**
 * The users whose approvals count: each approver once, never the requester, rejections never.
 * Whether each was an approver of the rule is checked when they decide, before their approval
 * is recorded.
 */
export const countingApprovers = (approvals: readonly Approval[], requesterId: string): string[] => [
  ...new Set(
    approvals
      .filter((a) => a.decision === 'APPROVED' && approverKey(a) !== requesterId)
      .map((a) => approverKey(a)),
  ),
];

export const quorumReached = (
  approvals: readonly Approval[],
  requesterId: string,
  required: number,
): boolean => countingApprovers(approvals, requesterId).length >= Math.max(1, required);

/** The decision `userId` already recorded in `approvals`, if any. */
export const decisionOf = (approvals: readonly Approval[], userId: string): Approval | undefined =>
  approvals.find((a) => approverKey(a) === userId);

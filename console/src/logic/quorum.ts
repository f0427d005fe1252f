import { countingApprovers } from '../../../core/quorum.ts';
import type { Lease } from '../api/types.ts';

/**
 * Quorum progress of what waits for a decision: "1 of 2" (approvals that count, as the server
 * counts them, of those the rule requires). An extension waiting for approval counts its own.
 */
export function quorumText(lease: Lease): string {
  const approvals = lease.pendingExtension?.approvals ?? lease.approvals;
  const have = countingApprovers(approvals, lease.requester.userId).length;
  return `${have} of ${Math.max(1, lease.requiredApprovals)}`;
}

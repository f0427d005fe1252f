import type { Caller } from '../adapters/directory.ts';
import { verifyChain } from '../core/audit-chain.ts';
import type { LeaseRecord } from '../core/lease.ts';
import { checkOverseer } from './audit.ts';
import type { ServiceContext } from './context.ts';

export interface AuditVerification {
  ok: boolean;
  /** Entries whose link was recomputed and matched, over every lease checked. */
  checkedEntries: number;
  checkedLeases: number;
  /** The first broken link, leases taken oldest first and entries in stored order. */
  firstBadEntry?: { leaseId: string; index: number; problem: string };
}

/**
 * GET /audit/verify: recomputes every lease's timeline chain and compares it with the head the
 * lease record keeps. A writer with full rights on the table could still rewrite a whole chain
 * consistently; this check catches edits that did not also recompute every later hash and the
 * head, which is what an accidental or careless change looks like.
 */
export async function verifyAuditTrail(ctx: ServiceContext, caller: Caller): Promise<AuditVerification> {
  checkOverseer(ctx, caller);
  const leases = (await ctx.ledger.scanKind<LeaseRecord>('lease')).sort(
    (a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.id.localeCompare(b.id),
  );
  let checkedEntries = 0;
  for (const lease of leases) {
    const check = verifyChain(lease.id, lease.timeline ?? [], lease.timelineHead);
    checkedEntries += check.checkedEntries;
    if (check.bad)
      return {
        ok: false,
        checkedEntries,
        checkedLeases: leases.indexOf(lease) + 1,
        firstBadEntry: { leaseId: lease.id, index: check.bad.index, problem: check.bad.problem },
      };
  }
  return { ok: true, checkedEntries, checkedLeases: leases.length };
}

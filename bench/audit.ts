import { performance } from 'node:perf_hooks';
import { link, verifyChain } from '../core/audit-chain.ts';
import type { TimelineEntry } from '../core/lease.ts';

/**
 * The audit chain's cost in pure code: linking a lease's timeline (done on every append) and
 * verifying a trail of 10,000 leases of 10 entries each (what `GET /audit/verify` recomputes
 * after scanning the table).
 */
export function benchAudit(): Record<string, number> {
  const LEASES = 10_000;
  const entries: TimelineEntry[] = Array.from({ length: 10 }, (_, i) => ({
    at: new Date(Date.UTC(2026, 10, 22, 10, 0, i)).toISOString(),
    type: i === 0 ? 'REQUESTED' : 'APPROVED',
    actor: `user${i}`,
    detail: { comment: 'a justification of ordinary length for an approval', requestId: `req-${i}` },
  }));
  const started = performance.now();
  const trail = Array.from({ length: LEASES }, (_, i) => {
    const id = `l-20261122T100000-${String(i).padStart(10, 'a')}`;
    return { id, ...link(id, undefined, entries) };
  });
  const linked = performance.now();
  const broken = trail.filter((lease) => !verifyChain(lease.id, lease.entries, lease.head).ok).length;
  const verified = performance.now();
  if (broken > 0) throw new Error(`bench: ${broken} chains did not verify`);
  return {
    auditLinkMicrosPerEntry: Math.round((((linked - started) * 1000) / (LEASES * entries.length)) * 10) / 10,
    auditVerifyMsPer10kLeases: Math.round(verified - linked),
  };
}

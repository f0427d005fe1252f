import type { EventPublisher } from '../adapters/engine.ts';
import type { Ledger } from '../adapters/ledger.ts';
import { canReconcilerEnd, DetailType, LEASE_STATUSES } from '../core/lease-status.ts';
import { TOKEN_ATTRIBUTES } from '../core/lease-token.ts';
import type { Finding } from '../core/reconcile.ts';
import type { SweepFacts } from './reconcile-facts.ts';

export interface EffectDeps {
  ledger: Ledger;
  events: EventPublisher;
  now: () => Date;
}

/**
 * A drift finding, recorded once per key and published until its event is out: the mark that a
 * finding was announced is written only after the announcement (a failed publish is retried by
 * the next sighting, or by `publishPending` at the end of the sweep).
 */
export async function reportDrift(
  deps: EffectDeps,
  key: string,
  finding: Finding & Record<string, unknown>,
): Promise<void> {
  if (!(await deps.ledger.drift.record(key, finding))) return;
  await deps.events.publish(DetailType.DriftDetected, finding);
  await deps.ledger.drift.published(key);
}

/** Leases whose workflow can no longer end them: the reconciler records the end and says so. */
export async function endLeases(
  deps: EffectDeps,
  facts: SweepFacts,
  ids: readonly string[],
  requestId: string | undefined,
): Promise<void> {
  const at = deps.now().toISOString();
  for (const id of ids) {
    const lease = (await facts.lease(id)).record;
    if (!lease || lease.status === 'ENDED' || !canReconcilerEnd(lease.status)) continue;
    const endReason =
      lease.expiresAt && Date.parse(lease.expiresAt) <= deps.now().getTime() ? 'EXPIRED' : 'REVOKED';
    const ended = await deps.ledger.updateLease(id, {
      status: 'ENDED',
      from: LEASE_STATUSES.filter(canReconcilerEnd),
      set: { endReason, endedAt: at, ...(requestId ? { 'assignment.deleteRequestId': requestId } : {}) },
      remove: [...TOKEN_ATTRIBUTES],
      timeline: [
        {
          at,
          type: 'ENDED',
          actor: 'reconciler',
          detail: { endReason, ...(requestId ? { requestId } : {}) },
        },
      ],
    });
    if (ended) {
      await deps.events.publish(DetailType.Ended, {
        leaseId: id,
        requester: ended.requester,
        accountId: ended.accountId,
        permissionSet: ended.permissionSet,
        at,
        endReason,
        recordedBy: 'reconciler',
        ...(requestId ? { requestId } : {}),
      });
    }
  }
}

import type { Logger } from '@aws-lambda-powertools/logger';
import type { Engine } from '../../adapters/engine.ts';
import type { Ledger } from '../../adapters/ledger.ts';
import type { TaskTokens } from '../../adapters/task-tokens.ts';
import type { LeaseRecord } from '../../core/lease.ts';
import { type EngineEvent, type LedgerChange, project } from '../../core/projection.ts';
import { deliverPending } from '../../service/deliveries.ts';
import { finaliseExtension } from '../../service/extensions.ts';

export interface LedgerWriterDeps {
  ledger: Ledger;
  engine: Engine;
  /** Seals the tokens the waiting states' events carry, and opens the stored one to tell it. */
  tokens: TaskTokens;
  logger: Logger;
  now?: () => Date;
}

/**
 * Projects one workflow event into the lease record: status, timeline, the task token the API
 * will need next. Delivery is at least once and unordered, so the projection applies once per
 * workflow event (not per event id: a retried state puts one per attempt) and a status only moves forward; a token is kept only when it is newer than the one
 * stored. The follow-ups (clearing the tuple's `deleting` mark, applying the extension the hold
 * took, telling the new token a decision recorded meanwhile) run on every delivery, also when the
 * projection was applied before: a delivery that failed between the two is redelivered, and
 * each follow-up is a no-op once done. That is why this does not mark events done up front (as
 * Powertools' Idempotency utility would): the mark would make the redelivery skip what failed.
 */
export const writeLedger = async (deps: LedgerWriterDeps, event: EngineEvent): Promise<void> => {
  const { ledger, logger, tokens } = deps;
  const change = project(event);
  if (!change) return;
  const leaseId = event.detail.leaseId;
  logger.appendKeys({ leaseId, eventId: event.id });
  const applied = await applyProjection(ledger, leaseId, change);
  // The token is sealed before it is stored: the ledger never holds it in plain text.
  const token = change.token;
  const stored = token
    ? await ledger.storeToken(leaseId, {
        sealed: await tokens.seal(leaseId, token.for, token.value),
        for: token.for,
        ...(token.rank !== undefined ? { rank: token.rank } : {}),
      })
    : undefined;
  // The record as it is now: the last write's answer, or (a token not newer, a projection applied
  // before) a read.
  let record = stored ?? (token ? undefined : applied) ?? (await ledger.getLease(leaseId));
  if (!record) {
    logger.warn('event for a lease the ledger does not know', { detailType: event['detail-type'] });
    return;
  }
  // The tuple's evidence follows the event, not whether this delivery applied it: a redelivery
  // after a failure between the two writes still records it (both writes are idempotent).
  if (change.created) await ledger.tuples.recordCreated(record.tuplePk, leaseId, change.created.requestId);
  if (change.releaseTuple) await ledger.tuples.deleted(record.tuplePk, leaseId);
  if (change.extensionId && record.extension?.id === change.extensionId) {
    const at = new Date(event.detail.at).toISOString();
    record =
      (await finaliseExtension(ledger, leaseId, record.extension, at)) ?? (await ledger.getLease(leaseId));
    logger.info('extension applied', { extensionId: change.extensionId });
  }
  // What the ledger decided while no live token was there to hear it; the stored token is the
  // newest, whichever event brought it.
  if (token && record) await deliverPending({ ...deps, now: deps.now ?? (() => new Date()) }, record);
  logger.info('ledger updated', {
    detailType: event['detail-type'],
    status: record?.status,
    alreadyApplied: applied === undefined,
  });
};

/** The projection, once per key (`LedgerChange.key`); undefined when it was applied before (or the lease is unknown). */
async function applyProjection(
  ledger: Ledger,
  leaseId: string,
  change: LedgerChange,
): Promise<LeaseRecord | undefined> {
  const base = { set: change.set, remove: change.remove, timeline: change.timeline, eventId: change.key };
  const record = await ledger.updateLease(leaseId, { ...base, status: change.status, from: change.from });
  if (record || !change.status) return record;
  // Out of order (the lease already moved past this status) or a duplicate: keep the facts,
  // leave the status alone. A duplicate fails this too and changes nothing.
  return ledger.updateLease(leaseId, base);
}

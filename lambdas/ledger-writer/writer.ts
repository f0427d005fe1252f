import type { Logger } from '@aws-lambda-powertools/logger';
import type { Engine } from '../../adapters/engine.ts';
import type { Ledger } from '../../adapters/ledger.ts';
import { type EngineEvent, project } from '../../core/projection.ts';

export interface LedgerWriterDeps {
  ledger: Ledger;
  engine: Engine;
  logger: Logger;
}

/**
 * Projects one workflow event into the lease record: status, timeline, the task token the API
 * will need next. Delivery is at least once and unordered, so every write is idempotent per event
 * id and a status only moves forward.
 */
export const writeLedger = async (
  { ledger, engine, logger }: LedgerWriterDeps,
  event: EngineEvent,
): Promise<void> => {
  const change = project(event);
  if (!change) return;
  const leaseId = event.detail.leaseId;
  logger.appendKeys({ leaseId, eventId: event.id });
  const base = {
    set: {
      ...change.set,
      ...(change.token ? { taskToken: change.token.value, tokenFor: change.token.for } : {}),
    },
    remove: change.token ? change.remove.filter((r) => r !== 'taskToken' && r !== 'tokenFor') : change.remove,
    timeline: change.timeline,
    eventId: event.id,
  };
  let record = await ledger.updateLease(leaseId, { ...base, status: change.status, from: change.from });
  if (!record && change.status) {
    // Out of order (the lease already moved past this status) or a duplicate: keep the facts,
    // leave the status alone. A duplicate fails this too and changes nothing.
    record = await ledger.updateLease(leaseId, base);
    if (record) logger.warn('status not applied', { status: change.status, current: record.status });
  }
  // The tuple's evidence follows the event, not whether this delivery applied it: a redelivery
  // after a failure between the two writes still records it (both writes are idempotent).
  const tuplePk = record?.tuplePk ?? (await ledger.getLease(leaseId))?.tuplePk;
  if (tuplePk && change.created)
    await ledger.tuples.recordCreated(tuplePk, leaseId, change.created.requestId);
  if (tuplePk && change.releaseTuple) await ledger.tuples.deleted(tuplePk, leaseId);
  if (!record) {
    logger.info('event already applied or lease unknown', { detailType: event['detail-type'] });
    return;
  }
  // A revoke that arrived while the grant was in flight could not reach the workflow then.
  if (change.token?.for === 'HOLD' && record.status === 'REVOKING') {
    const outcome = await engine.fail(change.token.value, 'Lease.Revoked', { by: 'pending revoke' });
    logger.info('delivered a pending revoke', { outcome });
  }
  logger.info('ledger updated', { detailType: event['detail-type'], status: record.status });
};

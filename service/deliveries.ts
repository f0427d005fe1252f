import type { Logger } from '@aws-lambda-powertools/logger';
import type { Engine, TaskOutcome } from '../adapters/engine.ts';
import type { Ledger } from '../adapters/ledger.ts';
import type { TaskTokens } from '../adapters/task-tokens.ts';
import type { LeaseRecord } from '../core/lease.ts';
import { type Delivery, heldToken, pendingDelivery } from '../core/lease-token.ts';

export interface DeliveryDeps {
  readonly ledger: Ledger;
  readonly engine: Engine;
  /** Opens the sealed token the record holds: only a function the key policy lets decrypt can. */
  readonly tokens: TaskTokens;
  readonly logger: Logger;
  readonly now: () => Date;
}

export interface Delivered {
  delivery?: Delivery;
  /** `none`: nothing was due, or no token to tell it to (the ledger writer tells the next one). */
  outcome: TaskOutcome | 'none';
}

/**
 * Tells the lease's current task token what the ledger decided (a withdrawal, a rejection, an
 * approval, a revoke, a reserved extension). The API calls it right after recording a decision,
 * and again when the same decision is retried; the ledger writer calls it whenever a token
 * arrives, because the call that recorded the decision may have failed, or used a token that a
 * retried waiting state replaced. The decision is recorded before and kept after, so a failure
 * here loses nothing: the call throws, and whoever retries delivers it.
 *
 * A token that answered, or answered stale (the state moved on, or was retried with a new token),
 * is spent: it is dropped from the record unless a newer one replaced it meanwhile.
 */
export async function deliverPending(deps: DeliveryDeps, lease: LeaseRecord): Promise<Delivered> {
  const delivery = pendingDelivery(lease, deps.now());
  const held = heldToken(lease);
  if (!delivery || !held) return { outcome: 'none' };
  // Opened here, only when there is something to tell, and never kept or logged.
  const token = await deps.tokens.open(lease.id, held);
  const outcome =
    delivery.kind === 'fail'
      ? await deps.engine.fail(token, delivery.error, delivery.cause)
      : await deps.engine.succeed(token, delivery.output);
  deps.logger.info('told the workflow', { leaseId: lease.id, delivery: delivery.kind, outcome });
  await deps.ledger.dropToken(lease.id, held);
  return { delivery, outcome };
}

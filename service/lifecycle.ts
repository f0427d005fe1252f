import type { Caller } from '../adapters/directory.ts';
import { ConflictError, ForbiddenError } from '../core/errors.ts';
import { type Lease, type LeaseRecord, publicLease, type TimelineEntry } from '../core/lease.ts';
import { isAdmin } from '../core/policy.ts';
import type { ServiceContext } from './context.ts';
import { deliverPending } from './deliveries.ts';
import { loadLease, RACE_ATTEMPTS } from './requests.ts';
import { parseBody, RevokeBody } from './schemas.ts';

export { extendLease } from './extensions.ts';

/**
 * POST /leases/{id}/revoke. Pending: withdrawn (CANCELLED). Scheduled: withdrawn while the
 * workflow has not claimed the start, revoked once it has. Granting or active: REVOKING, and the
 * workflow is told. Each outcome is recorded first and the task token kept until the workflow
 * has it, so a revoke whose call to the workflow failed can be sent again (and the ledger writer
 * sends it to the next token that arrives): the same revoke again answers the same lease.
 */
export async function revokeLease(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<Lease> {
  const { reason } = parseBody(RevokeBody, body);
  const at = ctx.now().toISOString();
  const detail = { by: caller.userName, ...(reason ? { reason } : {}) };
  for (let attempt = 0; attempt < RACE_ATTEMPTS; attempt++) {
    const record = await loadLease(ctx, id);
    if (record.requester.userId !== caller.userId && !isAdmin(ctx.policy, caller)) {
      throw new ForbiddenError(`${caller.userName} may not revoke lease ${id}`);
    }
    const done = await revokeOnce(ctx, record, at, caller.userName, detail);
    if (done) return publicLease(done);
  }
  throw new ConflictError(`lease ${id} kept changing while revoking it; retry`);
}

/** One round: the record written (or found already written) and the workflow told; undefined to retry. */
async function revokeOnce(
  ctx: ServiceContext,
  record: LeaseRecord,
  at: string,
  actor: string,
  detail: Record<string, unknown>,
): Promise<LeaseRecord | undefined> {
  const id = record.id;
  const cancelled: TimelineEntry = { at, type: 'CANCELLED', actor, detail };
  switch (record.status) {
    case 'PENDING_APPROVAL': {
      const updated = await ctx.ledger.updateLease(id, {
        status: 'CANCELLED',
        from: ['PENDING_APPROVAL'],
        set: { endedAt: at },
        timeline: [cancelled],
      });
      return updated && told(ctx, updated);
    }
    case 'SCHEDULED': {
      if (record.startClaimedAt) return revoking(ctx, record, at, actor, detail);
      // The workflow claims the start on this same item (ClaimStart): whichever write comes first
      // decides. A withdrawal that wins is final even if the execution keeps running (the claim
      // then fails and it grants nothing), so stopping it is only tidying up.
      const updated = await ctx.ledger.updateLease(id, {
        status: 'CANCELLED',
        from: ['SCHEDULED'],
        set: { endedAt: at },
        timeline: [cancelled],
        condition: { expression: 'attribute_not_exists(startClaimedAt)', values: {} },
      });
      if (!updated) return undefined;
      await told(ctx, updated);
      await ctx.engine.stop(record.executionArn, `cancelled by ${actor}`).catch((err: unknown) => {
        ctx.logger.warn('could not stop the withdrawn lease; its start claim will fail', {
          leaseId: id,
          error: err as Error,
        });
      });
      return updated;
    }
    case 'GRANTING':
    case 'ACTIVE':
      return revoking(ctx, record, at, actor, detail);
    // Already recorded: this is a retry. Tell the workflow again if it may not have heard.
    case 'REVOKING':
    case 'CANCELLED':
      return told(ctx, record);
    default:
      throw new ConflictError(`lease ${id} is ${record.status}; there is nothing to revoke`);
  }
}

async function revoking(
  ctx: ServiceContext,
  record: LeaseRecord,
  at: string,
  actor: string,
  detail: Record<string, unknown>,
): Promise<LeaseRecord | undefined> {
  const updated = await ctx.ledger.updateLease(record.id, {
    status: 'REVOKING',
    from: ['SCHEDULED', 'GRANTING', 'ACTIVE'],
    timeline: [{ at, type: 'REVOKE_REQUESTED', actor, detail }],
    // A scheduled lease is revoked only once its start was claimed; before, it is withdrawn.
    condition: {
      expression: '#status <> :scheduled OR attribute_exists(startClaimedAt)',
      names: { '#status': 'status' },
      values: { ':scheduled': 'SCHEDULED' },
    },
  });
  return updated && told(ctx, updated);
}

/**
 * Tells the workflow (when it holds a token for it) and answers the record. Without a token yet,
 * the ledger writer tells the token when it arrives; with a stale one, the next token.
 */
async function told(ctx: ServiceContext, record: LeaseRecord): Promise<LeaseRecord> {
  const { outcome } = await deliverPending(ctx, record);
  if (outcome === 'stale')
    ctx.logger.info('token replaced meanwhile; left to the ledger writer', { leaseId: record.id });
  return record;
}

import { randomUUID } from 'node:crypto';
import type { Caller } from '../adapters/directory.ts';
import type { Ledger } from '../adapters/ledger.ts';
import { formatDuration, parseDuration } from '../core/duration.ts';
import { ConflictError, ForbiddenError } from '../core/errors.ts';
import {
  checkExtension,
  type ExtensionReservation,
  type ExtensionRule,
  extendedEntry,
  isApplied,
  reserveExtension,
} from '../core/extension.ts';
import { type Lease, type LeaseRecord, publicLease } from '../core/lease.ts';
import { DetailType } from '../core/lease-status.ts';
import { heldToken, pendingDelivery } from '../core/lease-token.ts';
import type { Rule } from '../core/policy.ts';
import type { ServiceContext } from './context.ts';
import { deliverPending } from './deliveries.ts';
import { currentRule, eventDetail, loadLease, RACE_ATTEMPTS, sleep } from './requests.ts';
import { ExtendBody, parseBody } from './schemas.ts';

export const extensionRuleOf = (rule: Rule): ExtensionRule => ({
  id: rule.id,
  maxDuration: rule.maxDuration,
  maxDurationSeconds: parseDuration(rule.maxDuration, 'maxDuration'),
  maxExtensions: rule.maxExtensions,
});

export const newExtensionId = () => `x-${randomUUID()}`;

/**
 * The condition that makes a reservation the only one: the lease as loaded (its total and its
 * count of extensions unchanged), no reservation in flight. Concurrent extensions each computed
 * the maximum against that same record; the first write wins, the others see it and answer 409.
 */
const unchangedSince = (lease: LeaseRecord) => ({
  expression:
    'attribute_not_exists(#extension) AND #durationSeconds = :seenSeconds AND (attribute_not_exists(#extensions) OR #extensions = :seenCount)',
  names: { '#extension': 'extension', '#durationSeconds': 'durationSeconds', '#extensions': 'extensions' },
  values: { ':seenSeconds': lease.durationSeconds, ':seenCount': lease.extensions ?? 0 },
});

/**
 * POST /leases/{id}/extend: adds `duration`; the total stays within the rule's `maxDuration` and
 * the count within its `maxExtensions`, both as the policy says now, and the requester must still
 * be one of the rule's principals. A retry of the same extension while it is being applied
 * follows that one instead of reserving another.
 */
export async function extendLease(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<Lease> {
  const { duration } = parseBody(ExtendBody, body);
  const added = parseDuration(duration, 'duration');
  for (let attempt = 0; attempt < RACE_ATTEMPTS; attempt++) {
    const record = await loadLease(ctx, id);
    if (record.requester.userId !== caller.userId)
      throw new ForbiddenError('only the requester extends a lease');
    if (record.status !== 'ACTIVE')
      throw new ConflictError(`lease ${id} is ${record.status}; only an ACTIVE lease is extended`);
    const inFlight = record.extension;
    if (inFlight) {
      if (!inFlight.approved && inFlight.requesterId === caller.userId && inFlight.addedSeconds === added)
        return settleExtension(ctx, id, inFlight);
      throw new ConflictError(
        `duration: an extension of ${formatDuration(inFlight.addedSeconds)} is being applied to lease ${id}; retry once it is`,
      );
    }
    const rule = await currentRule(ctx, record);
    checkExtension(record, added, extensionRuleOf(rule));
    if (rule.approval !== 'none') return requestApproval(ctx, caller, record, added);
    const reservation = reserveExtension(record, added, {
      id: newExtensionId(),
      requesterId: caller.userId,
      actor: caller.userName,
      at: ctx.now().toISOString(),
      approved: false,
    });
    const reserved = await ctx.ledger.updateLease(id, {
      from: ['ACTIVE'],
      set: { extension: reservation },
      condition: unchangedSince(record),
    });
    // Not reserved: someone else's write came first, or ours landed and its answer was lost;
    // the next round tells them apart by the reservation it finds.
    if (reserved) return settleExtension(ctx, id, reservation, reserved);
  }
  throw new ConflictError(`duration: lease ${id} kept changing while extending it; retry`);
}

/** Same approvers, same quorum as the request: the extension waits for them, access goes on meanwhile. */
async function requestApproval(ctx: ServiceContext, caller: Caller, record: LeaseRecord, added: number) {
  const asked = formatDuration(added);
  const waiting = record.pendingExtension;
  if (waiting && waiting.duration !== asked)
    throw new ConflictError(`lease ${record.id} already has an extension waiting for approval`);
  const at = ctx.now().toISOString();
  const pendingExtension = waiting ?? { duration: asked, requestedAt: at, approvals: [] };
  const updated = waiting
    ? record
    : await ctx.ledger.updateLease(record.id, {
        from: ['ACTIVE'],
        set: { pendingExtension },
        timeline: [{ at, type: 'APPROVAL_REQUESTED', actor: caller.userName, detail: { extension: asked } }],
        condition: {
          expression: 'attribute_not_exists(pendingExtension) AND attribute_not_exists(#extension)',
          names: { '#extension': 'extension' },
          values: {},
        },
      });
  if (!updated) throw new ConflictError(`lease ${record.id} changed meanwhile; retry`);
  // Asked again (a retry): the approvers may not have heard the first time.
  await ctx.events.publish(
    DetailType.ApprovalRequested,
    eventDetail(updated, pendingExtension.requestedAt, { extension: asked, approvers: updated.approvers }),
  );
  return publicLease(updated);
}

/**
 * Applies the reservation: the lease's total, expiry and count of extensions as it planned them.
 * Whoever comes first (the API once SendTaskSuccess answered, the ledger writer once the hold's
 * event names it) applies it; for the other the condition fails and nothing changes.
 */
export const finaliseExtension = (
  ledger: Ledger,
  leaseId: string,
  reservation: ExtensionReservation,
  at: string,
): Promise<LeaseRecord | undefined> =>
  ledger.updateLease(leaseId, {
    set: {
      durationSeconds: reservation.durationSeconds,
      duration: formatDuration(reservation.durationSeconds),
      expiresAt: reservation.expiresAt,
      extensions: reservation.extensions,
    },
    remove: ['extension', ...(reservation.approved ? ['pendingExtension'] : [])],
    timeline: [extendedEntry(reservation, at)],
    condition: {
      expression: '#extension.#reservationId = :reservationId',
      names: { '#extension': 'extension', '#reservationId': 'id' },
      values: { ':reservationId': reservation.id },
    },
  });

/**
 * Hands a reservation to the hold and answers once it is applied. The token it is sent on must be
 * of the period before it (`core/extension.ts`). When the answer is lost or stale, the hold's next
 * event tells: it names the extension it took (the ledger writer applies it), or carries a new
 * token of the same period (a retried PutEvents; sent again there). A reservation still open at the
 * deadline stays on the record: the same extension asked again follows it.
 */
export async function settleExtension(
  ctx: ServiceContext,
  id: string,
  reservation: ExtensionReservation,
  reserved?: LeaseRecord,
): Promise<Lease> {
  const deadline = Date.now() + ctx.tokenWaitMs;
  const tried = new Set<string>();
  let failure: unknown;
  let known = reserved;
  for (;;) {
    const record = known ?? (await loadLease(ctx, id));
    known = undefined;
    if (isApplied(record, reservation)) return publicLease(record);
    if (record.status !== 'ACTIVE')
      throw new ConflictError(`lease ${id} is ${record.status}; the extension was not applied`);
    if (record.extension?.id !== reservation.id)
      throw new ConflictError(`lease ${id} changed before the extension was applied; retry`);
    // Tokens are told apart by digest: the record holds them sealed.
    const token = heldToken(record)?.digest;
    const due = pendingDelivery(record, ctx.now());
    if (token && !tried.has(token) && due?.kind === 'extend') {
      tried.add(token);
      try {
        const { outcome } = await deliverPending(ctx, record);
        if (outcome === 'sent') {
          const applied = await finaliseExtension(ctx.ledger, id, reservation, ctx.now().toISOString());
          return publicLease(applied ?? (await loadLease(ctx, id)));
        }
      } catch (err) {
        // Perhaps applied and the answer lost: the hold's event will say.
        failure = err;
        ctx.logger.warn('extension not confirmed by the workflow', { leaseId: id, error: err as Error });
      }
      continue;
    }
    if (Date.now() > deadline) {
      if (failure) throw failure;
      throw new ConflictError(
        `duration: the extension of lease ${id} is not applied yet; ask again to follow it`,
      );
    }
    await sleep(100);
  }
}

import type { Caller } from '../adapters/directory.ts';
import type { HoldPeriod } from '../adapters/engine.ts';
import { addSeconds, formatDuration, parseDuration, secondsUntil } from '../core/duration.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../core/errors.ts';
import { type Lease, type LeaseRecord, publicLease, type TimelineEntry } from '../core/lease.ts';
import { DetailType, sourcesOf } from '../core/lease-status.ts';
import { findRule, isAdmin } from '../core/policy.ts';
import type { ServiceContext } from './context.ts';
import { awaitToken } from './decisions.ts';
import { eventDetail, loadLease } from './requests.ts';
import { ExtendBody, parseBody, RevokeBody } from './schemas.ts';

/**
 * POST /leases/{id}/revoke. Pending or scheduled: withdrawn (CANCELLED), nothing was granted.
 * Active: the workflow revokes now. Granting: REVOKING is recorded and the ledger writer delivers
 * the revoke the moment the workflow starts holding.
 */
export async function revokeLease(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<Lease> {
  const { reason } = parseBody(RevokeBody, body);
  const record = await loadLease(ctx, id);
  if (record.requester.userId !== caller.userId && !isAdmin(ctx.policy, caller)) {
    throw new ForbiddenError(`${caller.userName} may not revoke lease ${id}`);
  }
  const at = ctx.now().toISOString();
  const detail = { by: caller.userName, ...(reason ? { reason } : {}) };
  switch (record.status) {
    case 'PENDING_APPROVAL': {
      const waiting = await awaitToken(ctx, id, 'APPROVAL', record);
      const cancelled = await ctx.ledger.updateLease(id, {
        status: 'CANCELLED',
        from: ['PENDING_APPROVAL'],
        set: { endedAt: at },
        remove: ['taskToken', 'tokenFor'],
        timeline: [{ at, type: 'CANCELLED', actor: caller.userName, detail }],
      });
      if (!cancelled) throw new ConflictError(`lease ${id} changed meanwhile; retry`);
      await ctx.engine.fail(waiting.taskToken, 'Lease.Cancelled', detail);
      return publicLease(cancelled);
    }
    case 'SCHEDULED': {
      // The workflow only waits for the start time: stopping it leaves nothing behind.
      const cancelled = await ctx.ledger.updateLease(id, {
        status: 'CANCELLED',
        from: ['SCHEDULED'],
        set: { endedAt: at },
        timeline: [{ at, type: 'CANCELLED', actor: caller.userName, detail }],
      });
      if (!cancelled) throw new ConflictError(`lease ${id} changed meanwhile; retry`);
      await ctx.engine.stop(record.executionArn, `cancelled by ${caller.userName}`);
      return publicLease(cancelled);
    }
    case 'GRANTING':
    case 'ACTIVE': {
      const revoking = await ctx.ledger.updateLease(id, {
        status: 'REVOKING',
        from: sourcesOf('REVOKING'),
        timeline: [{ at, type: 'REVOKE_REQUESTED', actor: caller.userName, detail }],
      });
      if (!revoking) throw new ConflictError(`lease ${id} changed meanwhile; retry`);
      if (revoking.taskToken && revoking.tokenFor === 'HOLD') {
        const outcome = await ctx.engine.fail(revoking.taskToken, 'Lease.Revoked', detail);
        if (outcome === 'stale') {
          // An extension just replaced the token: the writer will deliver the revoke with the next one.
          ctx.logger.info('hold token replaced meanwhile; revoke left to the ledger writer', { leaseId: id });
        }
      }
      return publicLease(revoking);
    }
    default:
      throw new ConflictError(`lease ${id} is ${record.status}; there is nothing to revoke`);
  }
}

/** POST /leases/{id}/extend: adds `duration`; the lease's total stays within its rule's maximum. */
export async function extendLease(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<Lease> {
  const { duration } = parseBody(ExtendBody, body);
  const added = parseDuration(duration, 'duration');
  const record = await loadLease(ctx, id);
  if (record.requester.userId !== caller.userId)
    throw new ForbiddenError('only the requester extends a lease');
  if (record.status !== 'ACTIVE')
    throw new ConflictError(`lease ${id} is ${record.status}; only an ACTIVE lease is extended`);
  const rule = findRule(ctx.policy, record.ruleId);
  if (!rule) throw new ConflictError(`rule ${record.ruleId} no longer exists in the access policy`);
  const total = record.durationSeconds + added;
  const max = parseDuration(rule.maxDuration, 'maxDuration');
  if (total > max) {
    throw new ValidationError(
      'duration',
      `the lease would last ${formatDuration(total)}, over the maximum ${rule.maxDuration} of rule ${rule.id}`,
    );
  }
  if (rule.approval !== 'none') {
    // Same approvers, same quorum as the request: the extension waits for them; access goes on
    // until the current expiry meanwhile.
    if (record.pendingExtension)
      throw new ConflictError(`lease ${id} already has an extension waiting for approval`);
    const at = ctx.now().toISOString();
    const pendingExtension = { duration: formatDuration(added), requestedAt: at, approvals: [] };
    const waiting = await ctx.ledger.updateLease(id, {
      from: ['ACTIVE'],
      set: { pendingExtension },
      timeline: [
        {
          at,
          type: 'APPROVAL_REQUESTED',
          actor: caller.userName,
          detail: { extension: pendingExtension.duration },
        },
      ],
      condition: { expression: 'attribute_not_exists(pendingExtension)', values: {} },
    });
    if (!waiting) throw new ConflictError(`lease ${id} changed meanwhile; retry`);
    await ctx.events.publish(
      DetailType.ApprovalRequested,
      eventDetail(waiting, at, { extension: pendingExtension.duration, approvers: waiting.approvers }),
    );
    return publicLease(waiting);
  }
  return applyExtension(ctx, record, added, caller.userName);
}

/** Moves the workflow's expiry by `added` seconds and records it. */
export async function applyExtension(
  ctx: ServiceContext,
  record: LeaseRecord,
  added: number,
  actor: string,
  extra: { remove?: string[]; timeline?: TimelineEntry[] } = {},
): Promise<Lease> {
  const id = record.id;
  const total = record.durationSeconds + added;
  const holding = await awaitToken(ctx, id, 'HOLD', record);
  const expiresAt = addSeconds(holding.expiresAt ?? ctx.now().toISOString(), added);
  // The workflow first: if the lease is already ending (or another extension used this token),
  // nothing is recorded.
  const outcome = await ctx.engine.succeed(holding.taskToken, {
    eventType: DetailType.Extended,
    seconds: Math.max(1, secondsUntil(expiresAt, ctx.now())),
    expiresAt,
    extensionId: null,
    extensions: 0,
  } satisfies HoldPeriod);
  if (outcome === 'stale') throw new ConflictError(`lease ${id} is ending or was just extended; retry`);
  const at = ctx.now().toISOString();
  const extended = await ctx.ledger.updateLease(id, {
    set: { expiresAt, duration: formatDuration(total), durationSeconds: total },
    remove: extra.remove ?? [],
    timeline: [
      ...(extra.timeline ?? []),
      { at, type: 'EXTENDED', actor, detail: { added: formatDuration(added), expiresAt } },
    ],
  });
  if (!extended) throw new ConflictError(`lease ${id} disappeared`);
  // The used token is dead; the ledger writer stores the next one (unless it already has).
  await ctx.ledger.updateLease(id, {
    remove: ['taskToken', 'tokenFor'],
    condition: { expression: 'taskToken = :used', values: { ':used': holding.taskToken } },
  });
  return publicLease(extended);
}

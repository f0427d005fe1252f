import type { Caller } from '../adapters/directory.ts';
import { parseDuration } from '../core/duration.ts';
import { ConflictError, ForbiddenError } from '../core/errors.ts';
import { type Lease, type LeaseRecord, publicLease } from '../core/lease.ts';
import { DetailType } from '../core/lease-status.ts';
import { isApprover } from '../core/policy.ts';
import { quorumReached } from '../core/quorum.ts';
import type { ServiceContext } from './context.ts';
import { applyExtension } from './lifecycle.ts';
import { eventDetail, loadLease } from './requests.ts';
import { DecisionBody, parseBody } from './schemas.ts';

/**
 * Waits for the workflow's current task token of the given kind. The ledger writer stores it a
 * moment after the workflow reaches the waiting state. `loaded` saves a read when the caller
 * has just read the record.
 */
export async function awaitToken(
  ctx: ServiceContext,
  id: string,
  kind: 'APPROVAL' | 'HOLD',
  loaded?: LeaseRecord,
): Promise<LeaseRecord & { taskToken: string }> {
  const deadline = Date.now() + ctx.tokenWaitMs;
  let record = loaded;
  for (;;) {
    record ??= await loadLease(ctx, id);
    if (record.taskToken && record.tokenFor === kind) {
      return record as LeaseRecord & { taskToken: string };
    }
    if (Date.now() >= deadline) {
      throw new ConflictError(
        `lease ${id} is not ready for this yet (status ${record.status}); retry shortly`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
    record = undefined;
  }
}

/** What approve and reject both check: a pending lease, decided by one of its rule's approvers. */
async function loadForDecision(ctx: ServiceContext, caller: Caller, id: string, body: unknown) {
  const { comment } = parseBody(DecisionBody, body);
  const record = await loadLease(ctx, id);
  if (record.requester.userId === caller.userId) {
    throw new ForbiddenError('nobody approves or rejects their own lease');
  }
  // Groups come from the directory at this moment, not from when the lease was requested (nor
  // from a cached copy of the caller).
  if (!isApprover(record.approvers, await ctx.directory.resolve(caller.userName))) {
    throw new ForbiddenError(`${caller.userName} is not an approver for rule ${record.ruleId}`);
  }
  const extension = record.status === 'ACTIVE' && record.pendingExtension !== undefined;
  if (record.status !== 'PENDING_APPROVAL' && !extension) {
    throw new ConflictError(`lease ${id} is ${record.status}, not pending approval`);
  }
  return { comment, record };
}

/** POST /leases/{id}/approve: one distinct approval; the last one needed releases the workflow. */
export async function approveLease(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<Lease> {
  const { comment, record } = await loadForDecision(ctx, caller, id, body);
  if (record.status === 'ACTIVE') return approveExtension(ctx, caller, record, comment);
  if (record.approvals.some((a) => a.userName === caller.userName)) {
    throw new ConflictError(`${caller.userName} already approved lease ${id}`);
  }
  const at = ctx.now().toISOString();
  const approval = {
    userName: caller.userName,
    decision: 'APPROVED' as const,
    at,
    ...(comment ? { comment } : {}),
  };
  const completes = quorumReached(
    [...record.approvals, approval],
    record.requester.userName,
    record.required,
  );
  // The approval that completes the quorum releases the workflow, so its task token must be there
  // before anything is recorded: a timeout then leaves the lease exactly as it was.
  const waiting = completes ? await awaitToken(ctx, id, 'APPROVAL', record) : undefined;
  const next =
    waiting?.startAt && Date.parse(waiting.startAt) > ctx.now().getTime() ? 'SCHEDULED' : 'GRANTING';
  const updated = await ctx.ledger.updateLease(id, {
    from: ['PENDING_APPROVAL'],
    ...(waiting ? { status: next, remove: ['taskToken', 'tokenFor'] } : {}),
    set: { approvals: [...record.approvals, approval] },
    timeline: [
      { at, type: 'APPROVED', actor: caller.userName, ...(comment ? { detail: { comment } } : {}) },
      ...(waiting && next === 'SCHEDULED'
        ? [{ at, type: 'SCHEDULED' as const, detail: { startAt: waiting.startAt } }]
        : []),
    ],
    // Two approvers at once must not both count against the same previous list.
    condition: { expression: 'size(approvals) = :seen', values: { ':seen': record.approvals.length } },
  });
  if (!updated) throw new ConflictError(`lease ${id} changed meanwhile; retry`);
  if (waiting) {
    // Release the workflow before anything else: approval → grant latency is what users feel.
    const outcome = await ctx.engine.succeed(waiting.taskToken, {
      approvedBy: updated.approvals.map((a) => a.userName),
      at,
    });
    if (outcome === 'stale') {
      ctx.logger.warn('approval arrived after the workflow stopped waiting', { leaseId: id });
    }
  }
  await ctx.events.publish(DetailType.Approved, eventDetail(updated, at, { approver: caller.userName }));
  return publicLease(updated);
}

/** POST /leases/{id}/reject: any one approver ends the request. */
export async function rejectLease(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<Lease> {
  const { comment, record } = await loadForDecision(ctx, caller, id, body);
  if (record.status === 'ACTIVE') return rejectExtension(ctx, caller, record, comment);
  const waiting = await awaitToken(ctx, id, 'APPROVAL', record);
  const at = ctx.now().toISOString();
  const rejected = await ctx.ledger.updateLease(id, {
    status: 'REJECTED',
    from: ['PENDING_APPROVAL'],
    set: {
      endedAt: at,
      approvals: [
        ...record.approvals,
        { userName: caller.userName, decision: 'REJECTED', at, ...(comment ? { comment } : {}) },
      ],
    },
    remove: ['taskToken', 'tokenFor'],
    timeline: [{ at, type: 'REJECTED', actor: caller.userName, ...(comment ? { detail: { comment } } : {}) }],
  });
  if (!rejected) throw new ConflictError(`lease ${id} is no longer pending approval`);
  await ctx.engine.fail(waiting.taskToken, 'Lease.Rejected', { by: caller.userName });
  await ctx.events.publish(DetailType.Rejected, eventDetail(rejected, at, { approver: caller.userName }));
  return publicLease(rejected);
}

/** An approval of a pending extension; the last one needed moves the expiry. */
async function approveExtension(ctx: ServiceContext, caller: Caller, record: LeaseRecord, comment?: string) {
  const pending = record.pendingExtension as NonNullable<LeaseRecord['pendingExtension']>;
  if (pending.approvals.some((a) => a.userName === caller.userName)) {
    throw new ConflictError(`${caller.userName} already approved the extension of lease ${record.id}`);
  }
  const at = ctx.now().toISOString();
  const approval = {
    userName: caller.userName,
    decision: 'APPROVED' as const,
    at,
    ...(comment ? { comment } : {}),
  };
  const entry = {
    at,
    type: 'APPROVED' as const,
    actor: caller.userName,
    detail: { extension: pending.duration },
  };
  if (!quorumReached([...pending.approvals, approval], record.requester.userName, record.required)) {
    const updated = await ctx.ledger.updateLease(record.id, {
      from: ['ACTIVE'],
      set: { 'pendingExtension.approvals': [...pending.approvals, approval] },
      timeline: [entry],
      condition: {
        expression: 'size(pendingExtension.approvals) = :seen',
        values: { ':seen': pending.approvals.length },
      },
    });
    if (!updated) throw new ConflictError(`lease ${record.id} changed meanwhile; retry`);
    return publicLease(updated);
  }
  const extended = await applyExtension(ctx, record, parseDuration(pending.duration), caller.userName, {
    remove: ['pendingExtension'],
    timeline: [entry],
  });
  await ctx.events.publish(
    DetailType.Approved,
    eventDetail(record, at, { approver: caller.userName, extension: pending.duration }),
  );
  return extended;
}

/** A rejected extension is dropped; the lease keeps its current expiry. */
async function rejectExtension(ctx: ServiceContext, caller: Caller, record: LeaseRecord, comment?: string) {
  const pending = record.pendingExtension as NonNullable<LeaseRecord['pendingExtension']>;
  const at = ctx.now().toISOString();
  const updated = await ctx.ledger.updateLease(record.id, {
    from: ['ACTIVE'],
    remove: ['pendingExtension'],
    timeline: [
      {
        at,
        type: 'REJECTED',
        actor: caller.userName,
        detail: { extension: pending.duration, ...(comment ? { comment } : {}) },
      },
    ],
    condition: { expression: 'attribute_exists(pendingExtension)', values: {} },
  });
  if (!updated) throw new ConflictError(`lease ${record.id} has no extension waiting any more`);
  await ctx.events.publish(
    DetailType.Rejected,
    eventDetail(record, at, { approver: caller.userName, extension: pending.duration }),
  );
  return publicLease(updated);
}

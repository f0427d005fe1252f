import type { Caller } from '../adapters/directory.ts';
import { parseDuration } from '../core/duration.ts';
import { ConflictError, ForbiddenError } from '../core/errors.ts';
import { checkExtension, reserveExtension } from '../core/extension.ts';
import { type Approval, type Lease, type LeaseRecord, publicLease } from '../core/lease.ts';
import { DetailType } from '../core/lease-status.ts';
import { decidersOf, isApprover } from '../core/policy.ts';
import { decisionOf, quorumReached } from '../core/quorum.ts';
import type { ServiceContext } from './context.ts';
import { deliverPending } from './deliveries.ts';
import { extensionRuleOf, newExtensionId, settleExtension } from './extensions.ts';
import { currentRule, eventDetail, loadLease, RACE_ATTEMPTS } from './requests.ts';
import { DecisionBody, parseBody } from './schemas.ts';

type Decision = Approval['decision'];

/**
 * What approve and reject both check: the caller is an approver of the lease's rule as the policy
 * and the directory say now (not when it was requested), and never its requester.
 */
async function loadForDecision(ctx: ServiceContext, caller: Caller, id: string) {
  const record = await loadLease(ctx, id);
  if (record.requester.userId === caller.userId) {
    throw new ForbiddenError('nobody approves or rejects their own lease');
  }
  const deciders = decidersOf(ctx.policy, record);
  if (!isApprover(deciders.approvers, await ctx.directory.resolve(caller.userName))) {
    throw new ForbiddenError(`${caller.userName} is not an approver for rule ${record.ruleId}`);
  }
  return { record, required: deciders.required };
}

const approvalOf = (caller: Caller, decision: Decision, at: string, comment?: string): Approval => ({
  userName: caller.userName,
  userId: caller.userId,
  decision,
  at,
  ...(comment ? { comment } : {}),
});

/** An extension's approval round is open: waiting for approvers, or approved and being applied. */
const extensionOpen = (record: LeaseRecord) =>
  record.status === 'ACTIVE' &&
  (record.pendingExtension !== undefined || record.extension?.approved === true);

/**
 * The caller decided this lease before. The same answer again is a retry: every effect of the
 * first call is run again (the workflow told, the event published), nothing is counted twice.
 * A different answer is a 409: decisions are not changed.
 */
async function repeated(ctx: ServiceContext, record: LeaseRecord, earlier: Approval, answer: Decision) {
  if (earlier.decision !== answer) {
    throw new ConflictError(
      `${earlier.userName} already ${earlier.decision === 'APPROVED' ? 'approved' : 'rejected'} lease ${record.id}; a decision is not changed`,
    );
  }
  await deliverPending(ctx, record);
  await ctx.events.publish(
    answer === 'APPROVED' ? DetailType.Approved : DetailType.Rejected,
    eventDetail(record, earlier.at, { approver: earlier.userName }),
  );
  return publicLease(await loadLease(ctx, record.id));
}

/**
 * POST /leases/{id}/approve: one distinct approval (by Identity Store user id); the last one
 * needed records the grant and releases the workflow. The lease must still be grantable under
 * the policy as it is now. Two approvers at once are both counted against the list each saw.
 */
export async function approveLease(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<Lease> {
  const { comment } = parseBody(DecisionBody, body);
  for (let attempt = 0; attempt < RACE_ATTEMPTS; attempt++) {
    const { record, required } = await loadForDecision(ctx, caller, id);
    if (extensionOpen(record)) {
      const out = await approveExtension(ctx, caller, record, required, comment);
      if (out) return out;
      continue;
    }
    const earlier = decisionOf(record.approvals, caller.userId);
    if (earlier) return repeated(ctx, record, earlier, 'APPROVED');
    if (record.status !== 'PENDING_APPROVAL') {
      throw new ConflictError(`lease ${id} is ${record.status}, not pending approval`);
    }
    const rule = await currentRule(ctx, record);
    if (record.durationSeconds > parseDuration(rule.maxDuration, 'maxDuration')) {
      throw new ConflictError(
        `lease ${id} lasts ${record.duration}, over rule ${rule.id}'s maximum ${rule.maxDuration} now`,
      );
    }
    const at = ctx.now().toISOString();
    const approvals = [...record.approvals, approvalOf(caller, 'APPROVED', at, comment)];
    const completes = quorumReached(approvals, record.requester.userId, required);
    const next =
      record.startAt && Date.parse(record.startAt) > ctx.now().getTime() ? 'SCHEDULED' : 'GRANTING';
    // The decision is recorded first, the task token kept until the workflow has it: when telling
    // the workflow fails, the same approval again (or the next token's arrival) tells it.
    const updated = await ctx.ledger.updateLease(id, {
      from: ['PENDING_APPROVAL'],
      ...(completes ? { status: next } : {}),
      set: { approvals },
      timeline: [
        { at, type: 'APPROVED', actor: caller.userName, ...(comment ? { detail: { comment } } : {}) },
        ...(completes && next === 'SCHEDULED'
          ? [{ at, type: 'SCHEDULED' as const, detail: { startAt: record.startAt } }]
          : []),
      ],
      // Two approvers at once must not both count against the same previous list.
      condition: { expression: 'size(approvals) = :seen', values: { ':seen': record.approvals.length } },
    });
    if (!updated) continue;
    // Release the workflow before anything else: approval → grant latency is what users feel.
    if (completes) await deliverPending(ctx, updated);
    await ctx.events.publish(DetailType.Approved, eventDetail(updated, at, { approver: caller.userName }));
    return publicLease(updated);
  }
  throw new ConflictError(`lease ${id} kept changing while approving it; retry`);
}

/** POST /leases/{id}/reject: any one approver ends the request (or drops a pending extension). */
export async function rejectLease(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<Lease> {
  const { comment } = parseBody(DecisionBody, body);
  for (let attempt = 0; attempt < RACE_ATTEMPTS; attempt++) {
    const { record } = await loadForDecision(ctx, caller, id);
    if (extensionOpen(record)) return rejectExtension(ctx, caller, record, comment);
    const earlier = decisionOf(record.approvals, caller.userId);
    if (earlier) return repeated(ctx, record, earlier, 'REJECTED');
    if (record.status !== 'PENDING_APPROVAL') {
      throw new ConflictError(`lease ${id} is ${record.status}, not pending approval`);
    }
    const at = ctx.now().toISOString();
    const rejected = await ctx.ledger.updateLease(id, {
      status: 'REJECTED',
      from: ['PENDING_APPROVAL'],
      set: { endedAt: at, approvals: [...record.approvals, approvalOf(caller, 'REJECTED', at, comment)] },
      timeline: [
        { at, type: 'REJECTED', actor: caller.userName, ...(comment ? { detail: { comment } } : {}) },
      ],
    });
    if (!rejected) continue;
    await deliverPending(ctx, rejected);
    await ctx.events.publish(DetailType.Rejected, eventDetail(rejected, at, { approver: caller.userName }));
    return publicLease(rejected);
  }
  throw new ConflictError(`lease ${id} kept changing while rejecting it; retry`);
}

/**
 * An approval of a pending extension. The one that completes the quorum reserves the extension in
 * the same write that records it (so two approvers at once cannot both apply it), then hands it
 * to the workflow. Undefined: the record changed meanwhile, decide again.
 */
async function approveExtension(
  ctx: ServiceContext,
  caller: Caller,
  record: LeaseRecord,
  required: number,
  comment?: string,
): Promise<Lease | undefined> {
  const pending = record.pendingExtension;
  const earlier = decisionOf(pending?.approvals ?? [], caller.userId);
  if (record.extension?.approved) {
    if (earlier) return settleExtension(ctx, record.id, record.extension);
    throw new ConflictError(`the extension of lease ${record.id} is already approved`);
  }
  if (!pending) return undefined;
  if (earlier) return publicLease(record);
  const rule = await currentRule(ctx, record);
  const added = parseDuration(pending.duration);
  checkExtension(record, added, extensionRuleOf(rule));
  const at = ctx.now().toISOString();
  const approvals = [...pending.approvals, approvalOf(caller, 'APPROVED', at, comment)];
  const entry = {
    at,
    type: 'APPROVED' as const,
    actor: caller.userName,
    detail: { extension: pending.duration, ...(comment ? { comment } : {}) },
  };
  const completes = quorumReached(approvals, record.requester.userId, required);
  const reservation = completes
    ? reserveExtension(record, added, {
        id: newExtensionId(),
        requesterId: record.requester.userId,
        actor: caller.userName,
        at,
        approved: true,
      })
    : undefined;
  const updated = await ctx.ledger.updateLease(record.id, {
    from: ['ACTIVE'],
    set: { 'pendingExtension.approvals': approvals, ...(reservation ? { extension: reservation } : {}) },
    timeline: [entry],
    condition: {
      expression:
        'size(pendingExtension.approvals) = :seen AND attribute_not_exists(#extension) AND #durationSeconds = :seenSeconds',
      names: { '#extension': 'extension', '#durationSeconds': 'durationSeconds' },
      values: { ':seen': pending.approvals.length, ':seenSeconds': record.durationSeconds },
    },
  });
  if (!updated) return undefined;
  if (!reservation) return publicLease(updated);
  await ctx.events.publish(
    DetailType.Approved,
    eventDetail(record, at, { approver: caller.userName, extension: pending.duration }),
  );
  return settleExtension(ctx, record.id, reservation, updated);
}

/** A rejected extension is dropped; the lease keeps its current expiry. */
async function rejectExtension(ctx: ServiceContext, caller: Caller, record: LeaseRecord, comment?: string) {
  const pending = record.pendingExtension;
  if (!pending || record.extension) {
    throw new ConflictError(`the extension of lease ${record.id} is already approved`);
  }
  if (decisionOf(pending.approvals, caller.userId)) {
    throw new ConflictError(`${caller.userName} already approved the extension of lease ${record.id}`);
  }
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
    condition: {
      expression: 'attribute_exists(pendingExtension) AND attribute_not_exists(#extension)',
      names: { '#extension': 'extension' },
      values: {},
    },
  });
  if (!updated) throw new ConflictError(`lease ${record.id} has no extension waiting any more`);
  await ctx.events.publish(
    DetailType.Rejected,
    eventDetail(record, at, { approver: caller.userName, extension: pending.duration }),
  );
  return publicLease(updated);
}

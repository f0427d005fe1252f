import type { AssignmentCall } from './cloudtrail.ts';
import type { TimelineEntry } from './lease.ts';
import type { LeaseStatus } from './lease-status.ts';

/** What the correlator knows about the deployment when it judges one call. */
export interface CorrelationContext {
  instanceArn: string;
  /** ARN → name of every permission set the policy manages. */
  managed: ReadonlyMap<string, string>;
  /** The roles the tool's own calls are made with (the workflow's, the reconciler's). */
  toolRoleArns: ReadonlySet<string>;
  now: Date;
  /**
   * How long after the call a tool-made record may wait for the ledger writer to store the
   * request id (CloudTrail often arrives first) before the correlator falls back to time.
   */
  graceMs: number;
}

/** A lease of the call's (principal, account, permission set), as the ledger has it now. */
export interface CandidateLease {
  id: string;
  status: LeaseStatus;
  requestedAt: string;
  endedAt?: string;
  preExisting?: boolean;
  createRequestId?: string;
  deleteRequestId?: string;
}

export interface OutOfBandFinding {
  at: string;
  kind: 'OUT_OF_BAND';
  source: 'CLOUDTRAIL';
  accountId: string;
  permissionSet: string;
  principal: { type: 'USER' | 'GROUP'; id: string; userName?: string };
  eventId: string;
  eventName: AssignmentCall['eventName'];
  requestId?: string;
  actor: AssignmentCall['actor'];
}

export type Correlation =
  | { kind: 'ignore'; reason: string }
  /** The ledger does not know the call's lease yet: deliver the record again later. */
  | { kind: 'retry'; reason: string }
  | { kind: 'timeline'; leaseId: string; entry: TimelineEntry; matchedBy: 'requestId' | 'window' }
  | { kind: 'drift'; key: string; finding: OutOfBandFinding };

/** Whether a call can concern the tool at all; checked before the ledger is read. */
export function screen(call: AssignmentCall, ctx: CorrelationContext): Correlation | null {
  if (call.instanceArn !== ctx.instanceArn)
    return { kind: 'ignore', reason: 'another Identity Center instance' };
  if (!ctx.managed.has(call.permissionSetArn))
    return { kind: 'ignore', reason: 'a permission set the policy does not manage' };
  return null;
}

const entryOf = (call: AssignmentCall, matchedBy: 'requestId' | 'window'): TimelineEntry => ({
  at: call.eventTime,
  type: 'CLOUDTRAIL_EVENT',
  detail: {
    eventName: call.eventName,
    eventId: call.eventId,
    ...(call.requestId ? { requestId: call.requestId } : {}),
    ...(matchedBy === 'window' ? { matchedBy } : {}),
  },
});

/** A lease whose life covers the call and that could have made it (a joiner never creates). */
const couldHaveMade = (lease: CandidateLease, call: AssignmentCall): boolean => {
  const at = Date.parse(call.eventTime);
  if (Date.parse(lease.requestedAt) > at) return false;
  if (lease.endedAt && Date.parse(lease.endedAt) < at) return false;
  return call.eventName === 'DeleteAccountAssignment' || lease.preExisting !== true;
};

/**
 * Decides what one assignment call means. A request id the ledger recorded is proof the tool made
 * it. A call by the tool's own role is never drift, even before its lease records the request id:
 * it waits `graceMs` for that, then attaches to the one lease whose life covers the call, if any.
 * Anything else on a managed permission set is out-of-band drift.
 */
export function correlate(
  call: AssignmentCall,
  candidates: readonly CandidateLease[],
  ctx: CorrelationContext,
): Correlation {
  const screened = screen(call, ctx);
  if (screened) return screened;
  const create = call.eventName === 'CreateAccountAssignment';
  const byRequest = call.requestId
    ? candidates.find((l) => (create ? l.createRequestId : l.deleteRequestId) === call.requestId)
    : undefined;
  if (byRequest)
    return {
      kind: 'timeline',
      leaseId: byRequest.id,
      entry: entryOf(call, 'requestId'),
      matchedBy: 'requestId',
    };

  if (call.issuerArn && ctx.toolRoleArns.has(call.issuerArn)) {
    if (ctx.now.getTime() - Date.parse(call.eventTime) < ctx.graceMs)
      return { kind: 'retry', reason: 'no lease has recorded this request id yet' };
    const covering = candidates.filter((l) => couldHaveMade(l, call));
    const only = covering.length === 1 ? covering[0] : undefined;
    if (only)
      return { kind: 'timeline', leaseId: only.id, entry: entryOf(call, 'window'), matchedBy: 'window' };
    return {
      kind: 'ignore',
      reason: `the tool's own call; ${covering.length} leases cover its time, none recorded its request id`,
    };
  }

  return {
    kind: 'drift',
    key: `OUT_OF_BAND#CLOUDTRAIL#${call.eventId}`,
    finding: {
      at: call.eventTime,
      kind: 'OUT_OF_BAND',
      source: 'CLOUDTRAIL',
      accountId: call.accountId,
      permissionSet: ctx.managed.get(call.permissionSetArn) as string,
      principal: call.principal,
      eventId: call.eventId,
      eventName: call.eventName,
      ...(call.requestId ? { requestId: call.requestId } : {}),
      actor: call.actor,
    },
  };
}

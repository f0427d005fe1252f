import { addSeconds } from './duration.ts';
import type { Failure, TimelineEntry } from './lease.ts';
import { DetailType, type EndReason, type LeaseStatus } from './lease-status.ts';

/** An event the workflow put on the bus, as EventBridge delivers it. */
export interface EngineEvent {
  id: string;
  'detail-type': string;
  detail: Record<string, unknown> & { leaseId: string; at: string };
}

/** How one workflow event changes the lease record. Applied by the ledger writer. */
export interface LedgerChange {
  status?: LeaseStatus;
  /** The statuses from which `status` may be entered; events can arrive out of order. */
  from?: readonly LeaseStatus[];
  set: Record<string, unknown>;
  remove: string[];
  timeline: TimelineEntry[];
  /** Store this task token (approval or hold) server-side. */
  token?: { value: string; for: 'APPROVAL' | 'HOLD' };
  /** The lease deleted the assignment (or never marked it): clear its `deleting` mark and the evidence. */
  releaseTuple: boolean;
  /** The lease's own create was reported SUCCEEDED: the tuple records that the tool created it. */
  created?: { requestId?: string };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Step Functions writes `2026-01-01T10:00:00.123456+00:00`; the ledger keeps one sortable form. */
const iso = (v: unknown): string | undefined => {
  const s = str(v);
  return s && !Number.isNaN(Date.parse(s)) ? new Date(s).toISOString() : s;
};

/** Step Functions' Catch output `{Error, Cause}`; Cause is often a JSON string from the service. */
const errorOf = (v: unknown): { error: string; cause: string } => {
  const e = (v ?? {}) as { Error?: unknown; Cause?: unknown };
  return { error: str(e.Error) ?? 'Unknown', cause: str(e.Cause) ?? '' };
};

const endReasonOf = (end: unknown): EndReason =>
  errorOf(end).error === 'States.Timeout' ? 'EXPIRED' : 'REVOKED';

const change = (partial: Partial<LedgerChange>): LedgerChange => ({
  set: {},
  remove: [],
  timeline: [],
  releaseTuple: false,
  ...partial,
});

/** Returns null for events the API records itself (requested, approved, rejected) and unknown ones. */
export function project(event: EngineEvent): LedgerChange | null {
  const d = event.detail;
  // The reconciler records its own endings before it announces them.
  if (d.recordedBy === 'reconciler') return null;
  const at = iso(d.at) as string;
  const requestId = str(d.requestId);
  switch (event['detail-type']) {
    case DetailType.ApprovalRequested:
      // Without a task token it is the API asking approvers to extend a lease: recorded already.
      if (!str(d.taskToken)) return null;
      return change({
        timeline: [{ at, type: 'APPROVAL_REQUESTED' }],
        token: str(d.taskToken) ? { value: d.taskToken as string, for: 'APPROVAL' } : undefined,
      });
    case DetailType.ApprovalTimedOut:
      return change({
        status: 'APPROVAL_TIMED_OUT',
        // The workflow is the authority: an approval that raced the timeout moved the record on
        // (GRANTING or SCHEDULED) but never reached the workflow.
        from: ['PENDING_APPROVAL', 'GRANTING', 'SCHEDULED'],
        set: { endedAt: at },
        remove: ['taskToken', 'tokenFor'],
        timeline: [{ at, type: 'APPROVAL_TIMED_OUT' }],
      });
    case DetailType.Activated: {
      const expiresAt = str(d.expiresAt) ?? addSeconds(at, Number(d.holdSeconds));
      // The workflow activates a lease that created the assignment only after Identity Center
      // reported its create SUCCEEDED: that is the evidence of ownership (core/ownership.ts).
      const preExisting = d.preExisting !== false;
      const grantStartedAt = iso(d.grantStartedAt) ?? at;
      return change({
        status: 'ACTIVE',
        from: ['PENDING_APPROVAL', 'SCHEDULED', 'GRANTING'],
        set: {
          grantedAt: at,
          expiresAt,
          'assignment.preExisting': preExisting,
          ...(requestId ? { 'assignment.createRequestId': requestId } : {}),
        },
        timeline: [
          { at: grantStartedAt, type: 'GRANT_STARTED', ...(requestId ? { detail: { requestId } } : {}) },
          { at, type: 'ACTIVATED', detail: { preExisting, expiresAt } },
        ],
        token: str(d.taskToken) ? { value: d.taskToken as string, for: 'HOLD' } : undefined,
        ...(preExisting ? {} : { created: requestId ? { requestId } : {} }),
      });
    }
    case DetailType.Extended:
      // The API wrote EXTENDED and the new expiry when it asked; this only carries the new token.
      return change({
        set: { expiresAt: str(d.expiresAt) ?? addSeconds(at, Number(d.holdSeconds)) },
        token: str(d.taskToken) ? { value: d.taskToken as string, for: 'HOLD' } : undefined,
      });
    case DetailType.Ended: {
      const revokeStartedAt = iso(d.revokeStartedAt);
      return change({
        status: 'ENDED',
        // Whatever the record says, an ended workflow ended the lease (events can overtake).
        from: ['PENDING_APPROVAL', 'SCHEDULED', 'GRANTING', 'ACTIVE', 'REVOKING'],
        set: {
          endReason: endReasonOf(d.end),
          endedAt: at,
          ...(requestId ? { 'assignment.deleteRequestId': requestId } : {}),
        },
        remove: ['taskToken', 'tokenFor'],
        timeline: [
          ...(revokeStartedAt
            ? [{ at: revokeStartedAt, type: 'REVOKE_STARTED' as const, detail: { requestId } }]
            : []),
          { at, type: 'ENDED', detail: { endReason: endReasonOf(d.end) } },
        ],
        releaseTuple: true,
      });
    }
    case DetailType.Failed: {
      const outcome = (d.failure ?? {}) as { stage?: unknown; error?: unknown };
      const { error, cause } = errorOf(outcome.error);
      const failure: Failure = { stage: str(outcome.stage) ?? 'GRANT', error, cause };
      return change({
        status: 'FAILED',
        from: ['PENDING_APPROVAL', 'SCHEDULED', 'GRANTING', 'ACTIVE', 'REVOKING'],
        set: {
          failure,
          endedAt: at,
          ...(requestId ? { 'assignment.deleteRequestId': requestId } : {}),
          // A create that was answered: the reconciler looks it up by this id.
          ...(str(d.createRequestId) ? { 'assignment.createRequestId': d.createRequestId } : {}),
        },
        remove: ['taskToken', 'tokenFor'],
        timeline: [{ at, type: 'FAILED', detail: { ...failure } }],
        releaseTuple: true,
      });
    }
    case DetailType.RevocationFailed: {
      const { error, cause } = errorOf(d.error);
      const failure: Failure = { stage: 'REVOKE', error, cause };
      // The tuple stays marked as being deleted by this lease: the reconciler finishes the job.
      return change({
        status: 'FAILED',
        from: ['ACTIVE', 'REVOKING', 'GRANTING'],
        set: { failure, ...(requestId ? { 'assignment.deleteRequestId': requestId } : {}) },
        remove: ['taskToken', 'tokenFor'],
        timeline: [{ at, type: 'FAILED', detail: { ...failure } }],
      });
    }
    default:
      return null;
  }
}

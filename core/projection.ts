import { addSeconds } from './duration.ts';
import type { Failure, TimelineEntry } from './lease.ts';
import { DetailType, type EndReason, type LeaseStatus } from './lease-status.ts';
import { FINISHED_RANK, TOKEN_ATTRIBUTES, type TokenFor, tokenRank } from './lease-token.ts';

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
  /** Store this task token (approval or hold) server-side, unless a newer one is (`core/lease-token.ts`). */
  token?: { value: string; for: 'APPROVAL' | 'HOLD'; rank?: number };
  /** The hold took this reserved extension (`core/extension.ts`): finalise it on the record. */
  extensionId?: string;
  /** The lease deleted the assignment (or never marked it): clear its `deleting` mark and the evidence. */
  releaseTuple: boolean;
  /** The lease's own create was reported SUCCEEDED: the tuple records that the tool created it. */
  created?: { requestId?: string };
  /**
   * What makes the projection apply once. Each workflow event happens once per execution (an
   * extension once per extension), but a state whose PutEvents was retried puts one event per
   * attempt, each with its own id: keyed by the event id alone, a retried hold would be ACTIVATED
   * twice. The token of every attempt still goes through the token's own rank check.
   */
  key: string;
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

const count = (v: unknown): number | undefined =>
  Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : undefined;

/**
 * The token a waiting state's event carries, ranked by its hold period and attempt. Events of an
 * execution started before the workflow sent those (no `tokenAttempt`) carry an unranked token.
 */
const tokenOf = (d: Record<string, unknown>, kind: TokenFor): LedgerChange['token'] => {
  const value = str(d.taskToken);
  if (!value) return undefined;
  const attempt = count(d.tokenAttempt);
  const extensions = kind === 'HOLD' ? count(d.extensions) : 0;
  if (attempt === undefined || extensions === undefined) return { value, for: kind };
  return { value, for: kind, rank: tokenRank({ for: kind, extensions, attempt }) };
};

/** A finished lease takes no task token any more, however late an event brings one. */
const FINISHED = { tokenRank: FINISHED_RANK };

const change = (partial: Partial<LedgerChange>): Omit<LedgerChange, 'key'> => ({
  set: {},
  remove: [],
  timeline: [],
  releaseTuple: false,
  ...partial,
});

/** Returns null for events the API records itself (requested, approved, rejected) and unknown ones. */
export function project(event: EngineEvent): LedgerChange | null {
  const projected = projectFacts(event);
  if (!projected) return null;
  const type = event['detail-type'];
  const key = projected.extensionId ? `workflow:${type}#${projected.extensionId}` : `workflow:${type}`;
  return { ...projected, key };
}

function projectFacts(event: EngineEvent): Omit<LedgerChange, 'key'> | null {
  const d = event.detail;
  // The reconciler records its own endings before it announces them.
  if (d.recordedBy === 'reconciler') return null;
  const at = iso(d.at) as string;
  const requestId = str(d.requestId);
  switch (event['detail-type']) {
    case DetailType.ApprovalRequested:
      // Without a task token it is the API asking approvers to extend a lease: recorded already.
      if (!str(d.taskToken)) return null;
      return change({ timeline: [{ at, type: 'APPROVAL_REQUESTED' }], token: tokenOf(d, 'APPROVAL') });
    case DetailType.ApprovalTimedOut:
      return change({
        status: 'APPROVAL_TIMED_OUT',
        // The workflow is the authority: an approval that raced the timeout moved the record on
        // (GRANTING or SCHEDULED, then perhaps REVOKING) but never reached the workflow.
        from: ['PENDING_APPROVAL', 'GRANTING', 'SCHEDULED', 'REVOKING'],
        set: { endedAt: at, ...FINISHED },
        remove: [...TOKEN_ATTRIBUTES],
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
        token: tokenOf(d, 'HOLD'),
        ...(preExisting ? {} : { created: requestId ? { requestId } : {} }),
      });
    }
    case DetailType.Extended:
      // The hold took a reserved extension: the writer finalises the reservation it names (the
      // API may have done so already) and keeps the new token.
      return change({ token: tokenOf(d, 'HOLD'), extensionId: str(d.extensionId) });
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
          ...FINISHED,
        },
        remove: [...TOKEN_ATTRIBUTES],
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
          ...FINISHED,
        },
        remove: [...TOKEN_ATTRIBUTES],
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
        set: { failure, ...(requestId ? { 'assignment.deleteRequestId': requestId } : {}), ...FINISHED },
        remove: [...TOKEN_ATTRIBUTES],
        timeline: [{ at, type: 'FAILED', detail: { ...failure } }],
      });
    }
    default:
      return null;
  }
}

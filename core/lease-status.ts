import * as z from 'zod/mini';
import './zod-locale.ts';

/** Lease statuses, timeline entry types and event names, exactly as the CONTRACT spells them. */

export const LEASE_STATUSES = [
  'PENDING_APPROVAL',
  'SCHEDULED',
  'GRANTING',
  'ACTIVE',
  'REVOKING',
  'ENDED',
  'REJECTED',
  'CANCELLED',
  'APPROVAL_TIMED_OUT',
  'FAILED',
] as const;
export const LeaseStatusSchema = z.enum(LEASE_STATUSES);
export type LeaseStatus = z.infer<typeof LeaseStatusSchema>;

export const END_REASONS = ['EXPIRED', 'REVOKED'] as const;
export const EndReasonSchema = z.enum(END_REASONS);
export type EndReason = z.infer<typeof EndReasonSchema>;

export const TERMINAL: ReadonlySet<LeaseStatus> = new Set<LeaseStatus>([
  'ENDED',
  'REJECTED',
  'CANCELLED',
  'APPROVAL_TIMED_OUT',
  'FAILED',
]);

export const isTerminal = (status: LeaseStatus): boolean => TERMINAL.has(status);

/**
 * The lifecycle. ACTIVE -> ACTIVE is an extension. GRANTING -> REVOKING covers a revoke that
 * arrives while the create call is still in flight; SCHEDULED -> REVOKING a withdrawal that comes
 * after the workflow claimed the start (`startClaimedAt`): from then on the grant is under way and
 * only a revoke ends it, which the ledger writer hands the hold as soon as it begins. Terminal statuses have no way out here: the
 * reconciler's FAILED -> ENDED cleanup is a separate, deliberate path (`canReconcilerEnd`).
 */
const TRANSITIONS: Readonly<Record<LeaseStatus, readonly LeaseStatus[]>> = {
  PENDING_APPROVAL: ['SCHEDULED', 'GRANTING', 'REJECTED', 'CANCELLED', 'APPROVAL_TIMED_OUT', 'FAILED'],
  SCHEDULED: ['GRANTING', 'CANCELLED', 'REVOKING', 'FAILED'],
  GRANTING: ['ACTIVE', 'FAILED', 'REVOKING'],
  ACTIVE: ['ACTIVE', 'REVOKING', 'ENDED', 'FAILED'],
  REVOKING: ['ENDED', 'FAILED'],
  ENDED: [],
  REJECTED: [],
  CANCELLED: [],
  APPROVAL_TIMED_OUT: [],
  FAILED: [],
};

export function canTransition(from: LeaseStatus, to: LeaseStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a lease may be in for the API to move it to `to` (the ledger write's condition). */
export const sourcesOf = (to: LeaseStatus): LeaseStatus[] =>
  LEASE_STATUSES.filter((from) => canTransition(from, to));

const RECONCILER_ENDABLE: ReadonlySet<LeaseStatus> = new Set<LeaseStatus>([
  'ACTIVE',
  'GRANTING',
  'REVOKING',
  'FAILED',
]);

/**
 * Whether the reconciler may mark a lease ENDED after removing its assignment itself. FAILED is
 * included because a failed grant or revoke may still have left an assignment behind.
 */
export function canReconcilerEnd(status: LeaseStatus): boolean {
  return RECONCILER_ENDABLE.has(status);
}

export const TIMELINE_TYPES = [
  'REQUESTED',
  'APPROVAL_REQUESTED',
  'APPROVED',
  'REJECTED',
  'APPROVAL_TIMED_OUT',
  'CANCELLED',
  'SCHEDULED',
  'GRANT_STARTED',
  'ACTIVATED',
  'EXTENDED',
  'REVOKE_REQUESTED',
  'REVOKE_STARTED',
  'ENDED',
  'FAILED',
  'SESSIONS_ENDED',
  'CLOUDTRAIL_EVENT',
] as const;
export const TimelineTypeSchema = z.enum(TIMELINE_TYPES);
export type TimelineType = z.infer<typeof TimelineTypeSchema>;

export const EVENT_SOURCE = 'idc-lease';

export const DetailType = {
  Requested: 'Lease Requested',
  ApprovalRequested: 'Lease Approval Requested',
  Approved: 'Lease Approved',
  Rejected: 'Lease Rejected',
  ApprovalTimedOut: 'Lease Approval Timed Out',
  Activated: 'Lease Activated',
  Extended: 'Lease Extended',
  Ended: 'Lease Ended',
  Failed: 'Lease Failed',
  RevocationFailed: 'Lease Revocation Failed',
  DriftDetected: 'Assignment Drift Detected',
} as const;
export type DetailTypeName = (typeof DetailType)[keyof typeof DetailType];

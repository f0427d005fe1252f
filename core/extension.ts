import { addSeconds, formatDuration, secondsUntil } from './duration.ts';
import { ConflictError, ValidationError } from './errors.ts';
import type { LeaseRecord, TimelineEntry } from './lease.ts';

/**
 * Extending a lease (issue 10): the arithmetic, pure. An extension is first reserved on the lease
 * record with one conditional write (so concurrent extensions cannot all pass the maximum against
 * the same record), then handed to the workflow's Hold as a new period, then finalised once the
 * workflow has it: by the API when SendTaskSuccess answers, or by the ledger writer when the
 * `Lease Extended` event that names the reservation arrives (the answer may have been lost).
 */

/** What the Hold state waits with; an extension sends a new one as the task's output. */
export interface HoldPeriod {
  eventType: 'Lease Activated' | 'Lease Extended';
  seconds: number;
  expiresAt: string | null;
  /** Names the extension this period applies (null for the first period): its event says it arrived. */
  extensionId: string | null;
  /** How many extensions the lease has had, this one included; orders the Hold's task tokens. */
  extensions: number;
}

/** An extension reserved on the lease record, everything the finalisation needs to apply it. */
export interface ExtensionReservation {
  id: string;
  /** The requester who asked for it; a retry of theirs resumes this reservation. */
  requesterId: string;
  addedSeconds: number;
  /** The lease's total duration once applied. */
  durationSeconds: number;
  /** The new expiry: the current one plus `addedSeconds`. */
  expiresAt: string;
  /** The lease's count of extensions once applied; the period's `extensions`. */
  extensions: number;
  reservedAt: string;
  /** Who the EXTENDED entry names: the requester, or the approver whose approval completed it. */
  actor: string;
  /** It came from a pending extension that its approvers approved. */
  approved: boolean;
}

export interface ExtensionRule {
  id: string;
  maxDuration: string;
  maxDurationSeconds: number;
  maxExtensions: number;
}

type Extendable = Pick<LeaseRecord, 'id' | 'durationSeconds' | 'expiresAt' | 'extensions'>;

/**
 * Checks an extension of `addedSeconds` against the rule as it is now: the total within
 * `maxDuration` (400 naming `duration`), the count within `maxExtensions` (409).
 */
export function checkExtension(lease: Extendable, addedSeconds: number, rule: ExtensionRule): void {
  const total = lease.durationSeconds + addedSeconds;
  if (total > rule.maxDurationSeconds) {
    throw new ValidationError(
      'duration',
      `the lease would last ${formatDuration(total)}, over the maximum ${rule.maxDuration} of rule ${rule.id}`,
    );
  }
  const done = lease.extensions ?? 0;
  if (done >= rule.maxExtensions) {
    throw new ConflictError(
      `lease ${lease.id} has had ${done} extension${done === 1 ? '' : 's'}, the most rule ${rule.id} allows (maxExtensions ${rule.maxExtensions})`,
    );
  }
}

/** The reservation of an extension that `checkExtension` accepted. */
export function reserveExtension(
  lease: Extendable,
  addedSeconds: number,
  by: { id: string; requesterId: string; actor: string; at: string; approved: boolean },
): ExtensionReservation {
  if (!lease.expiresAt) throw new ConflictError(`lease ${lease.id} has no expiry yet; retry shortly`);
  return {
    id: by.id,
    requesterId: by.requesterId,
    addedSeconds,
    durationSeconds: lease.durationSeconds + addedSeconds,
    expiresAt: addSeconds(lease.expiresAt, addedSeconds),
    extensions: (lease.extensions ?? 0) + 1,
    reservedAt: by.at,
    actor: by.actor,
    approved: by.approved,
  };
}

/** The period SendTaskSuccess hands the Hold; its timeout counts from the moment it is sent. */
export const holdPeriodOf = (reservation: ExtensionReservation, now: Date): HoldPeriod => ({
  eventType: 'Lease Extended',
  seconds: Math.max(1, secondsUntil(reservation.expiresAt, now)),
  expiresAt: reservation.expiresAt,
  extensionId: reservation.id,
  extensions: reservation.extensions,
});

/**
 * The Hold token generation a reservation may be sent on: the period before it. A token of any
 * later period belongs to a Hold that already took this extension (sending it there would apply
 * it twice); an earlier one is dead.
 */
export const generationFor = (reservation: ExtensionReservation): number => reservation.extensions - 1;

/** The record shows the reservation applied (by whichever of API and ledger writer came first). */
export const isApplied = (lease: Pick<LeaseRecord, 'extensions'>, reservation: ExtensionReservation) =>
  (lease.extensions ?? 0) >= reservation.extensions;

export const extendedEntry = (reservation: ExtensionReservation, at: string): TimelineEntry => ({
  at,
  type: 'EXTENDED',
  actor: reservation.actor,
  detail: { added: formatDuration(reservation.addedSeconds), expiresAt: reservation.expiresAt },
});

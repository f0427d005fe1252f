import { type CreationReport, type OwnershipEvidence, ownership } from './ownership.ts';

/** One (principal, account, permission set) as the reconciler sees it. */
export interface ObservedTuple {
  /** The assignment exists in Identity Center right now (the pair's listing was complete). */
  readonly assigned: boolean;
  readonly evidence: OwnershipEvidence;
  readonly holders: readonly string[];
  /** The lease (or reconciler run) that marked the assignment as being deleted. */
  readonly deleting?: string;
}

/** What the reconciler found out about the leases and requests a tuple names. */
export interface TupleFacts {
  /** The lease's execution is RUNNING and the lease not terminal: it will act on the tuple itself. */
  alive(leaseId: string): boolean;
  /** The deleter's deletion is known to have SUCCEEDED (its execution ended cleanly, or Identity Center says so). */
  readonly deletionDone: boolean;
  /** The creator's create, when the evidence needs it (`needsCreationReport`). */
  readonly creation?: CreationReport;
}

/** What to do with one tuple. Ledger tidying comes with every verdict; only `remove` deletes. */
export interface Verdict {
  /** The tool owns the assignment and nobody alive holds or deletes it: delete it. */
  readonly remove: boolean;
  /** An assignment the tool does not own: report it, never touch it. */
  readonly outOfBand: boolean;
  /** Holders whose lease can no longer release the tuple. */
  readonly deadHolders: string[];
  /** A deletion mark of a lease (or run) that is over. */
  readonly staleDeleter?: string;
  /** The evidence describes an assignment that no longer exists, or a create that did not succeed. */
  readonly forgetEvidence: boolean;
  /** Identity Center reported the creator's create SUCCEEDED: record it as the tool's. */
  readonly recordCreated: boolean;
}

/** A live lease still holds or deletes the tuple: it will act on it itself, the reconciler must not. */
export const liveActor = (
  tuple: Pick<ObservedTuple, 'holders' | 'deleting'>,
  alive: (id: string) => boolean,
) => tuple.holders.some(alive) || (tuple.deleting !== undefined && alive(tuple.deleting));

const hasEvidence = (e: OwnershipEvidence) => e.creator !== undefined || e.createdBy !== undefined;

/**
 * Decides one tuple. Never removes what the tool does not own (`core/ownership.ts`); never acts
 * while a live lease holds or deletes the tuple; an undetermined create is left for a later run.
 */
export function judge(tuple: ObservedTuple, facts: TupleFacts): Verdict {
  const deadHolders = tuple.holders.filter((id) => !facts.alive(id));
  const quiet = { remove: false, outOfBand: false, deadHolders, forgetEvidence: false, recordCreated: false };
  if (liveActor(tuple, facts.alive)) return quiet;
  const staleDeleter = tuple.deleting !== undefined ? { staleDeleter: tuple.deleting } : {};

  if (tuple.deleting !== undefined && facts.deletionDone) {
    // The tool's own assignment is gone; whatever is assigned now came from somebody else.
    return {
      ...quiet,
      ...staleDeleter,
      outOfBand: tuple.assigned,
      forgetEvidence: hasEvidence(tuple.evidence),
    };
  }
  const owner = ownership(tuple.evidence, facts.creation);
  if (owner === 'UNDETERMINED') return quiet;
  // Found out only now: the create may have completed after the listing was read, so an absent
  // assignment proves nothing yet; the evidence is kept (recorded) for the next run.
  const justLearned = owner === 'OWNED' && !tuple.evidence.createdBy;
  if (tuple.assigned) {
    if (owner === 'OWNED') return { ...quiet, ...staleDeleter, remove: true };
    return {
      ...quiet,
      ...staleDeleter,
      outOfBand: tuple.evidence.standing !== true,
      // A create that is known not to have succeeded makes no claim on this assignment.
      forgetEvidence: hasEvidence(tuple.evidence),
    };
  }
  if (justLearned) return { ...quiet, recordCreated: true };
  return { ...quiet, ...staleDeleter, forgetEvidence: hasEvidence(tuple.evidence) };
}

export interface Finding {
  accountId: string;
  permissionSet: string;
  principal: { type: 'USER'; id: string; userName?: string };
}

/** `POST /admin/reconcile`'s answer (CONTRACT), with the tuples the sweep could not settle. */
export interface ReconcileReport {
  checkedAssignments: number;
  /** `requestId` absent: the assignment was already gone when deleted (a delete whose answer was lost). */
  removed: (Finding & { leaseIds: string[]; requestId?: string })[];
  outOfBand: Finding[];
  /** One tuple's (or one listing's) failure, reported instead of stopping the sweep. */
  failed: (Partial<Finding> & { stage: string; error: string; message: string })[];
}

/**
 * What the deployed API sends when an admin asks for a run. It is not an EventBridge event, so it
 * can never be confused with one a rule delivers.
 */
export const API_TRIGGER = { trigger: 'api' } as const;

/**
 * How long the lease workflow keeps trying before it gives up, as counts of its 2-second polls
 * and of the listing pages it reads. Every loop of `statemachines/lease.asl.json` is bounded by
 * one of these (`statemachines/history-budget.ts` proves it), so no execution can poll forever or
 * grow towards Step Functions' 25,000-event history limit.
 */
export interface WorkflowLimits {
  /** Polls of a creation still IN_PROGRESS before the lease fails (the reconciler is the backstop). */
  readonly creationPolls: number;
  /** Polls of a deletion still IN_PROGRESS before the revocation is handed to the reconciler. */
  readonly deletionPolls: number;
  /** Polls of a joined lease waiting for the first holder's assignment to appear. */
  readonly joinPolls: number;
  /** Rounds of waiting for another lease's deletion of the same tuple to finish. */
  readonly tuplePolls: number;
  /**
   * Rounds of waiting, as the last holder of an assignment another lease created, for the record
   * that its create SUCCEEDED (`createdBy`, written by the ledger writer from that lease's
   * activation) before releasing it to the reconciler instead of deleting it.
   */
  readonly evidencePolls: number;
  /** Listing pages (100 assignments each) one execution may read in all. */
  readonly listPages: number;
}

/**
 * Identity Center usually completes an assignment within seconds; two minutes of polls (2 s apart;
 * 5 s for another lease's deletion) leave room for a slow day without holding a lease hostage; half
 * a minute (5 s apart) covers a ledger writer retrying its write a few times; and
 * 50 pages are 5,000 assignments of one permission set on one account. Together they keep the worst
 * execution's history well below the limit (`test/unit/history-budget.test.ts`).
 */
export const DEFAULT_WORKFLOW_LIMITS: WorkflowLimits = {
  creationPolls: 60,
  deletionPolls: 60,
  joinPolls: 60,
  tuplePolls: 24,
  evidencePolls: 6,
  listPages: 50,
};

export const validateWorkflowLimits = (limits: WorkflowLimits): WorkflowLimits => {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1 || value > 1000)
      throw new RangeError(`workflow limit ${name} must be a whole number from 1 to 1000, got ${value}`);
  }
  return limits;
};

/** A scheduled start further out than this is more likely a typo than a plan. */
export const MAX_SCHEDULE_AHEAD_SECONDS = 90 * 86_400;

/** The lease workflow's own `TimeoutSeconds` (Step Functions allows a Standard execution one year). */
export const EXECUTION_TIMEOUT_SECONDS = 364 * 86_400;

/** Room a lease's life leaves in its execution for the grant and revoke loops, and for the unexpected. */
export const EXECUTION_MARGIN_SECONDS = 7 * 86_400;

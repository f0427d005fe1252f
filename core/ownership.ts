/**
 * Whose is an assignment? The tool may delete only an assignment it has positive evidence it
 * created. Inferring ownership from the absence of other facts (no holders, not standing) is how a
 * failed lease once made an administrator's later, direct assignment look like the tool's.
 *
 * The evidence, on the tuple's ledger item:
 * - `creator`: the lease that took the tuple to create the assignment (the workflow's Acquire), so
 *   a create the tool *asked for* can always be looked up, even when its answer was lost; a creator
 *   that gave up without knowing its create's outcome leaves `creationPending`, and no new creator
 *   takes the tuple until the reconciler has settled it (a late create stays the tool's);
 * - `createdBy`: that create was reported SUCCEEDED (recorded by the ledger writer from the
 *   lease's activation, or by the reconciler once it has looked it up);
 * - `standing`: the user already had the assignment when a lease first held it.
 * A create that Identity Center reports FAILED, or that never reached it, leaves no ownership.
 * The evidence is cleared when the tool deletes the assignment, and when a new creator acquires
 * the tuple (the assignment was then verified absent).
 */

export interface OwnershipEvidence {
  readonly standing?: boolean;
  readonly creator?: string;
  readonly createdBy?: string;
}

/**
 * What Identity Center says of the creator's create when nothing was recorded: by its request id
 * when the lease knows it, else from the creation requests for the tuple made while the creator
 * lived (Identity Center's creation-status list, or CloudTrail). `NONE`: no such request exists.
 */
export type CreationReport = 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS' | 'NONE';

export type Ownership = 'OWNED' | 'NOT_OWNED' | 'UNDETERMINED';

/**
 * The one ownership rule. `report` is looked up only when the evidence needs it (see
 * `needsCreationReport`); without one an unrecorded create is UNDETERMINED: never deleted, never
 * reported as drift, looked at again later.
 */
export function ownership(evidence: OwnershipEvidence, report?: CreationReport): Ownership {
  if (evidence.standing === true) return 'NOT_OWNED';
  if (evidence.createdBy) return 'OWNED';
  if (!evidence.creator) return 'NOT_OWNED';
  if (report === 'SUCCEEDED') return 'OWNED';
  if (report === 'FAILED' || report === 'NONE') return 'NOT_OWNED';
  return 'UNDETERMINED';
}

export const needsCreationReport = (evidence: OwnershipEvidence): boolean =>
  evidence.standing !== true && !evidence.createdBy && evidence.creator !== undefined;

/**
 * The workflow's release follows the same rule with what an execution can see: the tuple's
 * recorded evidence, or its own create reported SUCCEEDED (`$.grant.poll.status`). Anything less
 * (an unanswered or stuck create) is UNDETERMINED for the workflow: it releases without deleting
 * and leaves the decision to the reconciler, which can look the create up.
 */
export const ownedAtRelease = (evidence: OwnershipEvidence, ownCreate: CreationReport | undefined): boolean =>
  ownership(evidence, ownCreate === 'SUCCEEDED' ? 'SUCCEEDED' : undefined) === 'OWNED';

/**
 * `ownedAtRelease` in DynamoDB's condition language, as the ASL's ReleaseLast writes it (a test
 * holds the two together). `guard` is false on every tuple item, so `guard <> :created` holds
 * exactly when the lease's own create SUCCEEDED; standing access is never released as ours; the
 * last clause accepts the lease's own earlier write when a retry follows a committed one.
 */
export const RELEASE_LAST_CONDITION =
  '(holders = :me AND standing = :false AND (attribute_exists(createdBy) OR guard <> :created)) OR deleting = :id';

/**
 * When ReleaseLast's condition fails, whether it failed only for want of the evidence: this lease
 * is the last holder of an assignment another lease created (`creator`), whose SUCCEEDED create is
 * not recorded yet (`createdBy` comes from that lease's activation, through the ledger writer) and
 * is not in doubt (`creationPending`). Then the release waits for the record (bounded by
 * `evidencePolls`) and tries ReleaseLast again, instead of leaving the deletion to the reconciler.
 * The ASL's probe (LastWithoutEvidence) writes nothing it would not already hold: `REMOVE` of an
 * attribute no tuple has, under this condition (a test holds the two together).
 */
export const LAST_WITHOUT_EVIDENCE_CONDITION =
  'holders = :me AND standing = :false AND attribute_exists(creator) AND attribute_not_exists(createdBy) AND attribute_not_exists(creationPending) AND attribute_not_exists(deleting)';

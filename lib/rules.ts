import { ASSIGNMENT_EVENT_NAMES } from '../core/assignment-events.ts';
import { DetailType, EVENT_SOURCE } from '../core/lease-status.ts';

/**
 * The EventBridge rules the stack deploys, as plain data with no CDK in it: the constructs in
 * `lib/` and the local runtime (`local/provision.ts`) both build their rules from here, so the
 * emulator routes exactly the events that AWS will.
 */

/** Every lease event reaches the ledger writer, which projects it into the lease record. */
export const ledgerWriterPattern = { source: [EVENT_SOURCE] };

/**
 * What the bus's archive keeps: every lease event but the three that carry a task token (the
 * workflow's waiting states). A token answers the workflow, so it is no record to keep for a year;
 * those events' facts are in the lease's hash-chained timeline. Replaying the archive replays no token.
 */
export const archivePattern = { source: [EVENT_SOURCE], detail: { taskToken: [{ exists: false }] } };

/** The execution statuses after which no workflow step will ever revoke: the reconciler's cue. */
export const EXECUTION_ENDED_STATUSES = ['ABORTED', 'FAILED', 'TIMED_OUT'] as const;

/** Step Functions' own status-change events (default bus) for this stack's lease workflow. */
export const executionEndedPattern = (stateMachineArn: string) => ({
  source: ['aws.states'],
  'detail-type': ['Step Functions Execution Status Change'],
  detail: { status: [...EXECUTION_ENDED_STATUSES], stateMachineArn: [stateMachineArn] },
});

/** A revocation the workflow could not finish: operators hear of it at once. */
export const revocationFailedPattern = {
  source: [EVENT_SOURCE],
  'detail-type': [DetailType.RevocationFailed],
};

/**
 * Identity Center's CloudTrail records of assignment calls, which CloudTrail delivers to the
 * default bus of the instance's home region: the correlator's input.
 */
export const cloudTrailAssignmentPattern = {
  source: ['aws.sso'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: { eventSource: ['sso.amazonaws.com'], eventName: [...ASSIGNMENT_EVENT_NAMES] },
};

/**
 * A lease's end (and a failure after it was granted): the session ender decides whether the
 * user's live sessions must be cut.
 */
export const leaseEndedPattern = {
  source: [EVENT_SOURCE],
  'detail-type': [DetailType.Ended, DetailType.Failed],
};

/**
 * The notifier hears every lease event, but never a task token: events without one arrive as
 * they are, and the three that carry one (the workflow's waiting states) arrive through
 * `notifierTokenTransformer`, which keeps only what the notifier needs to look the lease up.
 */
export const notifierPattern = { source: [EVENT_SOURCE], detail: { taskToken: [{ exists: false }] } };
export const notifierTokenPattern = { source: [EVENT_SOURCE], detail: { taskToken: [{ exists: true }] } };
export const notifierTokenTransformer = {
  InputPathsMap: {
    id: '$.id',
    detailType: '$.detail-type',
    leaseId: '$.detail.leaseId',
    at: '$.detail.at',
  },
  InputTemplate:
    '{"id": "<id>", "detail-type": "<detailType>", "detail": {"leaseId": "<leaseId>", "at": "<at>"}}',
} as const;

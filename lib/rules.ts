import { DetailType, EVENT_SOURCE } from '../core/lease-status.ts';

/**
 * The EventBridge rules the stack deploys, as plain data with no CDK in it: the constructs in
 * `lib/` and the local runtime (`local/provision.ts`) both build their rules from here, so the
 * emulator routes exactly the events that AWS will.
 */

/** Every lease event reaches the ledger writer, which projects it into the lease record. */
export const ledgerWriterPattern = { source: [EVENT_SOURCE] };

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

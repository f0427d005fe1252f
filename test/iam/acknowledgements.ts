import type { IConstruct } from 'constructs';
import type { IdcLeaseStack } from '../../lib/stack.ts';
import type { LocalPrincipal } from '../../local/credentials.ts';

/** A deployed principal: a function's role or the workflow's. */
export type DeployedPrincipal = Exclude<LocalPrincipal, 'harness'>;

/**
 * Each local principal's role in the synthesized stack. A function a later issue adds needs a line
 * here and a key in `local/credentials.ts`; the proof refuses a function whose role has neither.
 */
export const ROLE_OF: Readonly<Record<DeployedPrincipal, (stack: IdcLeaseStack) => IConstruct | undefined>> =
  {
    api: (s) => s.api.handler.role,
    ledgerWriter: (s) => s.events.consumers[0]?.handler.role,
    reconciler: (s) => s.reconciler.handler.role,
    correlator: (s) => s.correlator.handler.role,
    notifier: (s) => s.notifier?.handler.role,
    sessionEnder: (s) => s.sessionEnder?.handler.role,
    consoleAuth: (s) => s.console.signIn.handler.role,
    workflow: (s) => s.workflow.role,
  };

export interface DeployTimeRole {
  readonly role: (stack: IdcLeaseStack) => IConstruct;
  readonly reason: string;
}

/**
 * Roles of functions that CloudFormation runs while it deploys and nothing runs afterwards: no
 * local stand-in makes their calls, so they are left out of the proof, each with the reason.
 */
export const DEPLOY_TIME_ROLES: readonly DeployTimeRole[] = [
  {
    role: (s) => s.console.site.role,
    reason:
      'CDK’s BucketDeployment function copies the built console from the CDK asset bucket into the console’s bucket during a deploy; it runs none of this project’s code, and never at run time.',
  },
];

export interface UnrecordedCall {
  readonly principal: DeployedPrincipal;
  readonly action: string;
  /** The resource, as a construct of the stack (its ARN is resolved from the template). */
  readonly resource: (stack: IdcLeaseStack) => IConstruct;
  readonly reason: string;
}

/**
 * Calls the deployed code makes that the local runtime cannot make: evaluated against the role
 * from here, so they are proven too, and listed in the report with the reason.
 */
export const UNRECORDED_CALLS: readonly UnrecordedCall[] = [
  {
    principal: 'api',
    action: 'lambda:InvokeFunction',
    resource: (s) => s.reconciler.handler,
    reason:
      'POST /admin/reconcile: the deployed API invokes the reconciler function; the local runtime has no Lambda and runs the same entry in process.',
  },
];

export interface AcknowledgedGrant {
  /** A principal, or `functions` for every function's role. */
  readonly principal: DeployedPrincipal | 'functions';
  readonly action: string;
  readonly reason: string;
}

const FUNCTION_RUNTIME = [
  {
    action: 'logs:CreateLogStream',
    reason: 'The Lambda service writes the function’s own log group with its role, not the code.',
  },
  {
    action: 'logs:PutLogEvents',
    reason: 'The Lambda service writes the function’s own log group with its role, not the code.',
  },
  {
    action: 'xray:PutTraceSegments',
    reason: 'Active tracing: the Lambda service sends the traces with the function’s role.',
  },
  {
    action: 'xray:PutTelemetryRecords',
    reason: 'Active tracing: the Lambda service sends the traces with the function’s role.',
  },
  ...['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'].map((action) => ({
    action,
    reason:
      'A consumer’s on-failure destination: the Lambda service parks a failed asynchronous invocation in the consumer’s dead-letter queue with the function’s role.',
  })),
] as const;

const WORKFLOW_LOGGING = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
] as const;

const WORKFLOW_TRACING = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
] as const;

/**
 * Granted actions that no recorded call uses, and why they are granted anyway. Anything granted and
 * unused that is not here fails the proof: remove the grant, or say here why it must stay.
 */
export const ACKNOWLEDGED_GRANTS: readonly AcknowledgedGrant[] = [
  // Paths of the code that no integration test takes today.
  {
    principal: 'api',
    action: 'logs:StopQuery',
    reason:
      'Stops a Logs Insights query that outlives the activity route’s deadline; the emulator answers every query at once.',
  },
  {
    principal: 'api',
    action: 'secretsmanager:GetSecretValue',
    reason:
      'Reads the page-token key the stack generates, once per cold start; the local runtime makes its key in process instead.',
  },
  {
    principal: 'notifier',
    action: 'identitystore:GetUserId',
    reason: 'Resolves approvers the policy names as users; the test policy names approver groups only.',
  },
  {
    principal: 'sessionEnder',
    action: 'sso:DeleteInlinePolicyFromPermissionSet',
    reason:
      'The sweep deletes an inline policy left without statements, after the denies’ sessions expired; no test waits for a sweep that finds one.',
  },
  {
    principal: 'sessionEnder',
    action: 'identitystore:ListGroupMembershipsForMember',
    reason:
      'Asked only when a group holds an assignment of the permission set on the account; no test assigns one to a group.',
  },
  ...['kms:GenerateDataKey*', 'kms:ReEncrypt*'].map((action) => ({
    principal: 'ledgerWriter' as const,
    action,
    reason:
      'Its on-failure destination is a queue under the token key: SQS uses the key with the function’s role when the Lambda service parks a failed invocation there; the emulator’s queues encrypt nothing.',
  })),
  ...['kms:Decrypt', 'kms:GenerateDataKey'].map((action) => ({
    principal: 'workflow' as const,
    action,
    reason:
      'The execution history is kept under the token key (customer-managed key): Step Functions uses it with the workflow’s role; the emulator keeps execution data in plain text.',
  })),
  ...FUNCTION_RUNTIME.map((g) => ({ principal: 'functions' as const, ...g })),
  ...WORKFLOW_LOGGING.map((action) => ({
    principal: 'workflow' as const,
    action,
    reason:
      'Step Functions delivers the execution logs (level ALL) to the workflow’s log group with its role.',
  })),
  ...WORKFLOW_TRACING.map((action) => ({
    principal: 'workflow' as const,
    action,
    reason: 'X-Ray tracing of the workflow: Step Functions sends the traces with its role.',
  })),
];

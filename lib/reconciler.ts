import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Schedule } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EventConsumer } from './consumers.ts';
import type { IdentityCenterScope } from './identity-center.ts';
import { LeaseFunction } from './lease-function.ts';
import type { LeaseWorkflow } from './lease-workflow.ts';
import { executionEndedPattern } from './rules.ts';

export interface ReconcilerProps {
  readonly table: ITable;
  readonly bus: IEventBus;
  readonly workflow: LeaseWorkflow;
  readonly identityCenter: IdentityCenterScope;
  readonly identityStoreId: string;
  readonly policyFile: string;
  /** How often it sweeps, besides running when an execution ends badly. */
  readonly every: Duration;
  readonly logRetention: RetentionDays;
}

/**
 * The safety net that keeps revocation from depending on one execution going right: on a
 * schedule, and at once when a lease's execution ends ABORTED, FAILED or TIMED_OUT, it removes
 * assignments the tool owns that no live lease holds. It is the only function with Identity
 * Center delete rights; the API's `POST /admin/reconcile` invokes it rather than holding them.
 */
export class Reconciler extends Construct {
  public readonly handler: LeaseFunction;
  public readonly consumer: EventConsumer;

  constructor(scope: Construct, id: string, props: ReconcilerProps) {
    super(scope, id);
    if (props.every.toSeconds() < 60) throw new Error(`${id}: every must be at least one minute`);
    this.handler = new LeaseFunction(this, 'Handler', {
      entry: 'lambdas/reconciler/handler.ts',
      description: 'idc-lease: removes assignments the tool owns that no live lease holds',
      serviceName: 'idc-lease-reconciler',
      logRetention: props.logRetention,
      policyFile: props.policyFile,
      // Pages through every managed (account, permission set) pair under Identity Center's quota.
      timeout: Duration.minutes(10),
      // One run at a time: two sweeps would race to delete the same assignment. Lambda retries a
      // throttled asynchronous trigger, and the API answers 409 to a throttled admin run.
      reservedConcurrency: 1,
    })
      // Scans tuples, reads and updates leases, records drift; no index queries (IAM proof).
      .bindLedger(props.table, [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:Scan',
      ])
      .bindBus(props.bus)
      .bindWorkflow(props.workflow, 'describe')
      .bindIdentityCenter(
        props.identityCenter,
        'sso:ListAccountAssignments',
        'sso:DeleteAccountAssignment',
        'sso:DescribeAccountAssignmentDeletionStatus',
        // Ownership evidence when a lease's create or delete went unanswered (core/ownership.ts).
        'sso:DescribeAccountAssignmentCreationStatus',
        'sso:ListAccountAssignmentCreationStatus',
        'sso:ListAccountAssignmentDeletionStatus',
      );
    // Read by the shared deployment wiring; the reconciler itself never calls the Identity Store.
    this.handler.addEnvironment('IDENTITY_STORE_ID', props.identityStoreId);

    this.consumer = new EventConsumer(this, 'Triggers', { handler: this.handler });
    this.consumer.on('Sweep', {
      description: 'idc-lease: periodic reconciliation',
      schedule: Schedule.rate(props.every),
    });
    this.consumer.on('ExecutionEnded', {
      description: 'idc-lease: reconcile when a lease execution ends ABORTED, FAILED or TIMED_OUT',
      eventPattern: executionEndedPattern(props.workflow.stateMachine.stateMachineArn),
    });
  }
}

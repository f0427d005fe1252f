import { Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EventConsumer } from './consumers.ts';
import type { IdentityCenterScope } from './identity-center.ts';
import { LeaseFunction } from './lease-function.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { cloudTrailAssignmentPattern } from './rules.ts';

export interface CorrelatorProps {
  readonly table: ITable;
  /** Where `Assignment Drift Detected` is published. */
  readonly bus: IEventBus;
  readonly identityCenter: IdentityCenterScope;
  /** The identity store, to name the user of a finding, and the account that owns it. */
  readonly identityStore: { readonly id: string; readonly ownerAccountId: string };
  /** The roles whose Identity Center calls are the tool's own: never out-of-band. */
  readonly toolRoles: readonly IRole[];
  readonly policyFile: string;
  readonly logRetention: RetentionDays;
}

/**
 * Reads Identity Center's CloudTrail records of assignment calls from the default bus: a call a
 * lease made goes on that lease's timeline, a call on a managed permission set that no lease made
 * becomes an OUT_OF_BAND finding. CloudTrail delivery is best-effort; the reconciler's sweep is
 * the backstop for anything missed here.
 */
export class Correlator extends Construct {
  public readonly handler: LeaseFunction;
  public readonly consumer: EventConsumer;

  constructor(scope: Construct, id: string, props: CorrelatorProps) {
    super(scope, id);
    if (props.toolRoles.length === 0)
      throw new Error(`${id}: toolRoles must name at least the workflow role`);
    const partition = Stack.of(this).partition;
    this.handler = new LeaseFunction(this, 'Handler', {
      entry: 'lambdas/correlator/handler.ts',
      description: 'idc-lease: correlates Identity Center CloudTrail records with leases, reports drift',
      serviceName: 'idc-lease-correlator',
      logRetention: props.logRetention,
      policyFile: props.policyFile,
    })
      // Leases by requester (Query), the timeline append (GetItem + UpdateItem), findings (PutItem).
      .bindLedger(props.table, [
        'dynamodb:Query',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'dynamodb:PutItem',
      ])
      .bindBus(props.bus)
      .bindIdentityCenter(props.identityCenter);
    this.handler.addEnvironment('TOOL_ROLE_ARNS', props.toolRoles.map((r) => r.roleArn).join(','));

    const { id: storeId, ownerAccountId } = props.identityStore;
    this.handler.addEnvironment('IDENTITY_STORE_ID', storeId);
    this.handler.addToRolePolicy(
      new PolicyStatement({
        actions: ['identitystore:DescribeUser'],
        resources: [
          `arn:${partition}:identitystore::${ownerAccountId}:identitystore/${storeId}`,
          `arn:${partition}:identitystore:::user/*`,
        ],
      }),
    );
    acknowledgeWildcardResource(
      this.handler.role as Construct,
      `arn:${partition}:identitystore:::user/*`,
      'A finding names the user of the assignment; any user of the configured identity store may be one.',
    );

    this.consumer = new EventConsumer(this, 'Records', { handler: this.handler });
    this.consumer.on('CloudTrail', {
      description: 'idc-lease: Identity Center CloudTrail records of account assignment calls',
      eventPattern: cloudTrailAssignmentPattern,
    });
  }
}

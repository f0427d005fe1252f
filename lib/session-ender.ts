import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Schedule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { endSessionsPermissionSets } from '../core/session-deny.ts';
import type { DeploymentConfig } from './config.ts';
import { EventConsumer } from './consumers.ts';
import { IdentityCenterScope } from './identity-center.ts';
import { LeaseFunction } from './lease-function.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { leaseEndedPattern } from './rules.ts';

/**
 * The slice of Identity Center the session ender may touch: the permission sets of endSessions
 * rules and those rules' accounts (any account when one names OUs). Undefined when no rule ends
 * sessions, and then nothing is deployed for it.
 */
export function endSessionsScope(config: DeploymentConfig): IdentityCenterScope | undefined {
  const { policy } = config;
  const names = endSessionsPermissionSets(policy);
  if (names.length === 0) return undefined;
  const rules = policy.rules.filter((rule) => rule.endSessions);
  const accounts = [...new Set(rules.flatMap((rule) => rule.accounts))]
    .filter((account) => !policy.protected.accounts.includes(account))
    .sort();
  return new IdentityCenterScope({
    instanceArn: config.instanceArn,
    permissionSetArns: names.map((name) => config.permissionSetArns[name] as string),
    accounts: rules.some((rule) => (rule.ous ?? []).length > 0) ? 'any' : accounts,
  });
}

export interface SessionEnderProps {
  readonly table: ITable;
  /** The lease bus: `Lease Ended` / `Lease Failed` arrive here. */
  readonly bus: IEventBus;
  /** Only the permission sets of endSessions rules and their accounts. */
  readonly identityCenter: IdentityCenterScope;
  /** The identity store (group memberships) and the account that owns it. */
  readonly identityStore: { readonly id: string; readonly ownerAccountId: string };
  readonly policyFile: string;
  /** How often expired denies are swept. @default Duration.minutes(15) */
  readonly sweepEvery?: Duration;
  readonly logRetention: RetentionDays;
}

/**
 * Ends live sessions when a lease of an endSessions rule ends (issue 5): a deny in the permission
 * set's inline policy for the user's sessions issued before the end, provisioned to the account,
 * and a sweep that removes it once those sessions have expired anyway.
 */
export class SessionEnder extends Construct {
  public readonly handler: LeaseFunction;
  public readonly consumer: EventConsumer;

  constructor(scope: Construct, id: string, props: SessionEnderProps) {
    super(scope, id);
    const every = props.sweepEvery ?? Duration.minutes(15);
    if (every.toSeconds() < 60) throw new Error(`${id}: sweepEvery must be at least one minute`);
    const partition = Stack.of(this).partition;
    this.handler = new LeaseFunction(this, 'Handler', {
      entry: 'lambdas/session-ender/handler.ts',
      description: 'idc-lease: ends live sessions of ended leases (inline deny), sweeps expired denies',
      serviceName: 'idc-lease-session-ender',
      logRetention: props.logRetention,
      policyFile: props.policyFile,
      // Waits for the permission set's lock (90 s at most) and for provisioning to finish.
      timeout: Duration.minutes(5),
    })
      // The lease and tuple reads, the timeline append, the per-permission-set lock item.
      .bindLedger(props.table, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'])
      .bindIdentityCenter(
        props.identityCenter,
        'sso:GetInlinePolicyForPermissionSet',
        'sso:PutInlinePolicyToPermissionSet',
        'sso:DeleteInlinePolicyFromPermissionSet',
        'sso:ProvisionPermissionSet',
        'sso:DescribePermissionSetProvisioningStatus',
        'sso:DescribePermissionSet',
        'sso:ListAccountAssignments',
      );
    this.handler.addEnvironment(
      'END_SESSIONS_PERMISSION_SETS',
      props.identityCenter.props.permissionSetArns.join(','),
    );

    const { id: storeId, ownerAccountId } = props.identityStore;
    this.handler.addEnvironment('IDENTITY_STORE_ID', storeId);
    this.handler.addToRolePolicy(
      new PolicyStatement({
        actions: ['identitystore:ListGroupMembershipsForMember'],
        resources: [
          `arn:${partition}:identitystore::${ownerAccountId}:identitystore/${storeId}`,
          ...['user', 'group', 'membership'].map((kind) => `arn:${partition}:identitystore:::${kind}/*`),
        ],
      }),
    );
    for (const kind of ['user', 'group', 'membership'])
      acknowledgeWildcardResource(
        this.handler.role as Construct,
        `arn:${partition}:identitystore:::${kind}/*`,
        `Whether a group assignment still gives the lease's user access: any ${kind} of the configured identity store may be involved.`,
      );

    this.consumer = new EventConsumer(this, 'Triggers', { handler: this.handler });
    this.consumer.on('LeaseEnded', {
      description: 'idc-lease: a lease ended; end its live sessions when its rule says so',
      bus: props.bus,
      eventPattern: leaseEndedPattern,
    });
    this.consumer.on('Sweep', {
      description: 'idc-lease: remove session denies whose sessions have expired',
      schedule: Schedule.rate(every),
    });
  }
}

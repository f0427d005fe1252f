import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type CfnRule, type IEventBus, Schedule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type NotifierSettings, secretsOf } from '../core/notifier-settings.ts';
import { EventConsumer } from './consumers.ts';
import { LeaseFunction } from './lease-function.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { notifierPattern, notifierTokenPattern, notifierTokenTransformer } from './rules.ts';

export interface NotifierProps {
  readonly table: ITable;
  readonly bus: IEventBus;
  /** The identity store, owned by the organization's management account. */
  readonly identityStore: { readonly id: string; readonly ownerAccountId: string };
  /** The `notifications` deployment configuration; at least one channel must be set. */
  readonly settings: NotifierSettings;
  readonly logRetention: RetentionDays;
}

/** The identity store reads of `adapters/people.ts`: approvers by group, people by name or id. */
export const NOTIFIER_IDENTITYSTORE_ACTIONS = [
  'identitystore:GetUserId',
  'identitystore:GetGroupId',
  'identitystore:DescribeUser',
  'identitystore:ListGroupMemberships',
] as const;

/**
 * The notifier: a side consumer of the lease bus (it never holds up a lease) that tells approvers,
 * requesters and an optional audit channel, plus a minute schedule for "ending soon". Its role
 * may read leases, mark one as told, read people, read the configured secrets and send on the
 * configured email channel, and nothing else.
 */
export class Notifier extends Construct {
  public readonly handler: LeaseFunction;
  public readonly consumer: EventConsumer;

  constructor(scope: Construct, id: string, props: NotifierProps) {
    super(scope, id);
    const { settings } = props;
    if (!settings.slack && !settings.webhook && !settings.email)
      throw new Error(`${id}: configure at least one of notifications.slack, webhook and email`);
    const stack = Stack.of(this);
    this.handler = new LeaseFunction(this, 'Function', {
      entry: 'lambdas/notifier/handler.ts',
      description: 'idc-lease: tells approvers and requesters about their leases',
      serviceName: 'idc-lease-notifier',
      logRetention: props.logRetention,
      // Each delivery may try a slow receiver four times with backoff before giving up.
      timeout: Duration.seconds(90),
      memorySize: 256,
    });
    const fn = this.handler;
    // toJsonString: the console's URL is a token (the distribution's domain) until deploy.
    fn.addEnvironment('NOTIFIER_SETTINGS', stack.toJsonString(settings));

    fn.addEnvironment('LEDGER_TABLE', props.table.tableName);
    fn.addToRolePolicy(
      new PolicyStatement({
        // Read a lease, and set its "ending soon" mark: the notifier's only write.
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${props.table.tableArn}/index/byStatus`],
      }),
    );

    fn.addEnvironment('IDENTITY_STORE_ID', props.identityStore.id);
    const partition = stack.partition;
    const peopleArns = ['user', 'group', 'membership'].map(
      (kind) => `arn:${partition}:identitystore:::${kind}/*`,
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [...NOTIFIER_IDENTITYSTORE_ACTIONS],
        resources: [
          `arn:${partition}:identitystore::${props.identityStore.ownerAccountId}:identitystore/${props.identityStore.id}`,
          ...peopleArns,
        ],
      }),
    );
    for (const arn of peopleArns)
      acknowledgeWildcardResource(
        fn.role as Role,
        arn,
        'Approvers are whoever the policy names at the time of the request: any user or group of the configured identity store.',
      );

    const secrets = secretsOf(settings).map((ref) =>
      ref.startsWith('arn:')
        ? ref
        : // Secrets Manager appends six random characters to a secret's name in its ARN.
          stack.formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: `${ref}-??????`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
    );
    if (secrets.length > 0)
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: secrets }),
      );

    const email = settings.email;
    if (email && 'from' in email) {
      const domain = email.from.split('@')[1] as string;
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail'],
          // SES authorizes against the verified identity: the address itself or its domain.
          resources: [email.from, domain].map((identity) =>
            stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
          ),
        }),
      );
    }
    if (email && 'topicArn' in email)
      fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [email.topicArn] }));

    this.consumer = new EventConsumer(this, 'Consumer', { handler: fn });
    this.consumer.on('LeaseEvents', {
      description: 'Lease events without a task token, to the notifier',
      bus: props.bus,
      eventPattern: notifierPattern,
    });
    const waiting = this.consumer.on('WaitingLeaseEvents', {
      description: 'Lease events of waiting states, to the notifier without their task token',
      bus: props.bus,
      eventPattern: notifierTokenPattern,
    });
    // The same transformer the local runtime puts on its rule, verbatim (lib/rules.ts).
    (waiting.node.defaultChild as CfnRule).addPropertyOverride('Targets.0.InputTransformer', {
      InputPathsMap: { ...notifierTokenTransformer.InputPathsMap },
      InputTemplate: notifierTokenTransformer.InputTemplate,
    });
    this.consumer.on('EndingSoonSweep', {
      description: 'Every minute: tell requesters whose lease ends within the lead time',
      schedule: Schedule.rate(Duration.minutes(1)),
    });
  }
}

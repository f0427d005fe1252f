import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
} from '@aws-sdk/client-identitystore';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  ListInstancesCommand,
} from '@aws-sdk/client-sso-admin';
import type { AwsClients } from '../adapters/clients.ts';
import { LEDGER_INDEXES, LEDGER_KEYS } from '../adapters/ledger.ts';
import {
  archivePattern,
  cloudTrailAssignmentPattern,
  executionEndedPattern,
  leaseEndedPattern,
  ledgerWriterPattern,
} from '../lib/rules.ts';
import { renderLeaseDefinition } from '../statemachines/definition.ts';
import type { Seed } from './seed.ts';

/** Names of what the stack deploys; the CDK app uses the same logical units. */
export const NAMES = {
  table: 'idc-lease-ledger',
  bus: 'idc-lease',
  archive: 'idc-lease-events',
  stateMachine: 'idc-lease',
  ledgerRule: 'idc-lease-ledger-writer',
  ledgerQueue: 'idc-lease-ledger-writer',
  reconcilerRule: 'idc-lease-execution-ended',
  reconcilerQueue: 'idc-lease-reconciler',
  correlatorRule: 'idc-lease-cloudtrail',
  correlatorQueue: 'idc-lease-correlator',
  sessionEnderRule: 'idc-lease-session-ender',
  sessionEnderQueue: 'idc-lease-session-ender',
} as const;

export interface Provisioned {
  readonly region: string;
  readonly instanceArn: string;
  readonly identityStoreId: string;
  readonly stateMachineArn: string;
  readonly eventBusName: string;
  readonly tableName: string;
  /** The bus's archive, with the deployed archive's pattern (no token-bearing event). */
  readonly eventArchiveArn: string;
  /** The KMS key the ledger writer seals task tokens with, and the API and the writer open them. */
  readonly taskTokenKeyArn: string;
  /** EventBridge rule targets that are Lambda functions in AWS become these queues locally. */
  readonly queues: {
    readonly ledgerWriter: string;
    readonly reconciler: string;
    readonly correlator: string;
    /** Lease ends, and the scheduled sweep's events, for the session ender. */
    readonly sessionEnder: string;
  };
  /** The role the workflow's calls are made with: CloudTrail names it as the caller. */
  readonly workflowRoleArn: string;
  readonly permissionSets: Readonly<Record<string, string>>;
  readonly userIds: Readonly<Record<string, string>>;
}

const ROLE_ARN = 'arn:aws:iam::123456789012:role/idc-lease-workflow';

/** A queue that stands in for a Lambda target: EventBridge delivers to its ARN, the drain reads its URL. */
const createQueue = async (aws: AwsClients, name: string): Promise<{ url: string; arn: string }> => {
  const url = (await aws.sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
  const arn = (
    await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn as string;
  return { url, arn };
};

/**
 * A rule whose target is a Lambda function in AWS: locally its events go to a queue that the
 * runtime drains into the same handler. `bus` undefined is the default bus.
 */
const routeToQueue = async (
  aws: AwsClients,
  route: { rule: string; bus?: string; pattern: unknown; queue: string; targetId: string },
): Promise<{ url: string; arn: string }> => {
  const queue = await createQueue(aws, route.queue);
  const bus = route.bus ? { EventBusName: route.bus } : {};
  await aws.events.send(
    new PutRuleCommand({ Name: route.rule, ...bus, EventPattern: JSON.stringify(route.pattern) }),
  );
  await aws.events.send(
    new PutTargetsCommand({ Rule: route.rule, ...bus, Targets: [{ Id: route.targetId, Arn: queue.arn }] }),
  );
  return queue;
};

export const provision = async (aws: AwsClients, region: string, seed: Seed): Promise<Provisioned> => {
  const instance = (await aws.ssoAdmin.send(new ListInstancesCommand({}))).Instances?.[0];
  if (!instance?.InstanceArn || !instance.IdentityStoreId)
    throw new Error('the emulator has no Identity Center instance');
  const instanceArn = instance.InstanceArn;
  const identityStoreId = instance.IdentityStoreId;

  await aws.ddb.send(
    new CreateTableCommand({
      TableName: NAMES.table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        ...new Set([
          LEDGER_KEYS.partition,
          LEDGER_KEYS.sort,
          ...LEDGER_INDEXES.flatMap((index) => [index.partition, index.sort]),
        ]),
      ].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
      KeySchema: [
        { AttributeName: LEDGER_KEYS.partition, KeyType: 'HASH' },
        { AttributeName: LEDGER_KEYS.sort, KeyType: 'RANGE' },
      ],
      // The indexes the lists page through, newest first (adapters/ledger.ts).
      GlobalSecondaryIndexes: LEDGER_INDEXES.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partition, KeyType: 'HASH' },
          { AttributeName: index.sort, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );

  const busArn = (await aws.events.send(new CreateEventBusCommand({ Name: NAMES.bus })))
    .EventBusArn as string;
  const eventArchiveArn = (
    await aws.events.send(
      new CreateArchiveCommand({
        ArchiveName: NAMES.archive,
        EventSourceArn: busArn,
        EventPattern: JSON.stringify(archivePattern),
      }),
    )
  ).ArchiveArn as string;
  const taskTokenKeyArn = (
    await aws.kms.send(new CreateKeyCommand({ Description: 'idc-lease task tokens (local)' }))
  ).KeyMetadata?.Arn as string;
  const ledgerQueue = await routeToQueue(aws, {
    rule: NAMES.ledgerRule,
    bus: NAMES.bus,
    pattern: ledgerWriterPattern,
    queue: NAMES.ledgerQueue,
    targetId: 'ledger',
  });

  const definition = renderLeaseDefinition({
    LedgerTable: NAMES.table,
    EventBus: NAMES.bus,
    InstanceArn: instanceArn,
  });
  const stateMachineArn = (
    await aws.sfn.send(
      new CreateStateMachineCommand({
        name: NAMES.stateMachine,
        definition,
        roleArn: ROLE_ARN,
        type: 'STANDARD',
      }),
    )
  ).stateMachineArn as string;

  // Step Functions reports its executions' ends on the default bus, never on a custom one.
  const reconcilerQueue = await routeToQueue(aws, {
    rule: NAMES.reconcilerRule,
    pattern: executionEndedPattern(stateMachineArn),
    queue: NAMES.reconcilerQueue,
    targetId: 'reconciler',
  });
  // CloudTrail delivers Identity Center's records to the default bus too.
  const correlatorQueue = await routeToQueue(aws, {
    rule: NAMES.correlatorRule,
    pattern: cloudTrailAssignmentPattern,
    queue: NAMES.correlatorQueue,
    targetId: 'correlator',
  });
  const sessionEnderQueue = await routeToQueue(aws, {
    rule: NAMES.sessionEnderRule,
    bus: NAMES.bus,
    pattern: leaseEndedPattern,
    queue: NAMES.sessionEnderQueue,
    targetId: 'session-ender',
  });

  const userIds: Record<string, string> = {};
  for (const user of seed.users) {
    const [given, ...rest] = (user.displayName ?? user.userName).split(' ');
    const out = await aws.identityStore.send(
      new CreateUserCommand({
        IdentityStoreId: identityStoreId,
        UserName: user.userName,
        DisplayName: user.displayName ?? user.userName,
        Name: { GivenName: given, FamilyName: rest.join(' ') || given },
        Emails: user.email ? [{ Value: user.email, Primary: true, Type: 'work' }] : undefined,
      }),
    );
    userIds[user.userName] = out.UserId as string;
  }
  for (const group of seed.groups) {
    const out = await aws.identityStore.send(
      new CreateGroupCommand({ IdentityStoreId: identityStoreId, DisplayName: group.name }),
    );
    for (const member of group.members) {
      const userId = userIds[member];
      if (!userId) throw new Error(`seed: group ${group.name} names unknown user ${member}`);
      await aws.identityStore.send(
        new CreateGroupMembershipCommand({
          IdentityStoreId: identityStoreId,
          GroupId: out.GroupId,
          MemberId: { UserId: userId },
        }),
      );
    }
  }

  const permissionSets: Record<string, string> = {};
  for (const ps of seed.permissionSets) {
    const out = await aws.ssoAdmin.send(
      new CreatePermissionSetCommand({
        InstanceArn: instanceArn,
        Name: ps.name,
        SessionDuration: ps.sessionDuration,
      }),
    );
    permissionSets[ps.name] = out.PermissionSet?.PermissionSetArn as string;
  }
  for (const a of seed.assignments) {
    const principalId = userIds[a.userName];
    const permissionSetArn = permissionSets[a.permissionSet];
    if (!principalId || !permissionSetArn)
      throw new Error(`seed: assignment names unknown ${a.userName}/${a.permissionSet}`);
    await aws.ssoAdmin.send(
      new CreateAccountAssignmentCommand({
        InstanceArn: instanceArn,
        TargetId: a.accountId,
        TargetType: 'AWS_ACCOUNT',
        PermissionSetArn: permissionSetArn,
        PrincipalType: 'USER',
        PrincipalId: principalId,
      }),
    );
  }

  return {
    region,
    instanceArn,
    identityStoreId,
    stateMachineArn,
    eventBusName: NAMES.bus,
    tableName: NAMES.table,
    eventArchiveArn,
    taskTokenKeyArn,
    queues: {
      ledgerWriter: ledgerQueue.url,
      reconciler: reconcilerQueue.url,
      correlator: correlatorQueue.url,
      sessionEnder: sessionEnderQueue.url,
    },
    workflowRoleArn: ROLE_ARN,
    permissionSets,
    userIds,
  };
};

import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateGroupMembershipCommand,
  DeleteGroupMembershipCommand,
  GetGroupIdCommand,
  paginateListGroupMemberships,
} from '@aws-sdk/client-identitystore';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { createClients } from '../../adapters/clients.ts';
import { Engine } from '../../adapters/engine.ts';
import { Ledger } from '../../adapters/ledger.ts';
import { TaskTokens } from '../../adapters/task-tokens.ts';
import type { Lease, LeaseRecord } from '../../core/lease.ts';
import { loadPolicy, type Policy } from '../../core/policy.ts';
import type { ReconcileReport } from '../../core/reconcile.ts';
import { LOCAL_KEYS } from '../../local/credentials.ts';
import { compose } from '../../service/compose.ts';
import type { ServiceContext } from '../../service/context.ts';
import { executionArn, getLease, info, sfnClient, waitUntil } from './harness.ts';

/** Helpers of the lease-operation tests (retries, extensions, withdrawals); not a test file. */

/** The rules of the fixture policy these tests use (accounts 666666666666 and 777777777777). */
export const OPS_AUTO = { accountId: '666666666666', permissionSet: 'ReadOnly' } as const;
export const OPS_GATED = { accountId: '666666666666', permissionSet: 'AdministratorAccess' } as const;
export const OPS_QUORUM = { accountId: '666666666666', permissionSet: 'PowerUser' } as const;

const aws = () => createClients({ region: info().region, endpoint: info().awsEndpoint });

export const ledger = () => new Ledger(aws().ddb, info().tableName);

/** What the ledger writer function runs with, for a test that hands it an event itself. */
export const writerDeps = () => ({
  ledger: ledger(),
  engine: new Engine(aws().sfn, info().stateMachineArn),
  tokens: new TaskTokens(aws().kms, info().taskTokenKeyArn),
  logger: new Logger({ serviceName: 'it-ledger-writer', logLevel: 'ERROR' }),
});

/** The lease record as stored, internal fields included (token, reservation, start claim). */
export const leaseRecord = async (id: string): Promise<LeaseRecord> => {
  const record = await ledger().getLease(id);
  if (!record) throw new Error(`no lease ${id} in the ledger`);
  return record;
};

/** Waits until the workflow asked for approval (the ledger writer recorded APPROVAL_REQUESTED). */
export const approvalRequested = async (user: string, id: string): Promise<Lease> => {
  let lease = await getLease(user, id);
  await waitUntil(`APPROVAL_REQUESTED on ${id}`, async () => {
    lease = await getLease(user, id);
    return lease.timeline.some((t) => t.type === 'APPROVAL_REQUESTED');
  });
  return lease;
};

const groupMembership = async (user: string, group: string) => {
  const store = aws().identityStore;
  const IdentityStoreId = info().identityStoreId;
  const { GroupId } = await store.send(
    new GetGroupIdCommand({
      IdentityStoreId,
      AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: group } },
    }),
  );
  const UserId = info().userIds[user] as string;
  return { store, IdentityStoreId, GroupId: GroupId as string, UserId };
};

/** An administrator takes `user` out of `group` in the Identity Store. */
export const removeFromGroup = async (user: string, group: string): Promise<void> => {
  const { store, IdentityStoreId, GroupId, UserId } = await groupMembership(user, group);
  // The emulator lacks GetGroupMembershipId: find the membership in the group's list.
  for await (const page of paginateListGroupMemberships({ client: store }, { IdentityStoreId, GroupId }))
    for (const m of page.GroupMemberships ?? [])
      if (m.MemberId && 'UserId' in m.MemberId && m.MemberId.UserId === UserId)
        await store.send(new DeleteGroupMembershipCommand({ IdentityStoreId, MembershipId: m.MembershipId }));
};

export const addToGroup = async (user: string, group: string): Promise<void> => {
  const { store, IdentityStoreId, GroupId, UserId } = await groupMembership(user, group);
  await store.send(new CreateGroupMembershipCommand({ IdentityStoreId, GroupId, MemberId: { UserId } }));
};

/** The access policy the integration runtime runs (global-setup.ts). */
export const fixturePolicy = (): Policy =>
  loadPolicy(JSON.parse(readFileSync(new URL('../fixtures/policy.json', import.meta.url), 'utf8')));

/**
 * The lease operations as a deployment with a changed access policy runs them: the same table,
 * workflow and directory, only the policy edited (a policy change is a redeploy). Tests use it to
 * act on a lease requested under the policy before.
 */
export const deployedWith = (edit: (policy: Policy) => Policy, policy: Policy): ServiceContext =>
  compose(
    aws(),
    { ...info(), permissionSetArns: info().permissionSets },
    edit(structuredClone(policy)),
    new Logger({ serviceName: 'it', logLevel: 'ERROR' }),
  ).ctx;

/**
 * The reconciler function of such a deployment, signing as the deployed one does (the IAM proof
 * judges its calls) and, like it, without the task token key.
 */
export const reconcilerDeployedWith = (
  edit: (policy: Policy) => Policy,
  policy: Policy,
): (() => Promise<ReconcileReport>) => {
  const { taskTokenKeyArn: _noTokenKey, ...resources } = info();
  return compose(
    createClients({
      region: info().region,
      endpoint: info().awsEndpoint,
      accessKeyId: LOCAL_KEYS.reconciler,
    }),
    { ...resources, permissionSetArns: info().permissionSets },
    edit(structuredClone(policy)),
    new Logger({ serviceName: 'it-reconciler', logLevel: 'ERROR' }),
  ).reconcile;
};

/** The PutEvents entries the execution's waiting states put, attempt by attempt, oldest first. */
export const waitingStateEntries = async (
  leaseId: string,
  detailType: string,
): Promise<{ DetailType: string; Detail: Record<string, unknown> & { taskToken: string } }[]> => {
  const out = await sfnClient().send(
    new GetExecutionHistoryCommand({ executionArn: executionArn(leaseId), maxResults: 1000 }),
  );
  return (out.events ?? [])
    .filter((e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resource?.includes('putEvents'))
    .flatMap((e) => {
      const params = JSON.parse(e.taskScheduledEventDetails?.parameters ?? '{}') as {
        Entries?: { DetailType: string; Detail: Record<string, unknown> & { taskToken: string } }[];
      };
      return params.Entries ?? [];
    })
    .filter((entry) => entry.DetailType === detailType && typeof entry.Detail?.taskToken === 'string');
};

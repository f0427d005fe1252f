import type { Logger } from '@aws-lambda-powertools/logger';
import { ConfiguredCatalog } from '../../adapters/catalog.ts';
import type { AwsClients } from '../../adapters/clients.ts';
import { EventPublisher } from '../../adapters/engine.ts';
import { Ledger } from '../../adapters/ledger.ts';
import { userNames } from '../../adapters/user-names.ts';
import type { Policy } from '../../core/policy.ts';
import { type CorrelatorDeps, DEFAULT_GRACE_MS } from './correlator.ts';

export interface CorrelatorResources {
  readonly tableName: string;
  readonly eventBusName: string;
  readonly instanceArn: string;
  readonly identityStoreId: string;
  /** Name → ARN of the permission sets the policy names (the configuration's `permissionSetArns`). */
  readonly permissionSetArns: Readonly<Record<string, string>>;
  /** The roles whose assignment calls are the tool's own (workflow, reconciler). */
  readonly toolRoleArns: readonly string[];
}

/** The correlator's dependencies, built the same way by the Lambda and the local runtime. */
export const correlatorDeps = (
  aws: Pick<AwsClients, 'ddb' | 'events' | 'ssoAdmin' | 'identityStore'>,
  resources: CorrelatorResources,
  policy: Policy,
  logger: Logger,
  graceMs = DEFAULT_GRACE_MS,
): CorrelatorDeps => ({
  ledger: new Ledger(aws.ddb, resources.tableName),
  events: new EventPublisher(aws.events, resources.eventBusName),
  catalog: new ConfiguredCatalog(resources.permissionSetArns),
  policy,
  instanceArn: resources.instanceArn,
  toolRoleArns: new Set(resources.toolRoleArns),
  userNameOf: userNames(aws.identityStore, resources.identityStoreId),
  logger,
  now: () => new Date(),
  graceMs,
});

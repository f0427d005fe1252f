import type { Logger } from '@aws-lambda-powertools/logger';
import type { AwsClients } from '../../adapters/clients.ts';
import { Ledger } from '../../adapters/ledger.ts';
import { LedgerLock } from '../../adapters/policy-lock.ts';
import { PermissionSetPolicies } from '../../adapters/session-policy.ts';
import type { Policy } from '../../core/policy.ts';
import type { SessionEnderDeps } from './ender.ts';

export interface SessionEnderResources {
  readonly tableName: string;
  readonly instanceArn: string;
  readonly identityStoreId: string;
  /** ARNs of `endSessionsPermissionSets(policy)`: the deployment knows them, names cannot be resolved offline. */
  readonly permissionSetArns: readonly string[];
}

/** The session ender's object graph, built the same way for the Lambda and the local runtime. */
export const composeSessionEnder = (
  aws: AwsClients,
  resources: SessionEnderResources,
  policy: Policy,
  logger: Logger,
  options: { provisionTimeoutMs?: number } = {},
): SessionEnderDeps => ({
  ledger: new Ledger(aws.ddb, resources.tableName),
  lock: new LedgerLock(aws.ddb, resources.tableName),
  policies: new PermissionSetPolicies(
    aws.ssoAdmin,
    aws.identityStore,
    resources.instanceArn,
    resources.identityStoreId,
    options.provisionTimeoutMs,
  ),
  policy,
  permissionSetArns: async () => [...resources.permissionSetArns],
  logger,
  now: () => new Date(),
});

import type { Logger } from '@aws-lambda-powertools/logger';
import { InstanceCatalog } from '../adapters/catalog.ts';
import type { AwsClients } from '../adapters/clients.ts';
import { Directory } from '../adapters/directory.ts';
import { Engine, EventPublisher } from '../adapters/engine.ts';
import { Ledger } from '../adapters/ledger.ts';
import type { OrgTree } from '../core/org-tree.ts';
import type { Policy } from '../core/policy.ts';
import { type ReconcileReport, reconcile } from '../lambdas/reconciler/reconciler.ts';
import type { ActivityTargets, ServiceContext } from './context.ts';

/** Where the deployment's resources are: the stack's outputs, or the local runtime's. */
export interface Resources {
  readonly tableName: string;
  readonly stateMachineArn: string;
  readonly eventBusName: string;
  readonly instanceArn: string;
  readonly identityStoreId: string;
}

export interface Composed {
  readonly ctx: ServiceContext;
  readonly reconcile: () => Promise<ReconcileReport>;
}

/**
 * Builds the object graph once, the same way for the API Lambda, the reconciler Lambda and the
 * local runtime, so none of them can wire a dependency differently.
 */
export function compose(
  aws: AwsClients,
  resources: Resources,
  policy: Policy,
  logger: Logger,
  options: {
    organization?: () => Promise<OrgTree>;
    tokenWaitMs?: number;
    /**
     * Where a reconcile runs when asked for, if not here: the deployed API invokes the reconciler
     * function, so the API's own role needs no right to delete assignments.
     */
    reconcile?: () => Promise<ReconcileReport>;
    activity?: ActivityTargets;
    accountNames?: ReadonlyMap<string, string>;
  } = {},
): Composed {
  const ledger = new Ledger(aws.ddb, resources.tableName);
  const engine = new Engine(aws.sfn, resources.stateMachineArn);
  const events = new EventPublisher(aws.events, resources.eventBusName);
  const catalog = new InstanceCatalog(aws.ssoAdmin, resources.instanceArn);
  const now = () => new Date();
  const ctx: ServiceContext = {
    ledger,
    engine,
    events,
    directory: new Directory(aws.identityStore, resources.identityStoreId),
    catalog,
    policy,
    logger,
    now,
    tokenWaitMs: options.tokenWaitMs ?? 10_000,
    ...(options.activity ? { activity: options.activity } : {}),
    ...(options.accountNames ? { accountNames: options.accountNames } : {}),
    // Only policies that name OUs need the organization's tree.
    ...(options.organization && policy.rules.some((rule) => (rule.ous ?? []).length > 0)
      ? { organization: options.organization }
      : {}),
  };
  return {
    ctx,
    reconcile:
      options.reconcile ??
      (() =>
        reconcile({
          ledger,
          engine,
          events,
          ssoAdmin: aws.ssoAdmin,
          instanceArn: resources.instanceArn,
          catalog,
          policy,
          logger,
          now,
        })),
  };
}

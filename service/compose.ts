import type { Logger } from '@aws-lambda-powertools/logger';
import { IdentityCenterAssignments } from '../adapters/assignments.ts';
import { InstanceCatalog } from '../adapters/catalog.ts';
import type { AwsClients } from '../adapters/clients.ts';
import { Directory } from '../adapters/directory.ts';
import { Engine, EventPublisher } from '../adapters/engine.ts';
import { Ledger } from '../adapters/ledger.ts';
import type { OrgTree } from '../core/org-tree.ts';
import type { Policy } from '../core/policy.ts';
import type { ReconcileReport } from '../core/reconcile.ts';
import {
  DEFAULT_WORKFLOW_LIMITS,
  validateWorkflowLimits,
  type WorkflowLimits,
} from '../core/workflow-limits.ts';
import type { ActivityTargets, ServiceContext } from './context.ts';
import { reconcile } from './reconcile.ts';

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
    /** @default DEFAULT_WORKFLOW_LIMITS */
    workflowLimits?: WorkflowLimits;
    /**
     * Where a reconcile runs when asked for, if not here: the deployed API invokes the reconciler
     * function, so the API's own role needs no right to delete assignments.
     */
    reconcile?: () => Promise<ReconcileReport>;
    activity?: ActivityTargets;
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
    workflowLimits: validateWorkflowLimits(options.workflowLimits ?? DEFAULT_WORKFLOW_LIMITS),
    ...(options.activity ? { activity: options.activity } : {}),
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
          assignments: new IdentityCenterAssignments(aws.ssoAdmin, resources.instanceArn),
          catalog,
          policy,
          logger,
          now,
        })),
  };
}

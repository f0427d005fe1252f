import type { Logger } from '@aws-lambda-powertools/logger';
import { IdentityCenterAssignments } from '../adapters/assignments.ts';
import { ConfiguredCatalog } from '../adapters/catalog.ts';
import type { AwsClients } from '../adapters/clients.ts';
import { Directory } from '../adapters/directory.ts';
import { Engine, EventPublisher } from '../adapters/engine.ts';
import { Ledger } from '../adapters/ledger.ts';
import { LedgerPages } from '../adapters/ledger-pages.ts';
import { TaskTokens } from '../adapters/task-tokens.ts';
import type { OrgTree } from '../core/org-tree.ts';
import { PageTokens } from '../core/page-token.ts';
import { accountOfArn, type Policy, protectAccount } from '../core/policy.ts';
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
  /** Name → ARN of the permission sets the policy names (the configuration's `permissionSetArns`). */
  readonly permissionSetArns: Readonly<Record<string, string>>;
  /**
   * The KMS key task tokens are sealed with (`TASK_TOKEN_KEY_ARN`); only the functions that answer
   * the workflow have it. @default none: opening a token fails
   */
  readonly taskTokenKeyArn?: string;
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
    /**
     * Page tokens under the stack's key (the deployed API reads it from Secrets Manager). By
     * default a key of this process: tokens then open only here (the local runtime, tests).
     */
    pageTokens?: PageTokens;
    accountNames?: ReadonlyMap<string, string>;
  } = {},
): Composed {
  // The stack's own account is the state machine's: it is never leased, whatever the file says.
  const ownAccountId = accountOfArn(resources.stateMachineArn);
  const enforced = protectAccount(policy, ownAccountId);
  const ledger = new Ledger(aws.ddb, resources.tableName);
  const engine = new Engine(aws.sfn, resources.stateMachineArn);
  const events = new EventPublisher(aws.events, resources.eventBusName);
  const catalog = new ConfiguredCatalog(resources.permissionSetArns);
  const now = () => new Date();
  const ctx: ServiceContext = {
    ledger,
    pages: new LedgerPages(aws.ddb, resources.tableName),
    pageTokens: options.pageTokens ?? PageTokens.ephemeral(),
    engine,
    tokens: new TaskTokens(aws.kms, resources.taskTokenKeyArn),
    events,
    directory: new Directory(aws.identityStore, resources.identityStoreId),
    catalog,
    policy: enforced,
    ownAccountId,
    logger,
    now,
    tokenWaitMs: options.tokenWaitMs ?? 10_000,
    workflowLimits: validateWorkflowLimits(options.workflowLimits ?? DEFAULT_WORKFLOW_LIMITS),
    ...(options.activity ? { activity: options.activity } : {}),
    ...(options.accountNames ? { accountNames: options.accountNames } : {}),
    // Only policies that name OUs need the organization's tree.
    ...(options.organization && enforced.rules.some((rule) => (rule.ous ?? []).length > 0)
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
          // As the file says: what the tool owns is cleaned up wherever it is.
          policy,
          logger,
          now,
        })),
  };
}

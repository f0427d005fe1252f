import type { Logger } from '@aws-lambda-powertools/logger';
import type { ActivityLogs } from '../adapters/activity-logs.ts';
import type { Directory } from '../adapters/directory.ts';
import type { Engine, EventPublisher } from '../adapters/engine.ts';
import type { Ledger } from '../adapters/ledger.ts';
import type { LedgerPages } from '../adapters/ledger-pages.ts';
import type { TaskTokens } from '../adapters/task-tokens.ts';
import type { AthenaTarget } from '../core/activity.ts';
import type { OrgTree } from '../core/org-tree.ts';
import type { PageTokens } from '../core/page-token.ts';
import type { Policy } from '../core/policy.ts';
import type { WorkflowLimits } from '../core/workflow-limits.ts';

/** Permission set names (as the API and the policy use them) to ARNs of the instance. */
export interface Catalog {
  permissionSetArn(name: string): Promise<string | undefined>;
}

/** Everything the lease operations need; built once per process (Lambda or local server). */
export interface ServiceContext {
  readonly ledger: Ledger;
  /** How lists page through the ledger's indexes, and the tokens that say where a page ends. */
  readonly pages: LedgerPages;
  readonly pageTokens: PageTokens;
  readonly engine: Engine;
  /** Opens the workflow's task tokens, which the ledger keeps sealed. */
  readonly tokens: TaskTokens;
  readonly events: EventPublisher;
  readonly directory: Directory;
  readonly catalog: Catalog;
  /** The access policy as enforced: the stack's own account is protected (`protectAccount`). */
  readonly policy: Policy;
  /** The account idc-lease runs in (the delegated administrator); never leased. */
  readonly ownAccountId: string;
  readonly logger: Logger;
  readonly now: () => Date;
  /** The organization's OUs and accounts, for rules that name OUs; absent when none is known. */
  readonly organization?: () => Promise<OrgTree>;
  /** How long the workflow of a new lease polls and pages before it gives up. */
  readonly workflowLimits: WorkflowLimits;
  /**
   * Account names known besides the organization tree (the local runtime's seed); the console
   * shows them beside ids. Deployed, names come from the tree where it is read.
   */
  readonly accountNames?: ReadonlyMap<string, string>;
  /** How long an approve/revoke/extend waits for the workflow's next task token. */
  readonly tokenWaitMs: number;
  /** Where the organization trail can be queried for what a lease's sessions did. */
  readonly activity?: ActivityTargets;
}

export interface ActivityTargets {
  /** Named in the Athena query; the API does not run it (results need S3 and Glue rights). */
  readonly athena?: AthenaTarget;
  /** The trail's log group: the API runs the Logs Insights query and returns its rows. */
  readonly logs?: ActivityLogs;
}

import type { Logger } from '@aws-lambda-powertools/logger';
import type { ReconcileReport } from '../../core/reconcile.ts';
import { parseTrigger } from './trigger.ts';

export interface TriggeredRunDeps {
  reconcile: () => Promise<ReconcileReport>;
  /** The reconciler's own logger: its keys are reset on every run. */
  logger: Logger;
}

/**
 * One reconciler invocation, from the raw event to the report: the deployed Lambda and the local
 * runtime's queue drain both run exactly this, so a rule wired locally proves the deployed path.
 * Every trigger runs a full reconcile; the ended execution only names the lease that caused it.
 */
export async function reconcileOnTrigger(deps: TriggeredRunDeps, event: unknown): Promise<ReconcileReport> {
  const { logger } = deps;
  logger.resetKeys();
  const trigger = parseTrigger(event);
  if (trigger.kind === 'execution-ended')
    logger.appendKeys({ leaseId: trigger.leaseId, executionArn: trigger.executionArn });
  logger.info('reconciler triggered', { trigger });
  return deps.reconcile();
}

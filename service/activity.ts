import type { Caller } from '../adapters/directory.ts';
import { type ActivityQueries, activityQueries, activityWindow } from '../core/activity.ts';
import { ConflictError } from '../core/errors.ts';
import type { ServiceContext } from './context.ts';
import { getLease } from './requests.ts';

export type LeaseActivity = ActivityQueries & {
  /** Rows of the Logs Insights query, where the deployment names the trail's log group. */
  results?: Record<string, string>[];
  /** Why there are no results although a target is configured (the queries still stand). */
  resultsError?: string;
};

/** GET /leases/{id}/activity: who may read the lease may see how to query what it did. */
export async function leaseActivity(ctx: ServiceContext, caller: Caller, id: string): Promise<LeaseActivity> {
  const lease = await getLease(ctx, caller, id);
  const window = activityWindow(lease, ctx.now());
  if (!window) throw new ConflictError(`lease ${id} was never granted, so no session acted under it`);
  const logs = ctx.activity?.logs;
  const activity = activityQueries(lease, window, {
    ...(ctx.activity?.athena ? { athena: ctx.activity.athena } : {}),
    ...(logs ? { logGroupNames: logs.logGroupNames } : {}),
  });
  if (!logs) return activity;
  const { queryString, startTime, endTime } = activity.queries.logsInsights;
  try {
    return { ...activity, results: await logs.run({ queryString, startTime, endTime }) };
  } catch (err) {
    // The answer without rows is still useful: the caller can run the query in the console.
    ctx.logger.warn('activity query failed', { leaseId: id, error: err as Error });
    return { ...activity, resultsError: (err as Error).message };
  }
}

import * as z from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { DetailType, EVENT_SOURCE } from '../../core/lease-status.ts';
import { type EndOutcome, endSessions, type SessionEnderDeps, type SweepReport, sweep } from './ender.ts';

const LeaseEndEvent = z.object({
  id: z.string().min(1),
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.enum([DetailType.Ended, DetailType.Failed]),
  detail: z.object({
    leaseId: z.string().min(1),
    at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be a timestamp'),
    failure: z.object({ stage: z.string().optional() }).optional(),
  }),
});

const ScheduledEvent = z.object({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});

const fail = (error: z.ZodError): never => {
  const issue = error.issues[0] as z.core.$ZodIssue;
  throw new ValidationError(issue.path.join('.') || 'event', issue.message);
};

/**
 * One invocation from the raw event: a lease's end ends its sessions, the schedule sweeps expired
 * denies. The Lambda and the local runtime's queue drain both call exactly this.
 */
export async function onTrigger(deps: SessionEnderDeps, event: unknown): Promise<EndOutcome | SweepReport> {
  deps.logger.resetKeys();
  const source = (event as { source?: unknown } | null)?.source;
  if (source === 'aws.events') {
    const parsed = ScheduledEvent.safeParse(event);
    if (!parsed.success) fail(parsed.error);
    return sweep(deps);
  }
  const parsed = LeaseEndEvent.safeParse(event);
  if (!parsed.success) return fail(parsed.error);
  const { id, detail } = parsed.data;
  deps.logger.appendKeys({ leaseId: detail.leaseId, eventId: id });
  return endSessions(deps, {
    eventId: id,
    leaseId: detail.leaseId,
    // Step Functions writes microseconds and an offset; the ledger keeps one sortable form.
    at: new Date(detail.at).toISOString(),
    kind: parsed.data['detail-type'] === DetailType.Ended ? 'ended' : 'failed',
    ...(detail.failure?.stage ? { stage: detail.failure.stage } : {}),
  });
}

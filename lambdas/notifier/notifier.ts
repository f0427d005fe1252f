import type { Logger } from '@aws-lambda-powertools/logger';
import type { Ledger } from '../../adapters/ledger.ts';
import type { Channel, ChannelName } from '../../adapters/notify-http.ts';
import type { People } from '../../adapters/people.ts';
import type { LeaseRecord } from '../../core/lease.ts';
import { DetailType } from '../../core/lease-status.ts';
import {
  type Delivery,
  dueForEndingSoon,
  ENDING_SOON,
  LeaseEventSchema,
  type LeaseFacts,
  route,
} from '../../core/notifications.ts';

export interface NotifierDeps {
  ledger: Ledger;
  people: People;
  channels: readonly Channel[];
  /** Channels that also receive every event. */
  audit: readonly ChannelName[];
  consoleUrl?: string;
  leadSeconds: number;
  logger: Logger;
  now: () => Date;
}

/** The lease record as messages describe it; the task token and internal keys stay behind. */
const factsOf = (lease: LeaseRecord): LeaseFacts => ({
  id: lease.id,
  status: lease.status,
  requester: lease.requester,
  accountId: lease.accountId,
  permissionSet: lease.permissionSet,
  duration: lease.duration,
  durationSeconds: lease.durationSeconds,
  justification: lease.justification,
  ...(lease.ticket ? { ticket: lease.ticket } : {}),
  ruleId: lease.ruleId,
  ...(lease.expiresAt ? { expiresAt: lease.expiresAt } : {}),
  ...(lease.endReason ? { endReason: lease.endReason } : {}),
  ...(lease.failure ? { failure: lease.failure } : {}),
});

/**
 * Sends every delivery on every channel that serves its audience; one channel failing does not
 * keep the others from delivering. Then throws if anything failed, so the event is retried and
 * ends in the consumer's dead-letter queue (receivers deduplicate on the notification id).
 */
async function dispatch(deps: NotifierDeps, deliveries: readonly Delivery[]): Promise<void> {
  const sends = deliveries.flatMap((delivery) =>
    deps.channels
      .filter((channel) => delivery.audience !== 'audit' || deps.audit.includes(channel.name))
      .map(async (channel) => {
        try {
          await channel.send(delivery);
        } catch (err) {
          // A warning: the event as a whole fails below, and that is the error operators act on.
          deps.logger.warn('notification failed', {
            channel: channel.name,
            notification: delivery.notification.id,
            error: err as Error,
          });
          throw err;
        }
      }),
  );
  const failed = (await Promise.allSettled(sends)).filter((r) => r.status === 'rejected');
  if (failed.length > 0)
    throw new Error(
      `${failed.length} of ${sends.length} notifications failed: ${failed
        .map((r) => ((r as PromiseRejectedResult).reason as Error).message)
        .join('; ')}`,
    );
}

/** One lease event: look up the lease and the people it concerns, route, deliver. */
export async function notifyEvent(deps: NotifierDeps, raw: unknown): Promise<Delivery[]> {
  const event = LeaseEventSchema.parse(raw);
  const leaseId = event.detail.leaseId;
  const record = leaseId ? await deps.ledger.getLease(leaseId) : undefined;
  if (leaseId && !record) deps.logger.warn('event about an unknown lease', { leaseId });
  const requester = record
    ? ((await deps.people.byId(record.requester.userId)) ?? { userName: record.requester.userName })
    : undefined;
  const approvers =
    record && event['detail-type'] === DetailType.ApprovalRequested
      ? await deps.people.expand(record.approvers)
      : [];
  const deliveries = route({
    event,
    ...(record ? { lease: factsOf(record) } : {}),
    ...(requester ? { requester } : {}),
    approvers,
    audit: deps.audit.length > 0,
    ...(deps.consoleUrl ? { consoleUrl: deps.consoleUrl } : {}),
  });
  await dispatch(deps, deliveries);
  return deliveries;
}

/**
 * The scheduled sweep: every ACTIVE lease expiring within the lead time, once per expiry. The
 * conditional update claims the message before it is sent, so two overlapping sweeps never both
 * send; a failed send gives the claim back for the next sweep.
 */
export async function sweepEndingSoon(deps: NotifierDeps): Promise<string[]> {
  const now = deps.now();
  const notified: string[] = [];
  const errors: Error[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.ledger.queryLeases('byStatus', 'ACTIVE', 100, nextToken);
    nextToken = page.nextToken;
    for (const lease of dueForEndingSoon(
      page.items as (LeaseRecord & { endingSoonFor?: string })[],
      now,
      deps.leadSeconds,
    )) {
      const expiresAt = lease.expiresAt as string;
      const claimed = await deps.ledger.updateLease(lease.id, {
        from: ['ACTIVE'],
        set: { endingSoonFor: expiresAt },
        condition: {
          expression: 'attribute_not_exists(endingSoonFor) OR endingSoonFor <> :notifiedFor',
          values: { ':notifiedFor': expiresAt },
        },
      });
      if (!claimed) continue;
      try {
        await notifyEvent(deps, {
          id: `ending-soon:${lease.id}:${expiresAt}`,
          'detail-type': ENDING_SOON,
          detail: { leaseId: lease.id, at: now.toISOString(), expiresAt },
        });
        notified.push(lease.id);
      } catch (err) {
        errors.push(err as Error);
        await deps.ledger.updateLease(lease.id, {
          remove: ['endingSoonFor'],
          condition: { expression: 'endingSoonFor = :notifiedFor', values: { ':notifiedFor': expiresAt } },
        });
      }
    }
  } while (nextToken);
  if (errors.length > 0) throw new Error(`ending-soon: ${errors.map((e) => e.message).join('; ')}`);
  return notified;
}

const isSchedule = (raw: unknown): boolean => {
  const e = raw as { source?: unknown; 'detail-type'?: unknown };
  return e?.source === 'aws.events' && e['detail-type'] === 'Scheduled Event';
};

/** What the function runs for each invocation: the minute schedule, or a lease event. */
export async function onNotifierEvent(deps: NotifierDeps, raw: unknown): Promise<void> {
  if (isSchedule(raw)) {
    const notified = await sweepEndingSoon(deps);
    if (notified.length > 0) deps.logger.info('ending soon', { leases: notified });
    return;
  }
  const deliveries = await notifyEvent(deps, raw);
  deps.logger.info('notified', { deliveries: deliveries.map((d) => d.notification.id) });
}

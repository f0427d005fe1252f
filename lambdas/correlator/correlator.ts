import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventPublisher } from '../../adapters/engine.ts';
import type { Ledger } from '../../adapters/ledger.ts';
import { type AssignmentCall, parseAssignmentCall } from '../../core/cloudtrail.ts';
import { type CandidateLease, type Correlation, correlate, screen } from '../../core/correlate.ts';
import { DetailType } from '../../core/lease-status.ts';
import { managedPermissionSets, type Policy } from '../../core/policy.ts';
import type { Catalog } from '../../service/context.ts';

export interface CorrelatorDeps {
  ledger: Pick<Ledger, 'queryLeases' | 'updateLease' | 'drift'>;
  events: Pick<EventPublisher, 'publish'>;
  catalog: Catalog;
  policy: Policy;
  instanceArn: string;
  toolRoleArns: ReadonlySet<string>;
  /** The Identity Store userName of a user id, for the finding; undefined when unknown. */
  userNameOf: (userId: string) => Promise<string | undefined>;
  logger: Logger;
  now: () => Date;
  graceMs: number;
}

/** The default `graceMs`: Lambda retries a failed asynchronous event after ~1 and ~3 minutes. */
export const DEFAULT_GRACE_MS = 120_000;

/**
 * Thrown while a record of the tool's own call waits for its lease to record the request id:
 * the consumer delivers the record again (Lambda's asynchronous retry, or the local queue).
 */
export class CorrelationPendingError extends Error {
  constructor(readonly eventId: string) {
    super(`CloudTrail event ${eventId}: its lease has not recorded the request id yet; retried later`);
    this.name = 'CorrelationPendingError';
  }
}

/**
 * Another delivery of the same record holds the right to publish its drift event: this one comes
 * back later (by then the event is out, or the other delivery gave the claim back).
 */
export class DriftPublishPendingError extends Error {
  constructor(readonly eventId: string) {
    super(`CloudTrail event ${eventId}: another delivery is publishing its drift event; retried later`);
    this.name = 'DriftPublishPendingError';
  }
}

/** Standard executions last at most a year: an older lease cannot have made the call. */
const OLDEST_LEASE_MS = 366 * 24 * 3600 * 1000;

const managedArns = async (deps: CorrelatorDeps): Promise<Map<string, string>> => {
  const managed = new Map<string, string>();
  for (const name of managedPermissionSets(deps.policy)) {
    const arn = await deps.catalog.permissionSetArn(name);
    if (arn) managed.set(arn, name);
  }
  return managed;
};

/** The principal's leases of the call's account and permission set, newest first. */
const candidatesOf = async (deps: CorrelatorDeps, call: AssignmentCall): Promise<CandidateLease[]> => {
  // The tool assigns users only; a group's lease cannot exist.
  if (call.principal.type !== 'USER') return [];
  const oldest = new Date(Date.parse(call.eventTime) - OLDEST_LEASE_MS).toISOString();
  const found: CandidateLease[] = [];
  let token: string | undefined;
  do {
    const page = await deps.ledger.queryLeases('byRequester', call.principal.id, 100, token);
    for (const l of page.items) {
      if (l.accountId !== call.accountId || l.permissionSetArn !== call.permissionSetArn) continue;
      found.push({
        id: l.id,
        status: l.status,
        requestedAt: l.requestedAt,
        ...(l.endedAt ? { endedAt: l.endedAt } : {}),
        ...(l.assignment?.preExisting !== undefined ? { preExisting: l.assignment.preExisting } : {}),
        ...(l.assignment?.createRequestId ? { createRequestId: l.assignment.createRequestId } : {}),
        ...(l.assignment?.deleteRequestId ? { deleteRequestId: l.assignment.deleteRequestId } : {}),
      });
    }
    const last = page.items.at(-1);
    token = last && last.requestedAt < oldest ? undefined : page.nextToken;
  } while (token);
  return found;
};

/**
 * One CloudTrail record of an account assignment call, from the raw EventBridge event to its
 * effect: a `CLOUDTRAIL_EVENT` on the lease that made the call, an `OUT_OF_BAND` finding with an
 * `Assignment Drift Detected` event, or nothing. Both effects apply once per CloudTrail event id.
 */
export async function correlateRecord(deps: CorrelatorDeps, event: unknown): Promise<Correlation> {
  const { logger } = deps;
  logger.resetKeys();
  const parsed = parseAssignmentCall(event);
  if (parsed.kind === 'ignore') {
    logger.info('CloudTrail record ignored', { reason: parsed.reason });
    return parsed;
  }
  const { call } = parsed;
  logger.appendKeys({ eventId: call.eventId, eventName: call.eventName, requestId: call.requestId });
  const ctx = {
    instanceArn: deps.instanceArn,
    managed: await managedArns(deps),
    toolRoleArns: deps.toolRoleArns,
    now: deps.now(),
    graceMs: deps.graceMs,
  };
  const screened = screen(call, ctx);
  const verdict = screened ?? correlate(call, await candidatesOf(deps, call), ctx);
  switch (verdict.kind) {
    case 'ignore':
      logger.info('CloudTrail record ignored', { reason: verdict.reason });
      break;
    case 'retry':
      throw new CorrelationPendingError(call.eventId);
    case 'timeline': {
      const applied = await deps.ledger.updateLease(verdict.leaseId, {
        timeline: [verdict.entry],
        eventId: `cloudtrail:${call.eventId}`,
      });
      logger.info('CloudTrail record added to the lease timeline', {
        leaseId: verdict.leaseId,
        matchedBy: verdict.matchedBy,
        alreadyApplied: applied === undefined,
      });
      break;
    }
    case 'drift': {
      const userName = call.principal.type === 'USER' ? await deps.userNameOf(call.principal.id) : undefined;
      const finding = {
        ...verdict.finding,
        principal: { ...verdict.finding.principal, ...(userName ? { userName } : {}) },
      };
      if (await deps.ledger.drift.record(verdict.key, finding)) {
        // One publisher at a time: CloudTrail delivers a record more than once, at once too.
        const claim = randomUUID();
        if (!(await deps.ledger.drift.claimPublish(verdict.key, claim)))
          throw new DriftPublishPendingError(call.eventId);
        try {
          await deps.events.publish(DetailType.DriftDetected, finding);
        } catch (err) {
          await deps.ledger.drift.releasePublish(verdict.key, claim);
          throw err;
        }
        // Marked only once the event is out: a failed publish is retried with the record.
        await deps.ledger.drift.published(verdict.key);
        logger.warn('out-of-band assignment change', { finding });
      }
      return { ...verdict, finding };
    }
  }
  return verdict;
}

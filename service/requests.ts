import { createHash } from 'node:crypto';
import type { Caller } from '../adapters/directory.ts';
import type { WorkflowInput } from '../adapters/engine.ts';
import { formatDuration, parseDuration, parseTimestamp } from '../core/duration.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../core/errors.ts';
import { type Lease, type LeaseRecord, publicLease, type TimelineEntry } from '../core/lease.ts';
import { DetailType } from '../core/lease-status.ts';
import { leaseKey, newLeaseId, tuplePk } from '../core/ledger-keys.ts';
import { evaluateRequest, isAdmin, isApprover, isAuditor, type Rule, recheckLease } from '../core/policy.ts';
import { MAX_SCHEDULE_AHEAD_SECONDS } from '../core/workflow-limits.ts';
import type { ServiceContext } from './context.ts';
import { CreateLeaseBody, parseBody } from './schemas.ts';

/**
 * Conditional writes that lose a race re-read the lease and decide again this often before giving
 * up with a 409: each round one of the racing writers wins.
 */
export const RACE_ATTEMPTS = 6;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The lease's rule as the policy says now, for its requester as the directory says now (groups
 * change): still there, still covering the target, target not protected, requester still allowed.
 */
export async function currentRule(
  ctx: ServiceContext,
  lease: LeaseRecord,
  requester?: Caller,
): Promise<Rule> {
  let identity = requester;
  try {
    identity ??= await ctx.directory.resolve(lease.requester.userName);
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err;
    throw new ForbiddenError(
      `the requester ${lease.requester.userName} is no longer an Identity Center user`,
    );
  }
  const tree = await ctx.organization?.();
  return recheckLease(ctx.policy, identity, lease, tree?.ousOf(lease.accountId) ?? []);
}

export const eventDetail = (lease: LeaseRecord, at: string, extra: Record<string, unknown> = {}) => ({
  leaseId: lease.id,
  requester: lease.requester,
  accountId: lease.accountId,
  permissionSet: lease.permissionSet,
  at,
  ...extra,
});

/** POST /leases: decide with the policy, record the lease, start its workflow. */
export async function requestLease(
  ctx: ServiceContext,
  caller: Caller,
  body: unknown,
): Promise<{ lease: Lease; created: boolean }> {
  const input = parseBody(CreateLeaseBody, body);
  const durationSeconds = parseDuration(input.duration, 'duration');
  const now = ctx.now();
  let startAt: string | undefined;
  if (input.startAt !== undefined) {
    const start = parseTimestamp(input.startAt, 'startAt');
    const ahead = (start.getTime() - now.getTime()) / 1000;
    if (ahead > MAX_SCHEDULE_AHEAD_SECONDS) throw new ValidationError('startAt', 'must be within 90 days');
    // A start in the past or right now is simply "now".
    if (ahead > 1) startAt = start.toISOString();
  }
  // An unknown permission set is a typo (400), not a refusal (403): check it before the policy.
  const permissionSetArn = await ctx.catalog.permissionSetArn(input.permissionSet);
  if (!permissionSetArn) {
    throw new ValidationError('permissionSet', `unknown permission set ${input.permissionSet}`);
  }
  const tree = await ctx.organization?.();
  const decision = evaluateRequest(ctx.policy, caller, {
    accountId: input.accountId,
    permissionSet: input.permissionSet,
    durationSeconds,
    accountOus: tree?.ousOf(input.accountId) ?? [],
  });

  let id = newLeaseId(now);
  if (input.clientToken) {
    const { clientToken, ...request } = input;
    const fingerprint = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    const earlier = await ctx.ledger.claimClientToken(`${caller.userId}#${clientToken}`, id, fingerprint);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) {
        throw new ConflictError('clientToken: already used for a different request');
      }
      const found = await awaitRecord(ctx, earlier.leaseId);
      if (found) return { lease: publicLease(await finishStart(ctx, found, decision)), created: false };
      // The first request with this token claimed it and then failed before its lease was
      // written (it answered an error): this one writes the lease, under the id it claimed.
      id = earlier.leaseId;
    }
  }
  const requestedAt = now.toISOString();
  const status = decision.approvalRequired ? 'PENDING_APPROVAL' : startAt ? 'SCHEDULED' : 'GRANTING';
  const timeline: TimelineEntry[] = [
    { at: requestedAt, type: 'REQUESTED', actor: caller.userName, detail: { ruleId: decision.ruleId } },
  ];
  if (status === 'SCHEDULED') timeline.push({ at: requestedAt, type: 'SCHEDULED', detail: { startAt } });
  const tuple = tuplePk({
    principalType: 'USER',
    principalId: caller.userId,
    accountId: input.accountId,
    permissionSetArn,
  });
  const record: LeaseRecord = {
    ...leaseKey(id),
    kind: 'lease',
    id,
    status,
    requester: { userName: caller.userName, userId: caller.userId },
    accountId: input.accountId,
    permissionSet: input.permissionSet,
    duration: formatDuration(durationSeconds),
    durationSeconds,
    justification: input.justification,
    ...(input.ticket ? { ticket: input.ticket } : {}),
    ruleId: decision.ruleId,
    approvalRequired: decision.approvalRequired,
    approvers: decision.approvers,
    required: decision.required,
    approvals: [],
    requestedAt,
    ...(startAt ? { startAt } : {}),
    assignment: { preExisting: false },
    timeline,
    principalId: caller.userId,
    requesterId: caller.userId,
    permissionSetArn,
    tuplePk: tuple,
    executionArn: ctx.engine.executionArn(id),
    ...(input.clientToken ? { clientToken: input.clientToken } : {}),
  };
  await ctx.ledger.createLease(record);

  await startWorkflow(ctx, record, decision);
  await ctx.events.publish(
    DetailType.Requested,
    eventDetail(record, requestedAt, {
      ruleId: decision.ruleId,
      approvalRequired: decision.approvalRequired,
    }),
  );
  return { lease: publicLease(record), created: true };
}

/** A retried request may arrive while the first one is still writing its lease. */
async function awaitRecord(ctx: ServiceContext, id: string): Promise<LeaseRecord | undefined> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const record = await ctx.ledger.getLease(id);
    if (record) return record;
    await sleep(100);
  }
  return undefined;
}

type Decision = ReturnType<typeof evaluateRequest>;

/** The execution's input, from the lease as recorded, so that a retried start sends the same. */
const workflowInput = (ctx: ServiceContext, record: LeaseRecord, decision: Decision): WorkflowInput => ({
  lease: {
    id: record.id,
    requester: record.requester,
    accountId: record.accountId,
    permissionSet: record.permissionSet,
    permissionSetArn: record.permissionSetArn,
    principalId: record.principalId,
    tuplePk: record.tuplePk,
    approvalRequired: record.approvalRequired,
    approvalTimeoutSeconds: Math.max(1, decision.approvalTimeoutSeconds),
    ...(record.startAt ? { startAt: record.startAt } : {}),
  },
  period: {
    eventType: DetailType.Activated,
    seconds: record.durationSeconds,
    expiresAt: null,
    extensionId: null,
    extensions: 0,
  },
  grant: { requestId: null, startedAt: null, preExisting: true, poll: { status: 'NONE' } },
  revoke: { requestId: null, startedAt: null },
  outcome: { failed: false },
  counters: {
    creation: { n: 0 },
    deletion: { n: 0 },
    join: { n: 0 },
    tuple: { n: 0 },
    evidence: { n: 0 },
    pages: { n: 0 },
  },
  limits: ctx.workflowLimits,
});

/** A refusal (a client error other than a throttle) means Step Functions started nothing. */
const startRefused = (err: unknown) => {
  const e = err as { $fault?: string; name?: string };
  return e.$fault === 'client' && !/Throttl|TooManyRequests/.test(e.name ?? '');
};

/**
 * Starts the lease's workflow. A start that answered a server error or a throttle may have
 * started it (its answer lost, the SDK's replay lost too), so it is replayed once more (starts
 * are idempotent by name); the lease fails only when Step Functions refused the start. When the
 * outcome stays unknown the error goes back to the client, whose retry (same clientToken)
 * finishes the start. The API does not describe executions (only the reconciler may).
 */
async function startWorkflow(ctx: ServiceContext, record: LeaseRecord, decision: Decision): Promise<void> {
  const input = workflowInput(ctx, record, decision);
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.engine.start(input);
      return;
    } catch (err) {
      const refused = startRefused(err);
      if (!refused && attempt < 2) continue;
      ctx.logger.error('could not start the lease workflow', {
        leaseId: record.id,
        refused,
        error: err as Error,
      });
      if (refused) {
        await ctx.ledger.updateLease(record.id, {
          status: 'FAILED',
          set: {
            failure: { stage: 'REQUEST', error: 'WorkflowNotStarted', cause: (err as Error).name },
            endedAt: record.requestedAt,
          },
          timeline: [{ at: record.requestedAt, type: 'FAILED' }],
        });
      }
      throw err;
    }
  }
}

/**
 * A retried request finds its lease: started unless the first request failed before it was. The
 * start is idempotent, so it is simply asked again while the lease has not gone past waiting.
 */
async function finishStart(ctx: ServiceContext, record: LeaseRecord, decision: Decision) {
  if (['PENDING_APPROVAL', 'SCHEDULED', 'GRANTING'].includes(record.status))
    await startWorkflow(ctx, record, decision);
  return record;
}

/** Requester, the rule's approvers, admins and auditors may read a lease. */
export async function getLease(ctx: ServiceContext, caller: Caller, id: string): Promise<Lease> {
  const record = await loadLease(ctx, id);
  const allowed =
    record.requester.userId === caller.userId ||
    isApprover(record.approvers, caller) ||
    isAdmin(ctx.policy, caller) ||
    isAuditor(ctx.policy, caller);
  if (!allowed) throw new ForbiddenError(`${caller.userName} may not read lease ${id}`);
  return publicLease(record);
}

export async function loadLease(ctx: ServiceContext, id: string): Promise<LeaseRecord> {
  const record = await ctx.ledger.getLease(id);
  if (!record) throw new NotFoundError(`no lease ${id}`);
  return record;
}

import type { Logger } from '@aws-lambda-powertools/logger';
import type { Ledger } from '../../adapters/ledger.ts';
import type { LedgerLock } from '../../adapters/policy-lock.ts';
import type { PermissionSetPolicies } from '../../adapters/session-policy.ts';
import { addSeconds } from '../../core/duration.ts';
import { findRule, type Policy } from '../../core/policy.ts';
import {
  accessKeptBy,
  addDeny,
  checkSize,
  denyStatement,
  type PolicyChange,
  type PolicyDocument,
  parsePolicy,
  pruneExpired,
  renderPolicy,
} from '../../core/session-deny.ts';

export interface SessionEnderDeps {
  ledger: Ledger;
  lock: LedgerLock;
  policies: PermissionSetPolicies;
  policy: Policy;
  /** ARNs of the permission sets endSessions rules name: the ones the sweep reads. */
  permissionSetArns: () => Promise<string[]>;
  logger: Logger;
  now: () => Date;
}

/** A lease's end as the trigger reports it: which lease, when, and the event's id (idempotency). */
export interface LeaseEnd {
  eventId: string;
  leaseId: string;
  at: string;
  kind: 'ended' | 'failed';
  /** For a failed lease: the stage it failed in (GRANT failures never gave access). */
  stage?: string;
}

export type EndOutcome =
  | { ended: true; sid: string; issuedBefore: string; removeAfter: string; provisioned: string[] }
  | { ended: false; reason: string };

/**
 * The policy under the permission set's lock: read, change, write if changed, provision the
 * accounts whose copy changed and `provisionAnyway` (an end whose statement an earlier delivery
 * wrote, but whose provisioning was never confirmed: the text is there, the role may not have it).
 */
async function rewrite(
  deps: SessionEnderDeps,
  permissionSetArn: string,
  change: (doc: PolicyDocument) => PolicyChange,
  provisionAnyway: readonly string[] = [],
): Promise<{ provisioned: string[]; requestIds: string[] }> {
  return deps.lock.with(`SESSIONS#${permissionSetArn}`, async (confirm) => {
    const result = change(parsePolicy(await deps.policies.inlinePolicy(permissionSetArn)));
    const accounts = [...new Set([...(result.changed ? result.accounts : []), ...provisionAnyway])].sort();
    if (result.changed) {
      const text = result.doc.statements.length === 0 ? null : renderPolicy(result.doc);
      if (text !== null) checkSize(text);
      // Someone who waited out an expired lock must not have written in between.
      await confirm();
      await deps.policies.writeInlinePolicy(permissionSetArn, text);
    }
    const requestIds: string[] = [];
    for (const accountId of accounts)
      requestIds.push(await deps.policies.provision(permissionSetArn, accountId));
    return { provisioned: accounts, requestIds };
  });
}

/** Not the event's own id: the ledger writer records that one for the same event. */
const recordedAs = (end: LeaseEnd) => `${end.eventId}#sessions-ended`;

/**
 * After a lease of an endSessions rule ends: when the user keeps no other right to the tuple, deny
 * the user's sessions on that account issued before the end, provision, and record SESSIONS_ENDED.
 * SESSIONS_ENDED is the mark that this end is done, so it is written only once provisioning
 * SUCCEEDED; until then every delivery of the end provisions the account, also when the statement
 * is already in the policy (an earlier delivery wrote it, then provisioning failed).
 */
export async function endSessions(deps: SessionEnderDeps, end: LeaseEnd): Promise<EndOutcome> {
  const { ledger, policies, logger } = deps;
  const lease = await ledger.getLease(end.leaseId);
  if (!lease) throw new Error(`lease ${end.leaseId} is not in the ledger`);
  if (lease.appliedEvents?.has(recordedAs(end))) return { ended: false, reason: 'already-recorded' };
  if (!findRule(deps.policy, lease.ruleId)?.endSessions) return { ended: false, reason: 'rule' };
  if (end.kind === 'failed' && (end.stage ?? 'GRANT') === 'GRANT')
    return { ended: false, reason: 'never-granted' };

  const tuple = await ledger.tuples.get(lease.tuplePk);
  const assignments = await policies.assignments(lease.permissionSetArn, lease.accountId);
  const groupIds = assignments.some((a) => a.principalType === 'GROUP')
    ? await policies.groupIds(lease.principalId)
    : new Set<string>();
  const kept = accessKeptBy({
    leaseId: lease.id,
    userId: lease.principalId,
    holders: tuple?.holders ?? [],
    standing: tuple?.standing === true,
    assignments,
    groupIds,
  });
  if (kept) {
    logger.info('user keeps access to the tuple; sessions left alone', { keptBy: kept });
    return { ended: false, reason: kept };
  }

  const sessionSeconds = await policies.sessionSeconds(lease.permissionSetArn);
  const target = {
    userId: lease.principalId,
    accountId: lease.accountId,
    issuedBefore: end.at,
    removeAfter: addSeconds(end.at, sessionSeconds),
  };
  // addDeny leaves the statement covering this end in the policy, added now or before (merged
  // with a later end's): this end's account is provisioned either way.
  const { provisioned, requestIds } = await rewrite(
    deps,
    lease.permissionSetArn,
    (doc) => addDeny(doc, target, deps.now()),
    [lease.accountId],
  );
  const statement = denyStatement(target);
  const detail = {
    accountId: lease.accountId,
    sid: statement.Sid,
    tokenIssuedBefore: statement.Condition.DateLessThan['aws:TokenIssueTime'],
    removeAfter: addSeconds(end.at, sessionSeconds),
    ...(requestIds.length ? { provisioningRequestIds: requestIds } : {}),
  };
  await ledger.updateLease(lease.id, {
    timeline: [{ at: deps.now().toISOString(), type: 'SESSIONS_ENDED', actor: 'session-ender', detail }],
    eventId: recordedAs(end),
  });
  logger.info('sessions ended', { ...detail, provisioned });
  return {
    ended: true,
    sid: detail.sid,
    issuedBefore: detail.tokenIssuedBefore,
    removeAfter: detail.removeAfter,
    provisioned,
  };
}

export interface SweepReport {
  permissionSets: number;
  provisioned: { permissionSetArn: string; accountId: string }[];
}

/** Drops the tool's statements whose sessions have all expired, and re-provisions those accounts. */
export async function sweep(deps: SessionEnderDeps): Promise<SweepReport> {
  const arns = await deps.permissionSetArns();
  const report: SweepReport = { permissionSets: arns.length, provisioned: [] };
  for (const permissionSetArn of arns) {
    const { provisioned } = await rewrite(deps, permissionSetArn, (doc) => pruneExpired(doc, deps.now()));
    for (const accountId of provisioned) report.provisioned.push({ permissionSetArn, accountId });
  }
  deps.logger.info('swept session denies', { ...report });
  return report;
}

import type { Logger } from '@aws-lambda-powertools/logger';
import type { IdentityCenterAssignments } from '../adapters/assignments.ts';
import type { Engine, EventPublisher } from '../adapters/engine.ts';
import type { Ledger, TupleRecord } from '../adapters/ledger.ts';
import { type AssignmentTuple, parseTuplePk, tuplePk } from '../core/ledger-keys.ts';
import { needsCreationReport } from '../core/ownership.ts';
import { managedAccounts, managedPermissionSets, type Policy } from '../core/policy.ts';
import { type Finding, judge, liveActor, type ReconcileReport } from '../core/reconcile.ts';
import type { Catalog } from './context.ts';
import { endLeases, reportDrift } from './reconcile-effects.ts';
import { SweepFacts } from './reconcile-facts.ts';

export interface ReconcilerDeps {
  ledger: Ledger;
  engine: Engine;
  events: EventPublisher;
  assignments: IdentityCenterAssignments;
  catalog: Catalog;
  policy: Policy;
  logger: Logger;
  now: () => Date;
}

interface Sweep {
  deps: ReconcilerDeps;
  facts: SweepFacts;
  report: ReconcileReport;
  names: Map<string, string>;
  tuples: Map<string, TupleRecord>;
  assigned: Set<string>;
}

const failure = (stage: string, err: unknown) => ({
  stage,
  error: (err as Error).name ?? 'Error',
  message: (err as Error).message ?? String(err),
});

/**
 * Compares the ledger with Identity Center's real assignments of the managed permission sets and
 * removes what the tool owns (`core/ownership.ts`) but no live lease holds: the safety net for
 * stopped, failed or timed-out executions. Anything the tool does not own is reported, never
 * touched. One tuple's or one listing's failure is reported and the sweep goes on.
 */
export async function reconcile(deps: ReconcilerDeps): Promise<ReconcileReport> {
  const { ledger, catalog, policy, logger } = deps;
  const report: ReconcileReport = { checkedAssignments: 0, removed: [], outOfBand: [], failed: [] };
  const tuples = new Map((await ledger.scanKind<TupleRecord>('tuple')).map((t) => [t.pk, t]));
  const names = new Map<string, string>();
  for (const name of managedPermissionSets(policy)) {
    const arn = await catalog.permissionSetArn(name);
    if (arn) names.set(arn, name);
  }
  // The policy's pairs, every managed permission set on an account a tuple names, and a pair the
  // tool holds or created whatever the policy says now: a deploy that dropped an account or a
  // permission set does not keep a lease granted before it from being removed.
  const pairs = new Map<string, { accountId: string; permissionSetArn: string }>();
  const list = (accountId: string, permissionSetArn: string) =>
    pairs.set(`${accountId}#${permissionSetArn}`, { accountId, permissionSetArn });
  const accounts = new Set(managedAccounts(policy));
  for (const t of tuples.values())
    if (t.accountId && t.permissionSetArn && names.has(t.permissionSetArn)) accounts.add(t.accountId);
  for (const accountId of accounts) for (const arn of names.keys()) list(accountId, arn);
  for (const t of tuples.values())
    if (t.accountId && t.permissionSetArn && isToolsDoing(t)) list(t.accountId, t.permissionSetArn);

  // Only a complete listing says what is assigned: a pair whose listing failed is not judged.
  const assigned = new Set<string>();
  const listed = new Set<string>();
  for (const [pair, { accountId, permissionSetArn }] of pairs) {
    const permissionSet = names.get(permissionSetArn) ?? permissionSetArn;
    try {
      for (const principalId of await deps.assignments.assignedUsers(accountId, permissionSetArn)) {
        report.checkedAssignments++;
        assigned.add(tuplePk({ principalType: 'USER', principalId, accountId, permissionSetArn }));
      }
      listed.add(pair);
    } catch (err) {
      report.failed.push({ accountId, permissionSet, ...failure('list', err) });
      logger.error('listing failed; its tuples are left for the next run', { accountId, permissionSet });
    }
  }

  const sweep: Sweep = {
    deps,
    facts: new SweepFacts(ledger, deps.engine, deps.assignments, deps.now),
    report,
    names,
    tuples,
    assigned,
  };
  const keys = new Set([...assigned, ...[...tuples.values()].filter(isToolsDoing).map((t) => t.pk)]);
  for (const pk of keys) {
    const parsed = parseTuplePk(pk);
    if (!parsed || !listed.has(`${parsed.accountId}#${parsed.permissionSetArn}`)) continue;
    try {
      await settle(sweep, pk, parsed);
    } catch (err) {
      report.failed.push({ ...findingOf(sweep, parsed), ...failure('tuple', err) });
      logger.error('tuple not settled; left for the next run', { tuplePk: pk, error: err as Error });
    }
  }
  logger.info('reconciled', {
    checked: report.checkedAssignments,
    removed: report.removed.length,
    outOfBand: report.outOfBand.length,
    failed: report.failed.length,
  });
  return report;
}

/** A tuple some lease holds, is deleting, or created: what the tool may have to remove. */
const isToolsDoing = (t: TupleRecord): boolean =>
  Boolean(t.holders?.size || t.deleting || t.creator || t.createdBy);

const findingOf = (sweep: Sweep, parsed: AssignmentTuple): Finding => ({
  accountId: parsed.accountId,
  permissionSet: sweep.names.get(parsed.permissionSetArn) ?? parsed.permissionSetArn,
  principal: { type: 'USER', id: parsed.principalId },
});

/** Judges one tuple and carries the verdict out. */
async function settle(sweep: Sweep, pk: string, parsed: AssignmentTuple): Promise<void> {
  const { deps, facts } = sweep;
  const tuple = sweep.tuples.get(pk) ?? { pk };
  const holders = [...(tuple.holders ?? [])];
  const alive = new Map<string, boolean>();
  for (const id of [...holders, ...(tuple.deleting ? [tuple.deleting] : [])])
    alive.set(id, await facts.alive(id));
  const evidence = { standing: tuple.standing, creator: tuple.creator, createdBy: tuple.createdBy };
  const observed = {
    assigned: sweep.assigned.has(pk),
    evidence,
    holders,
    ...(tuple.deleting ? { deleting: tuple.deleting } : {}),
  };
  const isAlive = (id: string) => alive.get(id) === true;
  const quiet = liveActor(observed, isAlive);
  const verdict = judge(observed, {
    alive: isAlive,
    // Looked up only when the verdict can depend on it.
    deletionDone: !quiet && (await facts.deletionDone(tuple, parsed)),
    ...(!quiet && needsCreationReport(evidence) ? { creation: await facts.creation(tuple, parsed) } : {}),
  });
  const finding = findingOf(sweep, parsed);
  await deps.ledger.tuples.dropHolders(pk, verdict.deadHolders);
  if (verdict.recordCreated && tuple.creator) {
    const requestId = (await facts.lease(tuple.creator)).record?.assignment.createRequestId;
    await deps.ledger.tuples.recordCreated(pk, tuple.creator, requestId);
  }
  const ended = [...verdict.deadHolders, ...(verdict.staleDeleter ? [verdict.staleDeleter] : [])];

  if (verdict.remove) {
    const at = deps.now();
    const me = `reconciler-${at.getTime()}`;
    const seen = { deleting: tuple.deleting, creator: tuple.creator, createdBy: tuple.createdBy };
    if (!(await deps.ledger.tuples.claimForDeletion(pk, me, at.toISOString(), seen))) {
      deps.logger.info('tuple changed meanwhile; left for the next run', { tuplePk: pk });
      return;
    }
    const requestId = await deps.assignments.delete(parsed);
    await deps.ledger.tuples.deleted(pk, me);
    await endLeases(deps, facts, ended, requestId);
    const leaseIds = ended.length > 0 ? ended : tuple.creator ? [tuple.creator] : [];
    sweep.report.removed.push({ ...finding, leaseIds, ...(requestId ? { requestId } : {}) });
    await reportDrift(deps, `ORPHANED#${pk}#${requestId ?? at.toISOString()}`, {
      at: at.toISOString(),
      kind: 'ORPHANED',
      source: 'RECONCILER',
      ...finding,
      ...(requestId ? { requestId } : {}),
      ...(leaseIds[0] ? { leaseId: leaseIds[0] } : {}),
    });
    return;
  }
  if (verdict.staleDeleter || verdict.forgetEvidence) {
    await deps.ledger.tuples.forget(pk, {
      deleting: tuple.deleting,
      creator: tuple.creator,
      createdBy: tuple.createdBy,
    });
  }
  await endLeases(deps, facts, ended, undefined);
  if (verdict.outOfBand) {
    sweep.report.outOfBand.push(finding);
    await reportDrift(deps, `OUT_OF_BAND#${pk}`, {
      at: deps.now().toISOString(),
      kind: 'OUT_OF_BAND',
      source: 'RECONCILER',
      ...finding,
    });
  }
}

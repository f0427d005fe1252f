import type { Logger } from '@aws-lambda-powertools/logger';
import {
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  paginateListAccountAssignments,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { Engine, EventPublisher } from '../../adapters/engine.ts';
import type { Ledger, TupleRecord } from '../../adapters/ledger.ts';
import type { LeaseRecord } from '../../core/lease.ts';
import { canReconcilerEnd, DetailType, isTerminal, LEASE_STATUSES } from '../../core/lease-status.ts';
import { parseTuplePk, tuplePk } from '../../core/ledger-keys.ts';
import { managedAccounts, managedPermissionSets, type Policy } from '../../core/policy.ts';
import { judge } from '../../core/reconcile.ts';
import type { Catalog } from '../../service/context.ts';

export interface ReconcilerDeps {
  ledger: Ledger;
  engine: Engine;
  events: EventPublisher;
  ssoAdmin: SSOAdminClient;
  instanceArn: string;
  catalog: Catalog;
  policy: Policy;
  logger: Logger;
  now: () => Date;
}

interface Finding {
  accountId: string;
  permissionSet: string;
  principal: { type: 'USER'; id: string; userName?: string };
}

export interface ReconcileReport {
  checkedAssignments: number;
  removed: (Finding & { leaseIds: string[]; requestId: string })[];
  outOfBand: Finding[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Compares the ledger with Identity Center's real assignments of the managed permission sets and
 * removes what the tool owns but no live lease holds: the safety net for stopped, failed or
 * timed-out executions. Anything the tool does not own is reported, never touched.
 */
export async function reconcile(deps: ReconcilerDeps): Promise<ReconcileReport> {
  const { ledger, catalog, policy, logger } = deps;
  const report: ReconcileReport = { checkedAssignments: 0, removed: [], outOfBand: [] };
  const tuples = new Map((await ledger.scanKind<TupleRecord>('tuple')).map((t) => [t.pk, t]));
  const names = new Map<string, string>();
  for (const name of managedPermissionSets(policy)) {
    const arn = await catalog.permissionSetArn(name);
    if (arn) names.set(arn, name);
  }
  const accounts = new Set(managedAccounts(policy));
  for (const t of tuples.values())
    if (t.accountId && t.permissionSetArn && names.has(t.permissionSetArn)) accounts.add(t.accountId);

  const assigned = new Set<string>();
  for (const accountId of accounts) {
    for (const permissionSetArn of names.keys()) {
      const pages = paginateListAccountAssignments(
        { client: deps.ssoAdmin },
        { InstanceArn: deps.instanceArn, AccountId: accountId, PermissionSetArn: permissionSetArn },
      );
      for await (const page of pages) {
        for (const a of page.AccountAssignments ?? []) {
          if (a.PrincipalType !== 'USER' || !a.PrincipalId) continue;
          report.checkedAssignments++;
          assigned.add(
            tuplePk({ principalType: 'USER', principalId: a.PrincipalId, accountId, permissionSetArn }),
          );
        }
      }
    }
  }

  const leases = new Map<string, LeaseRecord | undefined>();
  const alive = new Map<string, boolean>();
  const keys = new Set([
    ...assigned,
    ...[...tuples.values()].filter((t) => t.holders?.size || t.deleting).map((t) => t.pk),
  ]);
  for (const pk of keys) {
    const tuple = tuples.get(pk);
    const holders = [...(tuple?.holders ?? [])];
    for (const id of [...holders, ...(tuple?.deleting ? [tuple.deleting] : [])]) {
      if (alive.has(id)) continue;
      const lease = await ledger.getLease(id);
      leases.set(id, lease);
      alive.set(
        id,
        lease !== undefined &&
          !isTerminal(lease.status) &&
          (await deps.engine.status(lease.executionArn)) === 'RUNNING',
      );
    }
    const verdict = judge(
      {
        assigned: assigned.has(pk),
        known:
          tuple !== undefined &&
          (tuple.standing !== undefined || holders.length > 0 || tuple.deleting !== undefined),
        standing: tuple?.standing === true,
        holders,
        ...(tuple?.deleting ? { deleting: tuple.deleting } : {}),
      },
      (id) => alive.get(id) === true,
    );
    const parsed = parseTuplePk(pk);
    if (!parsed) continue;
    const finding: Finding = {
      accountId: parsed.accountId,
      permissionSet: names.get(parsed.permissionSetArn) ?? parsed.permissionSetArn,
      principal: { type: 'USER', id: parsed.principalId },
    };
    if (verdict.kind === 'ok') continue;
    if (verdict.kind === 'out-of-band') {
      report.outOfBand.push(finding);
      if (
        await ledger.recordDrift(`OUT_OF_BAND#${pk}`, {
          at: deps.now().toISOString(),
          kind: 'OUT_OF_BAND',
          source: 'RECONCILER',
          ...finding,
        })
      ) {
        await deps.events.publish(DetailType.DriftDetected, {
          kind: 'OUT_OF_BAND',
          source: 'RECONCILER',
          at: deps.now().toISOString(),
          ...finding,
        });
      }
      continue;
    }
    if (verdict.deadHolders.length > 0) await ledger.dropHolders(pk, verdict.deadHolders);
    if (verdict.kind === 'forget-holders') {
      if (tuple?.deleting && !alive.get(tuple.deleting)) await ledger.releaseDeleting(pk, tuple.deleting);
      await endLeases(deps, verdict.deadHolders, leases, undefined);
      continue;
    }
    const me = `reconciler-${deps.now().getTime()}`;
    if (!(await ledger.claimForDeletion(pk, me, verdict.staleDeleter))) {
      logger.info('tuple changed meanwhile; left for the next run', { tuplePk: pk });
      continue;
    }
    const requestId = await deleteAssignment(
      deps,
      parsed.accountId,
      parsed.permissionSetArn,
      parsed.principalId,
    );
    await ledger.releaseDeleting(pk, me);
    const ended = [...verdict.deadHolders, ...(verdict.staleDeleter ? [verdict.staleDeleter] : [])];
    await endLeases(deps, ended, leases, requestId);
    report.removed.push({ ...finding, leaseIds: ended, requestId });
    await ledger.recordDrift(`ORPHANED#${pk}#${requestId}`, {
      at: deps.now().toISOString(),
      kind: 'ORPHANED',
      source: 'RECONCILER',
      ...finding,
      ...(ended[0] ? { leaseId: ended[0] } : {}),
    });
    await deps.events.publish(DetailType.DriftDetected, {
      kind: 'ORPHANED',
      source: 'RECONCILER',
      at: deps.now().toISOString(),
      requestId,
      ...finding,
    });
  }
  logger.info('reconciled', {
    checked: report.checkedAssignments,
    removed: report.removed.length,
    outOfBand: report.outOfBand.length,
  });
  return report;
}

async function deleteAssignment(
  deps: ReconcilerDeps,
  accountId: string,
  permissionSetArn: string,
  principalId: string,
): Promise<string> {
  const out = await deps.ssoAdmin.send(
    new DeleteAccountAssignmentCommand({
      InstanceArn: deps.instanceArn,
      TargetId: accountId,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: permissionSetArn,
      PrincipalType: 'USER',
      PrincipalId: principalId,
    }),
  );
  const requestId = out.AccountAssignmentDeletionStatus?.RequestId as string;
  for (let attempt = 0; attempt < 60; attempt++) {
    const status = await deps.ssoAdmin.send(
      new DescribeAccountAssignmentDeletionStatusCommand({
        InstanceArn: deps.instanceArn,
        AccountAssignmentDeletionRequestId: requestId,
      }),
    );
    const state = status.AccountAssignmentDeletionStatus?.Status;
    if (state === 'SUCCEEDED') return requestId;
    if (state === 'FAILED')
      throw new Error(
        `deletion ${requestId} failed: ${status.AccountAssignmentDeletionStatus?.FailureReason}`,
      );
    await sleep(1000);
  }
  throw new Error(`deletion ${requestId} still in progress after 60 s`);
}

/** Leases whose workflow can no longer end them: the reconciler records the end and says so. */
async function endLeases(
  deps: ReconcilerDeps,
  ids: readonly string[],
  leases: Map<string, LeaseRecord | undefined>,
  requestId: string | undefined,
) {
  const at = deps.now().toISOString();
  for (const id of ids) {
    const lease = leases.get(id);
    if (!lease || lease.status === 'ENDED') continue;
    const endReason =
      lease.expiresAt && Date.parse(lease.expiresAt) <= deps.now().getTime() ? 'EXPIRED' : 'REVOKED';
    const ended = await deps.ledger.updateLease(id, {
      status: 'ENDED',
      from: LEASE_STATUSES.filter(canReconcilerEnd),
      set: { endReason, endedAt: at, ...(requestId ? { 'assignment.deleteRequestId': requestId } : {}) },
      remove: ['taskToken', 'tokenFor'],
      timeline: [
        {
          at,
          type: 'ENDED',
          actor: 'reconciler',
          detail: { endReason, ...(requestId ? { requestId } : {}) },
        },
      ],
    });
    if (ended) {
      await deps.events.publish(DetailType.Ended, {
        leaseId: id,
        requester: ended.requester,
        accountId: ended.accountId,
        permissionSet: ended.permissionSet,
        at,
        endReason,
        recordedBy: 'reconciler',
        ...(requestId ? { requestId } : {}),
      });
    }
  }
}

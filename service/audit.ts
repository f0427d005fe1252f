import type { Caller } from '../adapters/directory.ts';
import { ForbiddenError, ValidationError } from '../core/errors.ts';
import { type Lease, type LeaseRecord, publicLease } from '../core/lease.ts';
import { isAdmin, isAuditor } from '../core/policy.ts';
import type { ServiceContext } from './context.ts';
import { type ListPage, listPage, type Query, timeRange } from './paging.ts';
import { principalId } from './queries.ts';

export type AuditFormat = 'json' | 'csv' | 'jsonl';

export interface AuditExport {
  format: AuditFormat;
  leases: Lease[];
  nextToken?: string;
}

const FORMATS: readonly AuditFormat[] = ['json', 'csv', 'jsonl'];

export const checkOverseer = (ctx: ServiceContext, caller: Caller) => {
  if (!isAdmin(ctx.policy, caller) && !isAuditor(ctx.policy, caller)) {
    throw new ForbiddenError('only auditors and admins read the audit trail');
  }
};

/** Audit exports are bigger pages: 100 by default, at most 1000. */
const AUDIT_PAGES = { fallback: 100, max: 1000 };

/**
 * GET /audit: leases with their timelines, newest first, filtered by principal, account,
 * permission set and request time; `?limit=` (default 100, at most 1000) and `?nextToken=`.
 * A principal's leases come from the requester index (by the user's id), everything else from
 * the index of all leases by request time; account and permission set filter what those read.
 */
export async function auditTrail(ctx: ServiceContext, caller: Caller, query: Query): Promise<AuditExport> {
  checkOverseer(ctx, caller);
  const format = (query.format ?? 'json') as AuditFormat;
  if (!FORMATS.includes(format)) throw new ValidationError('format', 'must be json, csv or jsonl');
  const range = timeRange(query);
  const { accountId, permissionSet } = query;
  const filtered = accountId !== undefined || permissionSet !== undefined;
  const page = await listPage<LeaseRecord>(ctx, caller, 'GET /audit', query, AUDIT_PAGES, {
    ...(query.principal
      ? { index: 'byRequester', partitions: [await principalId(ctx, query.principal)] }
      : { index: 'byKind', partitions: ['lease'] }),
    range,
    ...(filtered
      ? {
          keep: (l: LeaseRecord) =>
            (accountId === undefined || l.accountId === accountId) &&
            (permissionSet === undefined || l.permissionSet === permissionSet),
        }
      : {}),
    selection: [accountId, permissionSet],
  });
  return {
    format,
    leases: page.items.map(publicLease),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  };
}

const CSV_COLUMNS = [
  'id',
  'status',
  'endReason',
  'requester',
  'accountId',
  'permissionSet',
  'duration',
  'ruleId',
  'justification',
  'ticket',
  'approvals',
  'requestedAt',
  'grantedAt',
  'expiresAt',
  'endedAt',
  'preExisting',
  'createRequestId',
  'deleteRequestId',
  'timeline',
] as const;

/** RFC 4180 quoting; a leading = + - @ is prefixed so a spreadsheet never runs it as a formula. */
const cell = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export const toCsv = (leases: readonly Lease[]): string => {
  const rows = leases.map((l) =>
    [
      l.id,
      l.status,
      l.endReason,
      l.requester.userName,
      l.accountId,
      l.permissionSet,
      l.duration,
      l.ruleId,
      l.justification,
      l.ticket,
      l.approvals.map((a) => `${a.userName}:${a.decision}`).join(' '),
      l.requestedAt,
      l.grantedAt,
      l.expiresAt,
      l.endedAt,
      l.assignment.preExisting,
      l.assignment.createRequestId,
      l.assignment.deleteRequestId,
      l.timeline,
    ]
      .map(cell)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
};

export const toJsonLines = (leases: readonly Lease[]): string =>
  leases.map((l) => `${JSON.stringify(l)}\n`).join('');

export interface DriftFinding {
  at: string;
  kind: 'OUT_OF_BAND' | 'ORPHANED';
  source: 'CLOUDTRAIL' | 'RECONCILER';
  accountId: string;
  permissionSet: string;
  principal: { type: string; id: string; userName?: string };
  eventId?: string;
  leaseId?: string;
  requestId?: string;
  /** CLOUDTRAIL findings: the call, and who made it (either CloudTrail record shape). */
  eventName?: string;
  actor?: { type: string; userName?: string; userId?: string; arn?: string };
}

/** What the ledger stores of a finding: its own `kind` is kept as `findingKind`. */
type StoredFinding = Omit<DriftFinding, 'kind'> & {
  pk: string;
  sk: string;
  kind: string;
  findingKind: DriftFinding['kind'];
  /** Whether the finding's event is out (`DriftLedger.record`); not part of the finding. */
  published?: boolean;
  /** A publisher's claim on the finding's event (the correlator's); not part of the finding. */
  publishClaim?: string;
  publishClaimAt?: number;
};

/**
 * GET /audit/drift: what the reconciler and the CloudTrail correlator found, newest first, from
 * the ledger's index of findings by time; `?from=&to=`, `?limit=` (default 100, at most 1000).
 */
export async function driftFindings(
  ctx: ServiceContext,
  caller: Caller,
  query: Query,
): Promise<ListPage<DriftFinding>> {
  checkOverseer(ctx, caller);
  const page = await listPage<StoredFinding>(ctx, caller, 'GET /audit/drift', query, AUDIT_PAGES, {
    index: 'byKindAt',
    partitions: ['drift'],
    range: timeRange(query),
  });
  return {
    ...page,
    items: page.items.map(
      ({
        pk: _pk,
        sk: _sk,
        kind: _item,
        findingKind,
        published: _p,
        publishClaim: _c,
        publishClaimAt: _a,
        ...finding
      }) => ({
        ...finding,
        kind: findingKind,
      }),
    ),
  };
}

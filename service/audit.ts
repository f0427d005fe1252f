import type { Caller } from '../adapters/directory.ts';
import { ForbiddenError, ValidationError } from '../core/errors.ts';
import { type Lease, type LeaseRecord, publicLease } from '../core/lease.ts';
import { isAdmin, isAuditor } from '../core/policy.ts';
import type { ServiceContext } from './context.ts';
import type { Query } from './queries.ts';

export type AuditFormat = 'json' | 'csv' | 'jsonl';

export interface AuditExport {
  format: AuditFormat;
  leases: Lease[];
  nextToken?: string;
}

const FORMATS: readonly AuditFormat[] = ['json', 'csv', 'jsonl'];

const instant = (query: Query, field: 'from' | 'to'): string | undefined => {
  const value = query[field];
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time) || !/[zZ]|[+-]\d\d:?\d\d$/.test(value)) {
    throw new ValidationError(field, 'must be an ISO 8601 timestamp with a time zone');
  }
  return new Date(time).toISOString();
};

export const checkOverseer = (ctx: ServiceContext, caller: Caller) => {
  if (!isAdmin(ctx.policy, caller) && !isAuditor(ctx.policy, caller)) {
    throw new ForbiddenError('only auditors and admins read the audit trail');
  }
};

/**
 * GET /audit: leases with their timelines, newest first, filtered by principal, account,
 * permission set and request time; `?limit=` (default 100, at most 1000) and `?nextToken=`.
 */
export async function auditTrail(ctx: ServiceContext, caller: Caller, query: Query): Promise<AuditExport> {
  checkOverseer(ctx, caller);
  const format = (query.format ?? 'json') as AuditFormat;
  if (!FORMATS.includes(format)) throw new ValidationError('format', 'must be json, csv or jsonl');
  const from = instant(query, 'from');
  const to = instant(query, 'to');
  const limit = query.limit === undefined ? 100 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new ValidationError('limit', 'must be a whole number from 1 to 1000');
  }
  // The cursor is the (requestedAt, id) of the last lease returned: stable under new requests.
  const cursor = query.nextToken ? Buffer.from(query.nextToken, 'base64url').toString('utf8') : undefined;
  const matching = (await ctx.ledger.scanKind<LeaseRecord>('lease'))
    .filter(
      (l) =>
        (!query.principal || l.requester.userName === query.principal) &&
        (!query.accountId || l.accountId === query.accountId) &&
        (!query.permissionSet || l.permissionSet === query.permissionSet) &&
        (!from || l.requestedAt >= from) &&
        (!to || l.requestedAt <= to),
    )
    .map((l) => ({ key: `${l.requestedAt}#${l.id}`, lease: l }))
    .sort((a, b) => b.key.localeCompare(a.key))
    .filter((l) => !cursor || l.key < cursor);
  const page = matching.slice(0, limit);
  const last = page.at(-1);
  return {
    format,
    leases: page.map((l) => publicLease(l.lease)),
    ...(matching.length > limit && last ? { nextToken: Buffer.from(last.key).toString('base64url') } : {}),
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

/** GET /audit/drift: what the reconciler and the CloudTrail correlator found, newest first. */
export async function driftFindings(
  ctx: ServiceContext,
  caller: Caller,
  query: Query,
): Promise<DriftFinding[]> {
  checkOverseer(ctx, caller);
  const from = instant(query, 'from');
  const to = instant(query, 'to');
  type Stored = Omit<DriftFinding, 'kind'> & {
    pk: string;
    sk: string;
    kind: string;
    findingKind: DriftFinding['kind'];
    published?: boolean;
    /** A publisher's claim on the finding's event (the correlator's); not part of the finding. */
    publishClaim?: string;
    publishClaimAt?: number;
  };
  const items = await ctx.ledger.scanKind<Stored>('drift');
  return items
    .filter((f) => (!from || f.at >= from) && (!to || f.at <= to))
    .sort((a, b) => b.at.localeCompare(a.at))
    .map(
      ({
        pk: _pk,
        sk: _sk,
        kind: _item,
        findingKind,
        published: _p,
        publishClaim: _c,
        publishClaimAt: _a,
        ...f
      }) => ({
        ...f,
        kind: findingKind,
      }),
    );
}

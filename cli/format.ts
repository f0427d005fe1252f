import { printable, safeJson } from '../core/text.ts';

/** Human output: aligned tables for lists, `key: value` lines for one object. */

export interface LeaseView {
  id: string;
  status: string;
  endReason?: string;
  requester?: { userName?: string; userId?: string };
  accountId?: string;
  permissionSet?: string;
  duration?: string;
  justification?: string;
  ticket?: string;
  ruleId?: string;
  approvalRequired?: boolean;
  approvals?: { userName: string; decision: string; comment?: string; at: string }[];
  requestedAt?: string;
  startAt?: string;
  grantedAt?: string;
  expiresAt?: string;
  endedAt?: string;
  failure?: { stage?: string; error?: string; cause?: string };
  assignment?: { preExisting?: boolean; createRequestId?: string; deleteRequestId?: string };
  timeline?: { at: string; type: string; actor?: string; detail?: unknown }[];
}

export interface MeView {
  userName: string;
  userId: string;
  groups?: string[];
}

export interface RuleView {
  ruleId: string;
  accounts?: string[];
  permissionSets?: string[];
  maxDuration?: string;
  approvalRequired?: boolean;
}

/** Columns padded to their widest cell; the last column is not padded. Cells are made printable. */
export function table(headers: readonly string[], unsafeRows: readonly (readonly string[])[]): string {
  const rows = unsafeRows.map((r) => r.map(printable));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `key: value` lines with the values aligned; undefined values are left out. */
export function keyValues(pairs: readonly [string, string | undefined][]): string {
  const present = pairs
    .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '')
    .map(([k, v]): [string, string] => [k, printable(v)]);
  const width = Math.max(0, ...present.map(([k]) => k.length + 1));
  return present.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`).join('\n');
}

const dash = (s: string | undefined) => s ?? '-';

export const statusOf = (lease: Pick<LeaseView, 'status' | 'endReason'>): string =>
  lease.endReason ? `${lease.status} (${lease.endReason})` : lease.status;

export function leaseTable(leases: readonly LeaseView[]): string {
  if (leases.length === 0) return '(no leases)';
  return table(
    ['ID', 'STATUS', 'REQUESTER', 'ACCOUNT', 'PERMISSION SET', 'EXPIRES'],
    leases.map((l) => [
      l.id,
      statusOf(l),
      dash(l.requester?.userName),
      dash(l.accountId),
      dash(l.permissionSet),
      dash(l.expiresAt),
    ]),
  );
}

const detailText = (detail: unknown): string => {
  if (detail === undefined || detail === null) return '';
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail as Record<string, unknown>)
    .map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(' ');
};

export function leaseDetail(lease: LeaseView): string {
  const approvals = (lease.approvals ?? [])
    .map((a) => `${a.userName} ${a.decision} at ${a.at}${a.comment ? ` (${a.comment})` : ''}`)
    .join('; ');
  const failure = lease.failure
    ? [lease.failure.stage, lease.failure.error, lease.failure.cause].filter(Boolean).join(': ')
    : undefined;
  const assignment = lease.assignment
    ? lease.assignment.preExisting
      ? 'pre-existing (not created by this lease)'
      : 'created by this lease'
    : undefined;
  const head = keyValues([
    ['id', lease.id],
    ['status', statusOf(lease)],
    ['requester', lease.requester?.userName],
    ['account', lease.accountId],
    ['permission set', lease.permissionSet],
    ['duration', lease.duration],
    ['justification', lease.justification],
    ['ticket', lease.ticket],
    ['rule', lease.ruleId],
    [
      'approval',
      lease.approvalRequired === undefined ? undefined : lease.approvalRequired ? 'required' : 'none',
    ],
    ['approvals', approvals || undefined],
    ['requested', lease.requestedAt],
    ['starts', lease.startAt],
    ['granted', lease.grantedAt],
    ['expires', lease.expiresAt],
    ['ended', lease.endedAt],
    ['failure', failure],
    ['assignment', assignment],
  ]);
  const timeline = lease.timeline ?? [];
  if (timeline.length === 0) return head;
  const rows = timeline.map((t) => [t.at, t.type, t.actor ?? '', detailText(t.detail)]);
  const body = table(['AT', 'EVENT', 'ACTOR', 'DETAIL'], rows)
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return `${head}\n\ntimeline:\n${body}`;
}

export function meDetail(me: MeView): string {
  return keyValues([
    ['user', me.userName],
    ['user id', me.userId],
    ['groups', (me.groups ?? []).join(', ') || '(none)'],
  ]);
}

export function eligibilityTable(rules: readonly RuleView[]): string {
  if (rules.length === 0) return '(no rules: you may not request any lease)';
  return table(
    ['RULE', 'ACCOUNTS', 'PERMISSION SETS', 'MAX DURATION', 'APPROVAL'],
    rules.map((r) => [
      r.ruleId,
      (r.accounts ?? []).join(','),
      (r.permissionSets ?? []).join(','),
      dash(r.maxDuration),
      r.approvalRequired ? 'required' : 'none',
    ]),
  );
}

/** JSON as the CLI prints it: C1 controls, line separators and bidi overrides escaped too. */
export const json = (value: unknown, indent = 2): string => safeJson(JSON.stringify(value, null, indent));

import { randomBytes } from 'node:crypto';

/**
 * DynamoDB single-table keys. The API, the ledger writer and the state machine input all build
 * keys here, so a key format can never differ between the writer and the reader.
 */

export const LEASE_SK = 'LEASE';
/** One item per (principal, account, permission set) records which leases hold that assignment. */
export const TUPLE_SK = 'HOLD';

export type PrincipalType = 'USER' | 'GROUP';

export interface AssignmentTuple {
  principalType: PrincipalType;
  principalId: string;
  accountId: string;
  permissionSetArn: string;
}

export interface TableKey {
  pk: string;
  sk: string;
}

export function leaseKey(id: string): TableKey {
  return { pk: `LEASE#${id}`, sk: LEASE_SK };
}

const ACCOUNT_RE = /^\d{12}$/;

/** Throws on parts that would make the key ambiguous: `#` is the separator. */
export function tuplePk(tuple: AssignmentTuple): string {
  const { principalType, principalId, accountId, permissionSetArn } = tuple;
  if (principalType !== 'USER' && principalType !== 'GROUP') {
    throw new RangeError(`tuplePk: principalType must be USER or GROUP, got ${String(principalType)}`);
  }
  if (!ACCOUNT_RE.test(accountId)) throw new RangeError(`tuplePk: invalid account id ${accountId}`);
  for (const [name, value] of [
    ['principalId', principalId],
    ['permissionSetArn', permissionSetArn],
  ] as const) {
    if (value === '' || value.includes('#')) throw new RangeError(`tuplePk: invalid ${name} "${value}"`);
  }
  return `TUPLE#${principalType}#${principalId}#${accountId}#${permissionSetArn}`;
}

export function tupleKey(tuple: AssignmentTuple): TableKey {
  return { pk: tuplePk(tuple), sk: TUPLE_SK };
}

/** Inverse of `tuplePk`; null for any other key, so scans can skip foreign items safely. */
export function parseTuplePk(pk: string): AssignmentTuple | null {
  const parts = pk.split('#');
  if (parts.length !== 5) return null;
  const [prefix, principalType, principalId, accountId, permissionSetArn] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (prefix !== 'TUPLE' || (principalType !== 'USER' && principalType !== 'GROUP')) return null;
  if (principalId === '' || !ACCOUNT_RE.test(accountId) || permissionSetArn === '') return null;
  return { principalType, principalId, accountId, permissionSetArn };
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const RANDOM_RE = /^[a-z2-7]{10}$/;
const LEASE_ID_RE = /^l-\d{8}T\d{6}-[a-z2-7]{10}$/;

/** Step Functions execution names: 1–80 characters of [A-Za-z0-9-_]. */
export const EXECUTION_NAME_RE = /^[A-Za-z0-9_-]{1,80}$/;

function randomBase32(): string {
  // 256 is a multiple of 32, so masking each byte keeps the alphabet uniform.
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => BASE32[b & 31]).join('');
}

/**
 * `l-<yyyymmddThhmmss>-<10 base32 chars>` (UTC). The id doubles as the execution name, and the
 * fixed-width timestamp makes ids sort by request time; 50 random bits keep same-second ids apart.
 */
export function newLeaseId(now: Date, random: () => string = randomBase32): string {
  const iso = now.toISOString();
  // Years beyond 9999 get a sign and extra digits, which would break both sorting and isLeaseId.
  if (!/^\d{4}-/.test(iso)) throw new RangeError(`newLeaseId: year out of range in ${iso}`);
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  const suffix = random();
  if (!RANDOM_RE.test(suffix)) {
    throw new RangeError(`newLeaseId: random part must be 10 lowercase base32 characters, got "${suffix}"`);
  }
  return `l-${stamp}-${suffix}`;
}

export function isLeaseId(s: unknown): s is string {
  return typeof s === 'string' && LEASE_ID_RE.test(s);
}

import { createHash } from 'node:crypto';
import { generationFor, type HoldPeriod, holdPeriodOf } from './extension.ts';
import type { LeaseRecord } from './lease.ts';

/**
 * The workflow's task tokens (issue 10). A waiting state puts one event per attempt: when its
 * PutEvents is retried (throttled, failed entry, lost answer) the state puts a new event with a new
 * token and the earlier token is dead. Events arrive at least once and in any order, so the ledger
 * keeps only the newest token, by rank: a hold token over an approval token, a later hold period
 * over an earlier one, a later attempt over an earlier one. Ranks only grow; a finished lease
 * takes the top rank, so no late event gives it a token again.
 */

export type TokenFor = 'APPROVAL' | 'HOLD';

export interface TokenPosition {
  for: TokenFor;
  /** The hold period's `extensions` (0 for the activation; 0 for approval tokens). */
  extensions: number;
  /** `$$.State.RetryCount` of the waiting state that put the token. */
  attempt: number;
}

const ATTEMPTS = 1_000;
const PERIODS = 1_000_000;
const HOLD_BASE = ATTEMPTS * PERIODS;

/**
 * A token answers the workflow: whoever holds one (and states:SendTaskSuccess) decides a lease. At
 * rest the ledger keeps it sealed (`adapters/task-tokens.ts`: KMS ciphertext under the stack's
 * token key, bound to the lease and the token's kind) beside its digest, which the conditional
 * writes compare (two ciphertexts of one token differ). `taskToken` is the plain text a ledger
 * written before tokens were sealed may still hold: read, delivered and dropped, never written.
 */
export const TOKEN_ATTRIBUTES = ['tokenCiphertext', 'tokenDigest', 'tokenFor', 'taskToken'] as const;

/**
 * The encryption context that binds a sealed token to its lease and kind: a ciphertext copied to
 * another lease's record, or from an approval to a hold, does not decrypt. The key policy admits
 * token use only with exactly these keys (`lib/task-token-key.ts`).
 */
export const tokenContext = (leaseId: string, kind: TokenFor): Record<TokenContextKey, string> => ({
  leaseId,
  tokenFor: kind,
});
export const TOKEN_CONTEXT_KEYS = ['leaseId', 'tokenFor'] as const;
export type TokenContextKey = (typeof TOKEN_CONTEXT_KEYS)[number];

/**
 * What identifies a token without revealing it: its SHA-256. A task token is a long random value,
 * so its hash gives nothing to guess from (the same reasoning keys console sessions by a hash).
 */
export const tokenDigest = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** The token a lease record holds, as stored: sealed, or (written before sealing) plain. */
export type HeldToken =
  | { readonly for: TokenFor; readonly digest: string; readonly sealed: string }
  | { readonly for: TokenFor; readonly digest: string; readonly plain: string };

export function heldToken(lease: LeaseRecord): HeldToken | undefined {
  const kind = lease.tokenFor;
  if (kind !== 'APPROVAL' && kind !== 'HOLD') return undefined;
  if (lease.tokenCiphertext && lease.tokenDigest)
    return { for: kind, digest: lease.tokenDigest, sealed: lease.tokenCiphertext };
  if (lease.taskToken) return { for: kind, digest: tokenDigest(lease.taskToken), plain: lease.taskToken };
  return undefined;
}

/** No token is ever stored over this rank: the lease has finished. */
export const FINISHED_RANK = Number.MAX_SAFE_INTEGER;

const inRange = (n: number, below: number) => Number.isSafeInteger(n) && n >= 0 && n < below;

export function tokenRank(position: TokenPosition): number {
  if (!inRange(position.attempt, ATTEMPTS))
    throw new RangeError(`tokenRank: attempt ${position.attempt} out of range`);
  if (!inRange(position.extensions, PERIODS))
    throw new RangeError(`tokenRank: extensions ${position.extensions} out of range`);
  if (position.for === 'APPROVAL' && position.extensions !== 0)
    throw new RangeError('tokenRank: an approval token has no hold period');
  return (position.for === 'HOLD' ? HOLD_BASE : 0) + position.extensions * ATTEMPTS + position.attempt;
}

/** The hold period a stored hold token belongs to; undefined for approval tokens and unranked ones. */
export function holdGeneration(rank: number | undefined): number | undefined {
  if (rank === undefined || rank === FINISHED_RANK || rank < HOLD_BASE) return undefined;
  return Math.floor((rank - HOLD_BASE) / ATTEMPTS);
}

/** What the workflow must hear at the token the record holds, given what the ledger decided. */
export type Delivery =
  | { kind: 'fail'; error: 'Lease.Revoked' | 'Lease.Cancelled' | 'Lease.Rejected'; cause: unknown }
  | { kind: 'approve'; output: { approvedBy: string[]; at: string } }
  | { kind: 'extend'; output: HoldPeriod; reservationId: string };

/**
 * The decision recorded on the lease that its current token has not been told yet, or undefined.
 * The API records a decision first and then tells the workflow; when that call fails, or the token
 * it used was superseded, the ledger writer tells the next token that arrives. Delivering twice is
 * harmless: a token answers once, and a spent one is refused as stale.
 */
export function pendingDelivery(lease: LeaseRecord, now: Date): Delivery | undefined {
  if (!heldToken(lease)) return undefined;
  if (lease.tokenFor === 'APPROVAL') {
    switch (lease.status) {
      case 'CANCELLED':
        return { kind: 'fail', error: 'Lease.Cancelled', cause: { by: 'withdrawal' } };
      case 'REJECTED':
        return { kind: 'fail', error: 'Lease.Rejected', cause: { by: 'rejection' } };
      // Approved (a revoke may have followed): the hold that comes next takes the revoke.
      case 'GRANTING':
      case 'SCHEDULED':
      case 'REVOKING':
        return lease.approvals.some((a) => a.decision === 'APPROVED')
          ? {
              kind: 'approve',
              output: { approvedBy: lease.approvals.map((a) => a.userName), at: now.toISOString() },
            }
          : undefined;
      default:
        return undefined;
    }
  }
  if (lease.tokenFor !== 'HOLD') return undefined;
  if (lease.status === 'REVOKING') return { kind: 'fail', error: 'Lease.Revoked', cause: { by: 'revoke' } };
  const reservation = lease.extension;
  if (lease.status !== 'ACTIVE' || !reservation) return undefined;
  // An unranked token (an execution started before ranks existed) is the period the record shows.
  const generation = holdGeneration(lease.tokenRank) ?? lease.extensions ?? 0;
  if (generation !== generationFor(reservation)) return undefined;
  return { kind: 'extend', output: holdPeriodOf(reservation, now), reservationId: reservation.id };
}

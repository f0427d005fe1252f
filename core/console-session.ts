import { createHash, randomBytes } from 'node:crypto';
import { parseDuration } from './duration.ts';
import { ValidationError } from './errors.ts';

/**
 * Console sessions: the server-side record a session cookie names, and the decisions about it.
 * Pure: the clock is always a parameter.
 */

export interface SessionLimits {
  /** From sign-in; never extended. */
  readonly absoluteMs: number;
  /** Since the last request; each request moves it on, up to the absolute limit. */
  readonly idleMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { absoluteMs: 8 * 3_600_000, idleMs: 3_600_000 };

/**
 * A session's idle expiry is written back at most this often: each request would otherwise cost
 * a write, and a minute is well inside any idle limit worth having.
 */
export const IDLE_REFRESH_STEP_MS = 60_000;

/** What the ledger keeps for a session. Times are milliseconds since the epoch. */
export interface SessionRecord {
  readonly userName: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly absoluteExpiresAt: number;
  readonly idleExpiresAt: number;
  /** Kept with the session, so every reader refreshes it the same way without configuration. */
  readonly idleMs: number;
  readonly endedAt?: number;
}

/** Reads `SESSION_ABSOLUTE` / `SESSION_IDLE`-style ISO 8601 durations; the idle limit may not exceed the absolute. */
export function sessionLimitsFrom(text: { absolute?: string; idle?: string }): SessionLimits {
  const absoluteMs =
    text.absolute === undefined
      ? DEFAULT_SESSION_LIMITS.absoluteMs
      : parseDuration(text.absolute, 'session.absolute') * 1000;
  const idleMs =
    text.idle === undefined ? DEFAULT_SESSION_LIMITS.idleMs : parseDuration(text.idle, 'session.idle') * 1000;
  if (idleMs > absoluteMs)
    throw new ValidationError('session.idle', 'must not be longer than session.absolute');
  return { absoluteMs, idleMs };
}

export function newSession(
  user: { userName: string; userId: string },
  now: number,
  limits: SessionLimits,
): SessionRecord {
  const absoluteExpiresAt = now + limits.absoluteMs;
  return {
    userName: user.userName,
    userId: user.userId,
    createdAt: now,
    absoluteExpiresAt,
    idleExpiresAt: Math.min(now + limits.idleMs, absoluteExpiresAt),
    idleMs: limits.idleMs,
  };
}

export type SessionState =
  | {
      readonly live: true;
      readonly record: SessionRecord /** write this idle expiry back */;
      readonly refreshTo?: number;
    }
  | { readonly live: false; readonly why: 'unknown' | 'signed-out' | 'expired' | 'idle' };

/** Whether a session still admits requests at `now`, and whether its idle expiry should move on. */
export function sessionState(record: SessionRecord | undefined, now: number): SessionState {
  if (!record) return { live: false, why: 'unknown' };
  if (record.endedAt !== undefined) return { live: false, why: 'signed-out' };
  if (now >= record.absoluteExpiresAt) return { live: false, why: 'expired' };
  if (now >= record.idleExpiresAt) return { live: false, why: 'idle' };
  const next = Math.min(now + record.idleMs, record.absoluteExpiresAt);
  return next - record.idleExpiresAt >= IDLE_REFRESH_STEP_MS
    ? { live: true, record, refreshTo: next }
    : { live: true, record };
}

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

/** 256 random bits, base64url: what the cookie carries. */
export const newSessionToken = (): string => randomBytes(32).toString('base64url');

/**
 * The ledger key of a session is a hash of its token, so whoever can read the table still cannot
 * present a session. Undefined for anything that is not a token this server issued.
 */
export function sessionKey(token: string | undefined): string | undefined {
  if (token === undefined || !TOKEN_RE.test(token)) return undefined;
  return createHash('sha256').update(token).digest('hex');
}

import { UsageError } from './args.ts';
import { ApiError, UnreachableError } from './client.ts';

export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  DENIED: 3,
  NOT_FOUND: 4,
  CONFLICT: 5,
  /** `lease audit verify` found a broken link in the audit trail. */
  TAMPERED: 6,
} as const;

/** 4xx usage/validation → 2, 401/403 → 3, 404 → 4, 409 → 5; anything else (5xx, network) → 1. */
export function exitCodeForStatus(status: number): number {
  if (status === 401 || status === 403) return EXIT.DENIED;
  if (status === 404) return EXIT.NOT_FOUND;
  if (status === 409) return EXIT.CONFLICT;
  if (status >= 400 && status < 500) return EXIT.USAGE;
  return EXIT.FAILURE;
}

/** True for the SDK's "no credentials anywhere in the chain" (and expired SSO token) errors. */
export const isCredentialsError = (err: unknown): boolean =>
  err instanceof Error &&
  (err.name === 'CredentialsProviderError' ||
    err.name === 'TokenProviderError' ||
    /credential/i.test(err.name));

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return EXIT.USAGE;
  if (err instanceof ApiError) return exitCodeForStatus(err.status);
  if (isCredentialsError(err)) return EXIT.DENIED;
  if (err instanceof UnreachableError) return EXIT.FAILURE;
  return EXIT.FAILURE;
}

/**
 * Typed domain errors. Every error a caller may see carries its HTTP status here, so handlers
 * never pick status codes themselves and the mapping lives in exactly one place.
 */

export class LeaseError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
  }
}

/** 400. The message always starts with the offending field so API clients can point at it. */
export class ValidationError extends LeaseError {
  readonly field: string;
  /** The message without the field prefix, for callers that add their own context (zod issues). */
  readonly detail: string;

  constructor(field: string, message: string) {
    super(400, 'VALIDATION', `${field}: ${message}`);
    this.field = field;
    this.detail = message;
  }
}

/** 401: no identity could be established at all. */
export class UnauthorizedError extends LeaseError {
  constructor(message = 'no authenticated identity') {
    super(401, 'UNAUTHORIZED', message);
  }
}

/** 403: the identity is known but not allowed. */
export class ForbiddenError extends LeaseError {
  constructor(message = 'not allowed') {
    super(403, 'FORBIDDEN', message);
  }
}

export class NotFoundError extends LeaseError {
  constructor(message = 'not found') {
    super(404, 'NOT_FOUND', message);
  }
}

/** 409: the request is valid but the lease is in a state that does not allow it. */
export class ConflictError extends LeaseError {
  constructor(message: string) {
    super(409, 'CONFLICT', message);
  }
}

/**
 * An access-policy file that cannot be used. Deliberately not a LeaseError: a broken policy is an
 * operator mistake caught at synth or load time, and an API caller must only ever see a 500 for it.
 */
export class PolicyError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], source = 'access policy') {
    super(`invalid ${source}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'PolicyError';
    this.problems = problems;
  }
}

export interface ErrorBody {
  status: number;
  body: { error: { code: string; message: string } };
}

export const isLeaseError = (err: unknown): err is LeaseError => err instanceof LeaseError;

/** Unknown errors may carry SDK details, ARNs or stack fragments, so their message never leaves. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof LeaseError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
}

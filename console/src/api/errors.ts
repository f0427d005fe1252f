/** An API refusal or a failure to reach the API, as the console shows it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 0 when the request never got an answer (offline, DNS, the server down). */
export const NO_ANSWER = 0;

/** The CONTRACT's error body `{error: {code, message}}`, or what can be said without one. */
export function toApiError(status: number, body: unknown, statusText = ''): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(status, error.code, error.message);
  }
  return new ApiError(status, `HTTP_${status}`, statusText || `the server answered ${status}`);
}

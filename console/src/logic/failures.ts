import type { ApiError } from '../api/errors.ts';

/** What went wrong and what to do about it, for an API refusal or a request that got no answer. */
export interface Explained {
  what: string;
  todo: string;
}

export function explain(error: Pick<ApiError, 'status' | 'code' | 'message'>): Explained {
  const what = error.message;
  switch (true) {
    case error.status === 0:
      return {
        what: `The idc-lease API could not be reached (${what}).`,
        todo: 'Check your connection and try again.',
      };
    case error.status === 400:
      return { what, todo: 'Correct the field it names and submit again.' };
    case error.status === 401:
      return { what, todo: 'Your session has ended: sign in again.' };
    case error.status === 403 && /csrf/i.test(what):
      return { what, todo: 'Reload the console from its own address and try again.' };
    case error.status === 403:
      return {
        what,
        todo: 'The access policy does not allow this for you. Ask an idc-lease admin if you think it should.',
      };
    case error.status === 404:
      return { what, todo: 'Check the lease id, or go back to My leases.' };
    case error.status === 409:
      return { what, todo: 'The lease changed meanwhile: look at its current status, then try again.' };
    default:
      return {
        what: `${what} (HTTP ${error.status})`,
        todo: 'Try again in a moment. If it keeps failing, tell an idc-lease admin (the time helps them find it in the logs).',
      };
  }
}

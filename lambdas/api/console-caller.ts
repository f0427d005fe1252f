import type { CallerResolver } from '../../adapters/cached-directory.ts';
import type { Caller } from '../../adapters/directory.ts';
import { csrfRefusal, readCookie, SESSION_COOKIE } from '../../core/console-http.ts';
import { ForbiddenError, UnauthorizedError } from '../../core/errors.ts';
import type { ConsoleSessions } from '../../service/console-sessions.ts';

/** What `/api/*` needs besides the API itself: the console's origin and its sessions. */
export interface ConsoleApiDeps {
  readonly ownOrigin: string;
  readonly sessions: ConsoleSessions;
  readonly directory: CallerResolver;
}

/**
 * The caller of an `/api/*` request: the console session its cookie names, and nothing else —
 * never a SigV4 identity, never `X-Lease-User`. A state-changing request must pass the CSRF check
 * first. No cookie at all leaves the caller undefined, so `/api/healthz` still answers and every
 * other route is the router's usual 401.
 */
export async function consoleCaller(
  deps: ConsoleApiDeps,
  req: { method: string; headers: Readonly<Record<string, string | undefined>>; signedBy?: string | null },
): Promise<Caller | undefined> {
  if (req.signedBy) {
    throw new UnauthorizedError(
      'console routes (/api/*) take their identity from the session cookie, not a signature',
    );
  }
  const refusal = csrfRefusal({ method: req.method, headers: req.headers, ownOrigin: deps.ownOrigin });
  if (refusal) throw new ForbiddenError(refusal);
  const token = readCookie(req.headers.cookie, SESSION_COOKIE);
  if (token === undefined) return undefined;
  return deps.sessions.caller(token, deps.directory);
}

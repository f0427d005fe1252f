import type { CallerResolver } from '../adapters/cached-directory.ts';
import type { SignInStore } from '../adapters/console-ledger.ts';
import type { Caller } from '../adapters/directory.ts';
import {
  newSession,
  newSessionToken,
  type SessionLimits,
  type SessionRecord,
  sessionKey,
  sessionState,
} from '../core/console-session.ts';
import { UnauthorizedError } from '../core/errors.ts';

const WHY: Record<string, string> = {
  unknown: 'no console session: sign in',
  'signed-out': 'the console session was signed out: sign in again',
  expired: 'the console session reached its time limit: sign in again',
  idle: 'the console session was idle too long: sign in again',
};

/**
 * Console sessions, server-side. The cookie carries a random token; the ledger keeps the session
 * under a hash of it with both limits, so ending a session anywhere ends it everywhere.
 */
export class ConsoleSessions {
  constructor(
    private readonly store: Pick<SignInStore, 'createSession' | 'getSession' | 'touchSession' | 'endSession'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session for the user; answers the token for the cookie and the session (for its limits). */
  async start(
    user: { userName: string; userId: string },
    limits: SessionLimits,
  ): Promise<{ token: string; session: SessionRecord }> {
    const token = newSessionToken();
    const session = newSession(user, this.now(), limits);
    await this.store.createSession(sessionKey(token) as string, session);
    return { token, session };
  }

  /** The live session a token names (its idle limit moved on), or a 401 that says why not. */
  async live(token: string | undefined): Promise<SessionRecord> {
    const key = sessionKey(token);
    if (!key) throw new UnauthorizedError(WHY.unknown);
    const now = this.now();
    const state = sessionState(await this.store.getSession(key), now);
    if (!state.live) throw new UnauthorizedError(WHY[state.why]);
    if (state.refreshTo !== undefined && !(await this.store.touchSession(key, state.refreshTo, now))) {
      // Signed out (or expired) between the read and the write.
      throw new UnauthorizedError(WHY['signed-out']);
    }
    return state.record;
  }

  /**
   * The caller a session stands for, with the user's groups from the Identity Store through the
   * resolver it is given: the API's caller cache (a minute), deployed and locally, as a SigV4
   * caller's is deployed. A user deleted and re-created under the same userName is someone else.
   */
  async caller(token: string | undefined, directory: CallerResolver): Promise<Caller> {
    const session = await this.live(token);
    const caller = await directory.resolve(session.userName);
    if (caller.userId !== session.userId) throw new UnauthorizedError(WHY.unknown);
    return caller;
  }

  /** Ends the session server-side; a token that names none is already signed out. */
  async end(token: string | undefined): Promise<void> {
    const key = sessionKey(token);
    if (key) await this.store.endSession(key, this.now());
  }
}

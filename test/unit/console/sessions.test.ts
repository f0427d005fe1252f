import { describe, expect, it } from 'vitest';
import type { CallerResolver } from '../../../adapters/cached-directory.ts';
import {
  DEFAULT_SESSION_LIMITS,
  IDLE_REFRESH_STEP_MS,
  sessionKey,
  sessionLimitsFrom,
} from '../../../core/console-session.ts';
import { UnauthorizedError, ValidationError } from '../../../core/errors.ts';
import { ConsoleSessions } from '../../../service/console-sessions.ts';
import { MemoryStore } from './fixture.ts';

const ALICE = { userName: 'alice', userId: 'u-alice' };
const MIN = 60_000;
const HOUR = 60 * MIN;

/** A directory that knows alice (with `userId`), for the caller lookups a session makes. */
const directory = (userId = 'u-alice'): CallerResolver => ({
  resolve: async (userName) => {
    if (userName !== 'alice') throw new UnauthorizedError(`no Identity Center user named ${userName}`);
    return { userName, userId, groups: ['developers'] };
  },
});

const setup = (limits = DEFAULT_SESSION_LIMITS) => {
  const clock = { now: Date.parse('2026-06-01T08:00:00Z') };
  const store = new MemoryStore();
  const sessions = new ConsoleSessions(store, () => clock.now);
  return { clock, store, sessions, start: () => sessions.start(ALICE, limits) };
};

const refusedWith = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (err) => (err instanceof UnauthorizedError ? err.message : `unexpected ${err}`),
  );

describe('ConsoleSessions', () => {
  it('a new session names its caller, with groups from the directory', async () => {
    const { sessions, start } = setup();
    const { token } = await start();
    expect(await sessions.caller(token, directory())).toEqual({ ...ALICE, groups: ['developers'] });
  });

  it('ends at the idle limit without requests, and each request moves the idle limit on', async () => {
    // Prepare
    const { clock, sessions, start } = setup();
    const { token } = await start();

    // Act: a request every 50 minutes keeps it alive past one idle hour…
    clock.now += 50 * MIN;
    await sessions.live(token);
    clock.now += 50 * MIN;
    const afterRequests = await refusedWith(sessions.live(token));
    // …then an hour of silence ends it.
    clock.now += HOUR;
    const afterSilence = await refusedWith(sessions.live(token));

    // Assess
    expect(afterRequests).toBe('accepted');
    expect(afterSilence).toMatch(/idle too long/);
  });

  it('ends at the absolute limit however busy it is', async () => {
    const { clock, sessions, start } = setup();
    const { token } = await start();
    for (let elapsed = 0; elapsed < 8 * HOUR - 30 * MIN; elapsed += 30 * MIN) {
      clock.now += 30 * MIN;
      expect(await refusedWith(sessions.live(token))).toBe('accepted');
    }
    clock.now += 30 * MIN;
    expect(await refusedWith(sessions.live(token))).toMatch(/time limit/);
  });

  it('limits are configurable and the idle one never outlives the absolute one', async () => {
    // Prepare
    const limits = sessionLimitsFrom({ absolute: 'PT2H', idle: 'PT15M' });
    const { clock, sessions, store } = setup(limits);
    const { token } = await sessions.start(ALICE, limits);

    // Act
    clock.now += 14 * MIN;
    await sessions.live(token);
    const record = store.sessions.get(sessionKey(token) as string);
    clock.now += 16 * MIN;
    const idle = await refusedWith(sessions.live(token));

    // Assess
    expect(limits).toEqual({ absoluteMs: 2 * HOUR, idleMs: 15 * MIN });
    expect(record?.idleExpiresAt).toBe(clock.now - 16 * MIN + 15 * MIN);
    expect(idle).toMatch(/idle/);
    expect(() => sessionLimitsFrom({ absolute: 'PT1H', idle: 'PT2H' })).toThrow(ValidationError);
    expect(() => sessionLimitsFrom({ idle: 'soon' })).toThrow(/session.idle/);
  });

  it('writes the idle expiry back at most once a minute', async () => {
    const { clock, sessions, store, start } = setup();
    const { token } = await start();
    const key = sessionKey(token) as string;
    const first = store.sessions.get(key)?.idleExpiresAt;
    clock.now += IDLE_REFRESH_STEP_MS - 1;
    await sessions.live(token);
    expect(store.sessions.get(key)?.idleExpiresAt).toBe(first);
    clock.now += 1;
    await sessions.live(token);
    expect(store.sessions.get(key)?.idleExpiresAt).toBe(clock.now + HOUR);
  });

  it('sign-out ends it server-side: the same cookie no longer resolves', async () => {
    // Prepare
    const { sessions, start } = setup();
    const { token } = await start();
    const other = await start();

    // Act
    await sessions.end(token);

    // Assess
    expect(await refusedWith(sessions.caller(token, directory()))).toMatch(/signed out/);
    expect(await refusedWith(sessions.caller(other.token, directory()))).toBe('accepted');
  });

  it('refuses a token it never issued, a malformed one, and a user re-created under the same name', async () => {
    const { sessions, start } = setup();
    const { token } = await start();
    expect(await refusedWith(sessions.live('A'.repeat(43)))).toMatch(/no console session/);
    expect(await refusedWith(sessions.live('not a token'))).toMatch(/no console session/);
    expect(await refusedWith(sessions.live(undefined))).toMatch(/no console session/);
    expect(await refusedWith(sessions.caller(token, directory('u-someone-else')))).toMatch(
      /no console session/,
    );
  });

  it('keeps sessions under a hash of the token, never the token itself', async () => {
    const { store, start } = setup();
    const { token } = await start();
    expect([...store.sessions.keys()]).toEqual([sessionKey(token)]);
    expect(sessionKey(token)).not.toContain(token);
    expect(JSON.stringify([...store.sessions.values()])).not.toContain(token);
  });
});

import { describe, expect, it } from 'vitest';
import type { CallerResolver } from '../../../adapters/cached-directory.ts';
import { CSRF_HEADER, SESSION_COOKIE } from '../../../core/console-http.ts';
import { type GatewayDeps, handleGatewayEvent } from '../../../lambdas/api/gateway.ts';
import type { ApiRequest } from '../../../lambdas/api/router.ts';
import { ConsoleSessions } from '../../../service/console-sessions.ts';
import { MemoryStore } from './fixture.ts';

const ORIGIN = 'https://console.example.com';
const ALICE_ARN = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/alice';
const directory: CallerResolver = {
  resolve: async (userName) => ({ userName, userId: `u-${userName}`, groups: ['developers'] }),
};

/** The API gateway with the console wired, in front of a router that records what reaches it. */
const setup = async (withConsole = true) => {
  const sessions = new ConsoleSessions(new MemoryStore());
  const { token } = await sessions.start(
    { userName: 'alice', userId: 'u-alice' },
    { absoluteMs: 3_600_000, idleMs: 3_600_000 },
  );
  const seen: ApiRequest[] = [];
  const deps: GatewayDeps = {
    route: async (req) => {
      seen.push(req);
      return { status: 200, body: { path: req.path, caller: req.caller ?? null } };
    },
    resolveCaller: async () => ({ userName: 'signed', userId: 'u-signed', groups: [] }),
    ...(withConsole ? { console: { ownOrigin: ORIGIN, sessions, directory } } : {}),
  };
  return { deps, seen, token, sessions };
};

const event = (
  method: string,
  path: string,
  headers: Record<string, string> = {},
  userArn: string | null = null,
) => ({
  httpMethod: method,
  path,
  headers,
  body: method === 'GET' ? null : '{}',
  requestContext: { identity: { userArn } },
});

describe('handleGatewayEvent under /api/ (the console)', () => {
  it('routes the same path without /api, with the session cookie as the caller', async () => {
    const { deps, token } = await setup();
    const result = await handleGatewayEvent(
      deps,
      event('GET', '/api/me', { Cookie: `${SESSION_COOKIE}=${token}` }),
    );
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({
      path: '/me',
      caller: { userName: 'alice', userId: 'u-alice', groups: ['developers'] },
    });
  });

  it('a state-changing call without the CSRF header, or from a foreign origin, is 403 and reaches nothing', async () => {
    // Prepare
    const { deps, seen, token } = await setup();
    const cookie = `${SESSION_COOKIE}=${token}`;

    // Act
    const missing = await handleGatewayEvent(deps, event('POST', '/api/leases', { Cookie: cookie }));
    const foreign = await handleGatewayEvent(
      deps,
      event('POST', '/api/leases', { Cookie: cookie, [CSRF_HEADER]: '1', Origin: 'https://evil.example' }),
    );
    const allowed = await handleGatewayEvent(
      deps,
      event('POST', '/api/leases', { Cookie: cookie, 'X-IDC-Lease-CSRF': '1', Origin: ORIGIN }),
    );

    // Assess
    for (const refused of [missing, foreign]) {
      expect(refused.statusCode).toBe(403);
      expect(JSON.parse(refused.body).error).toEqual({
        code: 'FORBIDDEN',
        message: expect.stringContaining('csrf'),
      });
    }
    expect(allowed.statusCode).toBe(200);
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /leases']);
  });

  it('an ended session is 401; no cookie reaches the router without a caller', async () => {
    const { deps, seen, token, sessions } = await setup();
    await sessions.end(token);
    const ended = await handleGatewayEvent(
      deps,
      event('GET', '/api/me', { cookie: `${SESSION_COOKIE}=${token}` }),
    );
    const none = await handleGatewayEvent(deps, event('GET', '/api/healthz'));
    expect(ended.statusCode).toBe(401);
    expect(JSON.parse(ended.body).error.code).toBe('UNAUTHORIZED');
    expect(none.statusCode).toBe(200);
    expect(seen).toEqual([
      { method: 'GET', path: '/healthz', caller: undefined, body: undefined, query: {} },
    ]);
  });

  it('never mixes a SigV4 caller with a cookie: a signed /api/ request is refused', async () => {
    const { deps, seen, token } = await setup();
    const result = await handleGatewayEvent(
      deps,
      event('GET', '/api/me', { cookie: `${SESSION_COOKIE}=${token}` }, ALICE_ARN),
    );
    expect(result.statusCode).toBe(401);
    expect(seen).toEqual([]);
  });

  it('ignores the session cookie outside /api/, and answers /api/ with 404 when no console is deployed', async () => {
    const { deps, seen, token } = await setup();
    const outside = await handleGatewayEvent(
      deps,
      event('GET', '/me', { cookie: `${SESSION_COOKIE}=${token}` }),
    );
    expect(JSON.parse(outside.body).caller).toBeNull();
    const bare = await setup(false);
    const result = await handleGatewayEvent(
      bare.deps,
      event('GET', '/api/me', { cookie: `${SESSION_COOKIE}=${bare.token}` }),
    );
    expect(result.statusCode).toBe(404);
    expect(bare.seen).toEqual([]);
    expect(seen).toHaveLength(1);
  });
});

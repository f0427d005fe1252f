import { describe, expect, it } from 'vitest';
import { CSRF_HEADER, readCookie, SESSION_COOKIE } from '../../../core/console-http.ts';
import { DEFAULT_SESSION_LIMITS } from '../../../core/console-session.ts';
import { handleAuthEvent } from '../../../lambdas/console-auth/gateway.ts';
import { type AuthDeps, type HttpRequest, handleAuth } from '../../../lambdas/console-auth/routes.ts';
import { ConsoleSessions } from '../../../service/console-sessions.ts';
import { ACS, AUDIENCE, requestIdOf, testSp } from './fixture.ts';

const ORIGIN = 'https://console.example.com';

/** The sign-in routes over a memory store; the Identity Store knows alice only. */
const setup = (configured = true) => {
  const { sp, store, idp } = testSp();
  const sessions = new ConsoleSessions(store);
  const deps: AuthDeps = {
    ...(configured ? { sp } : {}),
    sessions,
    users: {
      find: async (subject) => (subject === 'alice' ? { userName: 'alice', userId: 'u-alice' } : undefined),
    },
    subjectMapping: 'userName',
    limits: DEFAULT_SESSION_LIMITS,
    basePath: '/',
    ownOrigin: ORIGIN,
    acsUrl: ACS,
    audience: AUDIENCE,
  };
  return { deps, store, idp, sessions };
};

const request = (method: string, path: string, over: Partial<HttpRequest> = {}): HttpRequest => ({
  method,
  path,
  query: {},
  headers: {},
  ...over,
});

const acs = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  request('POST', '/auth/saml/acs', {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });

const tokenOf = (cookies: string[]) => readCookie(cookies[0]?.split(';')[0], SESSION_COOKIE);

describe('POST /auth/saml/acs', () => {
  it('turns a verified response for a known user into a session cookie and a 303 to the RelayState path', async () => {
    // Prepare
    const { deps, idp, sessions } = setup();
    const SAMLResponse = idp.response({ subject: 'alice', acsUrl: ACS, audience: AUDIENCE });

    // Act
    const answer = await handleAuth(deps, acs({ SAMLResponse, RelayState: '/leases/l-1' }));

    // Assess
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/leases/l-1');
    expect(answer.cookies).toHaveLength(1);
    expect(answer.cookies[0]).toMatch(
      /^__Host-idc-lease-session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=28800; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect((await sessions.live(tokenOf(answer.cookies))).userName).toBe('alice');
  });

  it('never redirects off the console, whatever the RelayState', async () => {
    const { deps, idp } = setup();
    const SAMLResponse = idp.response({ subject: 'alice', acsUrl: ACS, audience: AUDIENCE });
    const answer = await handleAuth(deps, acs({ SAMLResponse, RelayState: '//evil.example/' }));
    expect(answer.headers.location).toBe('/');
  });

  it('an unknown subject gets a clear page and no session', async () => {
    // Prepare
    const { deps, idp, store } = setup();
    const SAMLResponse = idp.response({ subject: 'mallory', acsUrl: ACS, audience: AUDIENCE });

    // Act
    const answer = await handleAuth(deps, acs({ SAMLResponse }));

    // Assess
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toMatch(/text\/html/);
    expect(answer.body).toContain('no Identity Store user has that userName: no session was started');
    expect(answer.body).toContain('&quot;mallory&quot;');
    expect(answer.cookies).toEqual([]);
    expect(store.sessions.size).toBe(0);
  });

  it('a refused response gets a page naming the failed check and no session', async () => {
    const { deps, idp, store } = setup();
    const SAMLResponse = idp.response({ subject: 'alice', acsUrl: ACS, audience: AUDIENCE, sign: 'none' });
    const answer = await handleAuth(deps, acs({ SAMLResponse }));
    expect(answer.status).toBe(401);
    expect(answer.body).toContain('SAML response refused (signature)');
    expect(answer.cookies).toEqual([]);
    expect(store.sessions.size).toBe(0);
  });

  it('signing in again ends the session the browser had', async () => {
    const { deps, idp, sessions } = setup();
    const first = await handleAuth(
      deps,
      acs({ SAMLResponse: idp.response({ subject: 'alice', acsUrl: ACS, audience: AUDIENCE }) }),
    );
    const old = tokenOf(first.cookies) as string;
    await handleAuth(
      deps,
      acs(
        { SAMLResponse: idp.response({ subject: 'alice', acsUrl: ACS, audience: AUDIENCE }) },
        { cookie: `${SESSION_COOKIE}=${old}` },
      ),
    );
    await expect(sessions.live(old)).rejects.toThrow(/signed out/);
  });
});

describe('GET /auth/login', () => {
  it('redirects to the IdP with an AuthnRequest it remembers, carrying a safe RelayState', async () => {
    const { deps, store } = setup();
    const answer = await handleAuth(
      deps,
      request('GET', '/auth/login', { query: { returnTo: '/approvals' } }),
    );
    const location = new URL(answer.headers.location as string);
    expect(answer.status).toBe(302);
    expect(location.searchParams.get('RelayState')).toBe('/approvals');
    expect(store.requests.has(requestIdOf(location.toString()))).toBe(true);
  });

  it('answers 503 with a page when no IdP metadata is configured, while the SP metadata still serves', async () => {
    const { deps } = setup(false);
    const login = await handleAuth(deps, request('GET', '/auth/login'));
    const metadata = await handleAuth(deps, request('GET', '/auth/saml/metadata'));
    expect(login.status).toBe(503);
    expect(login.body).toContain('not configured yet');
    expect(metadata.status).toBe(200);
    expect(metadata.body).toContain(`entityID="${AUDIENCE}"`);
    expect(metadata.body).toContain(`Location="${ACS}"`);
  });
});

describe('POST /auth/logout', () => {
  it('without the CSRF header is 403 and the session lives on', async () => {
    const { deps, idp, sessions } = setup();
    const signedIn = await handleAuth(
      deps,
      acs({ SAMLResponse: idp.response({ subject: 'alice', acsUrl: ACS, audience: AUDIENCE }) }),
    );
    const token = tokenOf(signedIn.cookies) as string;
    const answer = await handleAuth(
      deps,
      request('POST', '/auth/logout', { headers: { cookie: `${SESSION_COOKIE}=${token}` } }),
    );
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: 'FORBIDDEN', message: expect.stringContaining('csrf') },
    });
    expect((await sessions.live(token)).userName).toBe('alice');
  });

  it('with it ends the session server-side and clears the cookie', async () => {
    const { deps, idp, sessions } = setup();
    const signedIn = await handleAuth(
      deps,
      acs({ SAMLResponse: idp.response({ subject: 'alice', acsUrl: ACS, audience: AUDIENCE }) }),
    );
    const token = tokenOf(signedIn.cookies) as string;
    const answer = await handleAuth(
      deps,
      request('POST', '/auth/logout', {
        headers: { cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: '1', origin: ORIGIN },
      }),
    );
    expect(answer.status).toBe(204);
    expect(answer.cookies[0]).toMatch(/Max-Age=0/);
    await expect(sessions.live(token)).rejects.toThrow(/signed out/);
  });
});

describe('handleAuthEvent (API Gateway)', () => {
  it('reads a base64 form body and sends each cookie as its own Set-Cookie header', async () => {
    const { deps, idp } = setup();
    const body = new URLSearchParams({
      SAMLResponse: idp.response({ subject: 'alice', acsUrl: ACS, audience: AUDIENCE }),
    }).toString();
    const result = await handleAuthEvent(deps, {
      httpMethod: 'POST',
      path: '/auth/saml/acs',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
      requestContext: { identity: { userArn: null } },
    });
    expect(result.statusCode).toBe(303);
    expect(result.multiValueHeaders['set-cookie']).toHaveLength(1);
    expect(result.headers.location).toBe('/');
  });
});

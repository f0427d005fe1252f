import { describe, expect, it } from 'vitest';
import {
  CSRF_HEADER,
  clearedSessionCookie,
  consoleApiPath,
  consoleSite,
  csrfRefusal,
  readCookie,
  SESSION_COOKIE,
  safeReturnTo,
  sessionCookie,
} from '../../../core/console-http.ts';

const OWN = 'https://console.example.com';

describe('csrfRefusal', () => {
  it('lets reads through without the header', () => {
    expect(csrfRefusal({ method: 'GET', headers: {}, ownOrigin: OWN })).toBeUndefined();
    expect(
      csrfRefusal({ method: 'GET', headers: { 'sec-fetch-site': 'cross-site' }, ownOrigin: OWN }),
    ).toBeUndefined();
  });

  it('refuses a state-changing call without the header, naming csrf', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(csrfRefusal({ method, headers: {}, ownOrigin: OWN })).toMatch(/^csrf: .*x-idc-lease-csrf/);
    }
    expect(csrfRefusal({ method: 'POST', headers: { [CSRF_HEADER]: 'yes' }, ownOrigin: OWN })).toMatch(
      /csrf/,
    );
  });

  it('refuses a foreign or opaque Origin and a browser-reported cross-site request even with the header', () => {
    const headers = { [CSRF_HEADER]: '1' };
    expect(
      csrfRefusal({
        method: 'POST',
        headers: { ...headers, origin: 'https://evil.example' },
        ownOrigin: OWN,
      }),
    ).toMatch(/origin https:\/\/evil.example/);
    expect(csrfRefusal({ method: 'POST', headers: { ...headers, origin: 'null' }, ownOrigin: OWN })).toMatch(
      /csrf/,
    );
    expect(
      csrfRefusal({
        method: 'POST',
        headers: { ...headers, 'sec-fetch-site': 'cross-site' },
        ownOrigin: OWN,
      }),
    ).toMatch(/cross-site/);
  });

  it("accepts the console's own calls: header, own Origin, same-origin fetch", () => {
    const headers = { [CSRF_HEADER]: '1', origin: OWN, 'sec-fetch-site': 'same-origin' };
    expect(csrfRefusal({ method: 'POST', headers, ownOrigin: OWN })).toBeUndefined();
    expect(csrfRefusal({ method: 'POST', headers: { [CSRF_HEADER]: '1' }, ownOrigin: OWN })).toBeUndefined();
  });
});

describe('the session cookie', () => {
  it('is __Host-, HttpOnly, Secure, SameSite=Lax, Path=/ and lives as long as the session', () => {
    expect(sessionCookie('tok', 28_800)).toBe(
      `${SESSION_COOKIE}=tok; Path=/; Max-Age=28800; HttpOnly; Secure; SameSite=Lax`,
    );
    expect(SESSION_COOKIE.startsWith('__Host-')).toBe(true);
    expect(clearedSessionCookie()).toMatch(/Max-Age=0/);
  });

  it('is read from a Cookie header among others', () => {
    expect(readCookie(`a=1; ${SESSION_COOKIE}=tok; b=2`, SESSION_COOKIE)).toBe('tok');
    expect(readCookie('a=1', SESSION_COOKIE)).toBeUndefined();
    expect(readCookie(undefined, SESSION_COOKIE)).toBeUndefined();
    expect(readCookie(`x${SESSION_COOKIE}=forged`, SESSION_COOKIE)).toBeUndefined();
  });
});

describe('safeReturnTo', () => {
  it('keeps a path under the console', () => {
    expect(safeReturnTo('/console/leases/l-1?tab=timeline', '/console/')).toBe(
      '/console/leases/l-1?tab=timeline',
    );
    expect(safeReturnTo('/approvals', '/')).toBe('/approvals');
  });

  it('never sends the browser to another site or back into sign-in', () => {
    for (const evil of [
      '//evil.example/',
      '/\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      '/auth/login',
      '/x\n',
    ]) {
      expect(safeReturnTo(evil, '/')).toBe('/');
    }
    expect(safeReturnTo('/api/me', '/console/')).toBe('/console/');
    expect(safeReturnTo(undefined, '/console/')).toBe('/console/');
  });
});

describe('consoleSite and consoleApiPath', () => {
  it('derive the ACS, the audience and the base path from the console URL', () => {
    expect(consoleSite('https://d111.cloudfront.net')).toEqual({
      origin: 'https://d111.cloudfront.net',
      basePath: '/',
      acsUrl: 'https://d111.cloudfront.net/auth/saml/acs',
      defaultAudience: 'https://d111.cloudfront.net/auth/saml/metadata',
    });
    expect(consoleSite('http://127.0.0.1:8787/console/').basePath).toBe('/console/');
    expect(() => consoleSite('http://console.example.com/')).toThrow(/https/);
  });

  it('maps /api/ onto the API routes and nothing else', () => {
    expect(consoleApiPath('/api/leases/l-1/approve')).toBe('/leases/l-1/approve');
    expect(consoleApiPath('/leases')).toBeUndefined();
    expect(consoleApiPath('/apiary')).toBeUndefined();
  });
});

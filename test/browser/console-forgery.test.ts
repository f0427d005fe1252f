import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lease } from '../../console/src/api/types.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { type Browser, launchChromium } from './chromium.ts';
import { type ForgerySite, serveForgery } from './forgery-site.ts';
import { apiAs, signIn, startConsoleRuntime } from './runtime-kit.ts';

// Cross-site request forgery against a signed-in victim, in real Chromium: the browser decides
// which cookies go along and which headers a page may set, so only a browser can show this.
let runtime: LocalRuntime;
let victim: Browser;
let forger: ForgerySite;
beforeAll(async () => {
  [runtime, victim, forger] = await Promise.all([startConsoleRuntime(), launchChromium(), serveForgery()]);
});
afterAll(async () => {
  await Promise.all([victim?.close(), forger?.close()]);
  await runtime?.stop();
});

const isPostTo = (target: string) => (r: { url(): string; request(): { method(): string } }) =>
  r.url() === target && r.request().method() === 'POST';

/** The forger's form, posted by a click (a navigation: no custom header is possible). */
async function postForm(page: Page, origin: string, target: string) {
  await page.goto(`${origin}/forge?target=${encodeURIComponent(target)}`);
  const answer = page.waitForResponse(isPostTo(target));
  await page.getByRole('button', { name: 'Claim your prize' }).click();
  const response = await answer;
  // Read now: the body is gone once the page navigates on.
  const body = await response.json();
  const cookie = (await response.request().allHeaders()).cookie ?? '';
  return { status: response.status(), body, cookie: cookie.includes('__Host-idc-lease-session') };
}

/**
 * The forger's scripts: a "simple" fetch the browser sends as is (no-cors, credentials), and one
 * with the CSRF header, which needs a CORS preflight the server never grants.
 */
async function scripted(page: Page, origin: string, target: string) {
  await page.goto(`${origin}/forge?target=${encodeURIComponent(target)}`);
  const simple = page.waitForResponse(isPostTo(target));
  const preflighted = await page.evaluate(async (url) => {
    const body = JSON.stringify({
      accountId: '111111111111',
      permissionSet: 'ReadOnly',
      duration: 'PT1H',
      justification: 'forged by fetch',
    });
    await fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', body });
    try {
      await fetch(url, {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json', 'x-idc-lease-csrf': '1' },
        body,
      });
      return 'answered';
    } catch (err) {
      return (err as Error).name;
    }
  }, target);
  return { simple: (await simple).status(), preflighted };
}

describe('cross-site requests to the console', () => {
  it('refuses forged POSTs to /api/leases and /auth/logout carrying the victim’s cookie: 403, no lease, the session still valid', async () => {
    // Prepare: the victim is signed in; the forger's pages live on other loopback origins.
    // 127.0.0.1 on another port is another origin of the same site (SameSite=Lax sends the
    // cookie along); localhost is another site (it does not).
    const { page } = await signIn(victim, runtime, 'ui-csrf');
    const leases = `${runtime.url}/api/leases`;
    const logout = `${runtime.url}/auth/logout`;
    const attempts: Record<string, unknown> = {};

    // Act
    for (const [name, origin] of [
      ['same site', forger.sameSite],
      ['cross site', forger.crossSite],
    ] as const) {
      attempts[name] = {
        leasesForm: await postForm(page, origin, leases),
        leasesScript: await scripted(page, origin, leases),
        logoutForm: await postForm(page, origin, logout),
      };
    }
    await page.goto(runtime.info.consoleUrl);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const me = await page.evaluate(async () => {
      const res = await fetch('/api/me');
      return { status: res.status, body: await res.json() };
    });

    // Assess
    const refused = (cookie: boolean) => ({
      status: 403,
      body: { error: { code: 'FORBIDDEN', message: expect.stringContaining('csrf') } },
      cookie,
    });
    const expected = (cookie: boolean) => ({
      leasesForm: refused(cookie),
      leasesScript: { simple: 403, preflighted: 'TypeError' },
      logoutForm: refused(cookie),
    });
    expect(attempts).toEqual({ 'same site': expected(true), 'cross site': expected(false) });
    expect(me).toMatchObject({ status: 200, body: { userName: 'ui-csrf' } });
    const mine = await apiAs<Lease[]>(runtime, 'ui-csrf', 'GET', '/leases?mine=true');
    expect(mine).toEqual({ status: 200, body: [] });
    await page.close();
  });
});

/**
 * The browser tests' way onto the real local runtime: one runtime per test file (the fixture seed
 * and policy; the `ui-*` users are the browser tests' own), people signed in through the local IdP
 * as a person does it, screenshots under test-results/, axe, and the local API for setup and for
 * looking behind the page.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import type { Lease } from '../../console/src/api/types.ts';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.ts';
import type { Browser } from './chromium.ts';

export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

export const startConsoleRuntime = (): Promise<LocalRuntime> =>
  startLocalRuntime({
    seed: fileURLToPath(new URL('../fixtures/seed.json', import.meta.url)),
    policy: fileURLToPath(new URL('../fixtures/policy.json', import.meta.url)),
    port: 0,
    logLevel: 'ERROR',
  });

/** A page of the console with what went wrong in it: page errors and console errors (CSP too). */
export interface WatchedPage {
  page: Page;
  problems: string[];
}

export function watch(page: Page): WatchedPage {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${m.text()} (${m.location().url})`);
  });
  return { page, problems };
}

/**
 * Opens `path` of the console in a browser without a session, which leads to the local IdP, and
 * presses `Sign in as <userName>` there (the CONTRACT's name); answers once the console is back on
 * `path` with its shell drawn. `idpScreenshot` names a screenshot of the IdP's page. The 401 of
 * the first `/api/me` is how a signed-out browser learns it must sign in, so it is not watched.
 */
export async function signIn(
  browser: Browser,
  runtime: LocalRuntime,
  userName: string,
  opts: { path?: string; idpScreenshot?: string } = {},
): Promise<WatchedPage> {
  const path = opts.path ?? '';
  const page = await browser.context.newPage();
  await page.goto(`${runtime.info.consoleUrl}${path}`);
  const button = page.getByRole('button', { name: `Sign in as ${userName}`, exact: true });
  await button.waitFor();
  if (opts.idpScreenshot) await screenshot(page, opts.idpScreenshot);
  await button.click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  const landed = new URL(page.url());
  if (`${landed.pathname}${landed.search}` !== `/console/${path}`)
    throw new Error(`signed in as ${userName}, the browser is on ${page.url()}, not /console/${path}`);
  return watch(page);
}

/** Signs out with the console's own button: the session ends on the server, the browser is back at the IdP. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Local identity provider' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // The viewport only (1280x800): the same size for every page, small enough for the README.
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** axe's serious and critical findings on the page as it is now (`rule: selectors`). */
export const seriousViolations = async (page: Page): Promise<string[]> =>
  (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

/** The lease page's status word (the CONTRACT's): shown in the page header's status indicator. */
export const statusWord = (page: Page, status: string) =>
  page.getByRole('main').getByText(status, { exact: true }).first();

/** The local API as `user` (`X-Lease-User`, the local runtime's stand-in for SigV4): setup and checks only. */
export async function apiAs<T = unknown>(
  runtime: LocalRuntime,
  user: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-lease-user': user },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

export async function requestAs(runtime: LocalRuntime, user: string, body: Record<string, unknown>) {
  const res = await apiAs<Lease>(runtime, user, 'POST', '/leases', body);
  if (res.status !== 201)
    throw new Error(`POST /leases as ${user}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Polls the API (not the page) until the lease is `status`: for setup, never for what a test asserts on the page. */
export async function settled(
  runtime: LocalRuntime,
  user: string,
  id: string,
  status: string,
): Promise<Lease> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const lease = (await apiAs<Lease>(runtime, user, 'GET', `/leases/${id}`)).body;
    if (lease.status === status) return lease;
    if (Date.now() > deadline) throw new Error(`lease ${id} is ${lease.status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

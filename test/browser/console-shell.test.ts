import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EligibleRule } from '../../console/src/api/types.ts';
import { CONSOLE_DIST } from '../../local/console-assets.ts';
import { sampleLease, sampleMe, stubApi } from './api-stub.ts';
import { type Browser, launchChromium } from './chromium.ts';
import { type ConsoleServer, serveConsole } from './console-server.ts';

// Layout, accessibility and the SPA's own behaviour, against a stubbed /api (test fixture):
// the flows (sign-in, request, approve, audit) run against the real local runtime elsewhere.
let server: ConsoleServer;
let light: Browser;
let dark: Browser;
beforeAll(async () => {
  server = await serveConsole();
  [light, dark] = await Promise.all([launchChromium(), launchChromium({ colorScheme: 'dark' })]);
});
afterAll(async () => {
  await Promise.all([light?.close(), dark?.close()]);
  await server?.close();
});

const eligibility: EligibleRule[] = [
  {
    ruleId: 'dev-readonly',
    accounts: ['111111111111'],
    permissionSets: ['ReadOnly'],
    maxDuration: 'PT8H',
    approvalRequired: false,
    accountNames: { '111111111111': 'dev' },
    approvers: { users: [], groups: [] },
    requiredApprovals: 0,
  },
];
const active = sampleLease();
const waiting = sampleLease({
  id: 'l-20261122T100500-waitingwait',
  status: 'PENDING_APPROVAL',
  requester: { userName: 'bob', userId: 'u-bob' },
  approvalRequired: true,
  requiredApprovals: 2,
  approvals: [{ userName: 'carol', userId: 'u-carol', decision: 'APPROVED', at: new Date().toISOString() }],
});

/** A page of the console with what went wrong in it: page errors and console errors (CSP too). */
async function open(browser: Browser, path: string, me = sampleMe({ auditor: true, admin: true })) {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await stubApi(page, { me, eligibility, leases: [active, waiting], approvals: [waiting] });
  await page.goto(`${server.url}${path}`);
  return { page, problems };
}

const seriousViolations = async (page: Page) =>
  (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

describe('the built console', () => {
  it('is served under /console/: deep links get the app with its base, a missing asset is a 404', async () => {
    // Act
    const deep = await fetch(`${server.url}leases/l-1`);
    const html = await deep.text();
    const missing = await fetch(`${server.url}assets/nothing-here.js`);
    const config = await (await fetch(`${server.url}config.json`)).json();
    const bare = await fetch(server.url.replace(/\/$/, ''), { redirect: 'manual' });
    const outside = await fetch(`${server.origin}/leases`);

    // Assess
    expect(deep.status).toBe(200);
    expect(html).toContain('<base href="/console/" />');
    expect(html).toMatch(/src="\.\/assets\/index-[\w-]+\.js"/);
    expect(deep.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(missing.status).toBe(404);
    expect(config).toEqual({ portalUrl: 'https://d-0000000000.awsapps.com/start', basePath: '/console/' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/console/');
    expect(outside.status).toBe(404);
  });

  it('is a production build, even when built by a test run (NODE_ENV=test)', () => {
    const assets = readdirSync(join(CONSOLE_DIST, 'assets'));
    const scripts = assets
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(CONSOLE_DIST, 'assets', f), 'utf8'));
    expect(assets.filter((f) => f.includes('dev-runtime'))).toEqual([]);
    expect(scripts.some((s) => s.includes('jsxDEV'))).toBe(false);
  });

  it('asks for the body and heading faces with the scripts, before any page lays out its text', async () => {
    // Prepare
    const { page } = await open(light, '');
    await page.waitForLoadState('networkidle');

    // Act
    const fonts = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((r) => r as PerformanceResourceTiming)
        .filter((r) => r.name.includes('.woff2'))
        .map((r) => ({ file: r.name.split('/').pop(), by: r.initiatorType })),
    );
    const css = readdirSync(join(CONSOLE_DIST, 'assets'))
      .filter((f) => f.endsWith('.css'))
      .map((f) => readFileSync(join(CONSOLE_DIST, 'assets', f), 'utf8'))
      .join('');
    const face = (weight: string) =>
      new RegExp(`font-weight:${weight};font-style:normal;src:url\\(\\./(font-[0-9a-f]+\\.woff2)\\)`).exec(
        css,
      )?.[1];

    // Assess: the 400 and 700 faces come from index.html's preloads, not from the laid-out text.
    for (const weight of ['400', '700']) expect(fonts).toContainEqual({ file: face(weight), by: 'link' });
    await page.close();
  });

  it('shows the navigation names the CONTRACT fixes, Audit and Admin to auditors and admins only', async () => {
    // Act
    const overseer = await open(light, '');
    const requester = await open(light, '', sampleMe());
    const nav = (page: Page) => page.getByRole('navigation').getByRole('link');

    // Assess
    for (const name of ['Request access', 'My leases', 'Approvals', 'Audit', 'Admin']) {
      await expect(nav(overseer.page).getByText(name, { exact: true }).count()).resolves.toBe(1);
    }
    await expect(overseer.page.getByRole('button', { name: 'Sign out' }).count()).resolves.toBe(1);
    await requester.page.getByRole('link', { name: 'My leases' }).first().waitFor();
    await expect(nav(requester.page).getByText('Audit', { exact: true }).count()).resolves.toBe(0);
    await expect(nav(requester.page).getByText('Admin', { exact: true }).count()).resolves.toBe(0);
    expect([...overseer.problems, ...requester.problems]).toEqual([]);
    await Promise.all([overseer.page.close(), requester.page.close()]);
  });

  it('routes inside the app from the navigation, and a deep link opens the lease with its status word', async () => {
    const { page, problems } = await open(light, `leases/${active.id}`);
    await page.getByText('ACTIVE', { exact: true }).first().waitFor();
    await expect(page.getByRole('button', { name: 'Revoke' }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Extend' }).count()).resolves.toBe(1);
    const portal = page.getByRole('link', { name: 'Open in access portal' });
    expect(await portal.getAttribute('href')).toBe(
      'https://d-0000000000.awsapps.com/start/#/console?account_id=111111111111&role_name=ReadOnly',
    );
    await page.getByRole('link', { name: 'Approvals' }).click();
    await page.getByText('1 of 2').waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/approvals');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('sends a caller without a session to sign-in, returning to the page they asked for', async () => {
    // Prepare
    const page = await light.context.newPage();
    await page.route('**/api/me', (route) =>
      route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: '{"error":{"code":"UNAUTHORIZED","message":"no session"}}',
      }),
    );
    await page.route('**/auth/login**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<title>sign in</title>' }),
    );

    // Act
    await page.goto(`${server.url}leases/l-7?tab=timeline`);
    await page.waitForURL('**/auth/login**');

    // Assess
    const url = new URL(page.url());
    expect(url.pathname).toBe('/auth/login');
    expect(url.searchParams.get('returnTo')).toBe('/console/leases/l-7?tab=timeline');
    await page.close();
  });

  it('follows the system’s dark mode, and has a toggle', async () => {
    const { page } = await open(dark, '');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await page.evaluate(() => document.body.classList.contains('awsui-dark-mode'))).toBe(true);
    await page.getByRole('button', { name: 'Light mode' }).click();
    expect(await page.evaluate(() => document.body.classList.contains('awsui-dark-mode'))).toBe(false);
    await page.close();
  });

  const pages: [string, string][] = [
    ['', 'Overview'],
    ['request', 'Request access'],
    ['leases', 'My leases'],
    [`leases/${waiting.id}`, 'Timeline'],
    ['approvals', 'Approvals'],
    ['audit', 'Drift findings'],
    ['admin', 'Reconciler report'],
  ];
  for (const [scheme, browser] of [
    ['light', () => light],
    ['dark', () => dark],
  ] as const) {
    it(`has no serious or critical accessibility violation on any page (axe, ${scheme} mode)`, async () => {
      const found: Record<string, string[]> = {};
      for (const [path, heading] of pages) {
        const { page, problems } = await open(browser(), path);
        await page.getByRole('heading', { name: heading }).first().waitFor();
        const violations = await seriousViolations(page);
        if (violations.length > 0 || problems.length > 0) found[`/${path}`] = [...violations, ...problems];
        await page.close();
      }
      expect(found).toEqual({});
    });
  }
});

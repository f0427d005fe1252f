import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLease, sampleMe, stubApi } from './api-stub.ts';
import { type Browser, launchChromium } from './chromium.ts';
import { type ConsoleServer, serveConsole } from './console-server.ts';

// How the console starts (signInMsP95 is in bench/): the shell is drawn while `/api/me` is on
// its way, and the page it lands on comes in one step once it has answered.
let server: ConsoleServer;
let browser: Browser;
beforeAll(async () => {
  server = await serveConsole();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Whether the page-loading fallback was ever in the document: an observer set up before the app runs. */
const WATCH_FALLBACK = `(() => {
  window.fallbackShown = false;
  new MutationObserver(() => {
    if ((document.body?.textContent ?? '').includes('Loading the page')) window.fallbackShown = true;
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

describe('the console starting', () => {
  it('draws its navigation while /api/me has not answered, and the page and Audit once it has', async () => {
    // Prepare: /api/me answers only when the test lets it.
    const page = await browser.context.newPage();
    await stubApi(page, { me: sampleMe() });
    let answerMe = () => {};
    const held = new Promise<void>((resolve) => {
      answerMe = resolve;
    });
    await page.route('**/api/me', async (route) => {
      await held;
      await route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify(sampleMe({ auditor: true })),
      });
    });

    // Act
    await page.goto(server.url);
    const nav = page.getByRole('navigation').getByRole('link');
    await nav.getByText('My leases', { exact: true }).waitFor({ timeout: 10_000 });
    const whileWaiting = {
      signingIn: await page.getByText('Signing in', { exact: true }).count(),
      signedIn: await page.getByText('Signed in as', { exact: false }).count(),
      audit: await nav.getByText('Audit', { exact: true }).count(),
      signOut: await page.getByRole('button', { name: 'Sign out' }).count(),
    };
    answerMe();
    await page.getByText('Signed in as alice.', { exact: false }).waitFor();

    // Assess
    expect(whileWaiting).toEqual({ signingIn: 1, signedIn: 0, audit: 0, signOut: 1 });
    await expect(nav.getByText('Audit', { exact: true }).count()).resolves.toBe(1);
    await expect(page.getByText('Signing in', { exact: true }).count()).resolves.toBe(0);
    await page.close();
  });

  for (const [path, heading] of [
    ['', 'idc-lease'],
    ['approvals', 'Approvals'],
    [`leases/${sampleLease().id}`, 'ReadOnly on 111111111111'],
  ] as const) {
    it(`lands on /${path.split('/')[0]} without a page-loading step: its chunk came while /api/me was answered`, async () => {
      // Prepare
      const page = await browser.context.newPage();
      await page.addInitScript(WATCH_FALLBACK);
      await stubApi(page, { me: sampleMe(), leases: [sampleLease()] });

      // Act
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).first().waitFor();
      const fallbackShown = await page.evaluate(() => (window as { fallbackShown?: boolean }).fallbackShown);

      // Assess
      expect(fallbackShown).toBe(false);
      await page.close();
    });
  }

  it('asks for /api/me from index.html, while its scripts load, and only once', async () => {
    // Prepare
    const page = await browser.context.newPage();
    await stubApi(page, { me: sampleMe() });
    const asked: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/me') asked.push(request.url());
    });

    // Act
    await page.goto(server.url);
    await page.getByText('Signed in as alice.', { exact: false }).waitFor();
    const me = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((r) => new URL(r.name).pathname === '/api/me')
        .map((r) => (r as PerformanceResourceTiming).initiatorType),
    );

    // Assess: the preload's answer is the one the app read.
    expect(me).toEqual(['link']);
    expect(asked).toHaveLength(1);
    await page.close();
  });

  it('says why it could not start when /api/me fails, inside its navigation', async () => {
    // Prepare
    const page = await browser.context.newPage();
    await stubApi(page, { me: sampleMe() });
    await page.route('**/api/me', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'the ledger is unavailable' } }),
      }),
    );

    // Act
    await page.goto(server.url);
    const alert = page.getByText('The console could not start', { exact: false });
    await alert.waitFor();

    // Assess
    expect(await alert.textContent()).toContain('the ledger is unavailable');
    await expect(page.getByRole('navigation').getByRole('link', { name: 'My leases' }).count()).resolves.toBe(
      1,
    );
    await expect(page.getByText('Signing in', { exact: true }).count()).resolves.toBe(0);
    await page.close();
  });

  it('names an icon of its own, so the browser does not ask the origin for /favicon.ico', async () => {
    // Prepare
    const page = await browser.context.newPage();
    await stubApi(page, { me: sampleMe() });

    // Act
    await page.goto(server.url);
    const href = await page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href);
    const icon = await fetch(href ?? 'about:blank');

    // Assess: under the console's base, wherever that is.
    expect(href).toBe(`${server.url}favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(await icon.text()).toContain('<title>idc-lease</title>');
    await page.close();
  });
});

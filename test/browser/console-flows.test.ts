import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lease } from '../../console/src/api/types.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { type Browser, launchChromium } from './chromium.ts';
import {
  apiAs,
  screenshot,
  seriousViolations,
  signIn,
  signOut,
  startConsoleRuntime,
  statusWord,
} from './runtime-kit.ts';

// A lease through the console end to end, on the real local runtime: sign-in through the local
// IdP, the real API under /api/, the real workflow on the emulator. Each person has a browser of
// their own (own profile, own cookies).
let runtime: LocalRuntime;
let requester: Browser;
let approver: Browser;
beforeAll(async () => {
  [runtime, requester, approver] = await Promise.all([
    startConsoleRuntime(),
    launchChromium(),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await Promise.all([requester?.close(), approver?.close()]);
  await runtime?.stop();
});

/** Marks the document: the mark is gone after any reload or full navigation. */
const markDocument = (page: Page) =>
  page.evaluate(() => {
    (window as unknown as { sameDocument: boolean }).sameDocument = true;
  });
const sameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);

describe('a lease through the web console', () => {
  it('a requester signs in through the local IdP and requests with the form; an approver in another browser approves; the requester sees ACTIVE then ENDED without a reload, and never an Approve button of their own', async () => {
    // Prepare: ui-requester is also an approver of ui-gated, so only "nobody approves their own
    // lease" keeps the Approve button off their page.
    const { page, problems } = await signIn(requester, runtime, 'ui-requester', { idpScreenshot: 'sign-in' });
    const axe: Record<string, string[]> = {};
    await page.getByRole('navigation').getByRole('link', { name: 'Request access' }).click();
    await page.getByRole('heading', { name: 'Request access', level: 1 }).waitFor();

    // Act: the request, with the fields as the CONTRACT names them
    await page.getByLabel('Account').fill('prod');
    await page.getByRole('option', { name: /prod/ }).first().click();
    await page.getByLabel('Permission set').fill('AdministratorAccess');
    await page.getByLabel('Duration').fill('PT20S');
    await page.getByLabel('Justification').fill('INC-7: rotate the stuck deploy key');
    await page.getByLabel('Ticket').fill('INC-7');
    await page.getByText('Needs 1 approval (rule ui-gated) from a member of ui-approvers').waitFor();
    await screenshot(page, 'request-access');
    axe.request = await seriousViolations(page);
    const ownApprovals = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/approvals');
    await page.getByRole('button', { name: 'Request', exact: true }).click();
    await page.waitForURL(/\/console\/leases\/l-/);
    const id = new URL(page.url()).pathname.split('/').pop() as string;
    await statusWord(page, 'PENDING_APPROVAL').waitFor();
    expect((await ownApprovals).status()).toBe(200);
    await markDocument(page);
    await screenshot(page, 'lease-pending');
    await expect(page.getByRole('button', { name: 'Approve' }).count()).resolves.toBe(0);
    // Nor is it on their Approvals page, though they approve for its rule.
    const mine = await requester.context.newPage();
    await mine.goto(`${runtime.info.consoleUrl}approvals`);
    await mine.getByText('Nothing waits for your decision').waitFor();
    await mine.close();

    // Act: the approver, in a browser of their own, decides on the lease's own card
    const other = await signIn(approver, runtime, 'ui-approver', { path: 'approvals' });
    const card = other.page
      .getByRole('listitem')
      .filter({ hasText: id })
      .filter({ has: other.page.getByRole('button', { name: 'Approve', exact: true }) });
    await card.waitFor();
    await screenshot(other.page, 'approvals');
    axe.approvals = await seriousViolations(other.page);
    await card.getByLabel('Comment').fill('go ahead, INC-7 is open');
    await card.getByRole('button', { name: 'Approve', exact: true }).click();
    await other.page.getByText(`Approved ${id}`).waitFor();
    // The approval took the lease off the approver's list.
    await card.waitFor({ state: 'detached' });

    // Assess: the requester's page follows the lease by itself
    await statusWord(page, 'ACTIVE').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Revoke' }).waitFor();
    expect(await page.getByRole('link', { name: 'Open in access portal' }).getAttribute('href')).toBe(
      'https://d-0000000000.awsapps.com/start/#/console?account_id=222222222222&role_name=AdministratorAccess',
    );
    await expect(page.getByRole('button', { name: 'Approve' }).count()).resolves.toBe(0);
    await screenshot(page, 'lease-active');
    axe.lease = await seriousViolations(page);
    await statusWord(page, 'ENDED').waitFor({ timeout: 60_000 });
    await page.getByText('(EXPIRED)').waitFor();
    await screenshot(page, 'lease-ended');
    expect(await sameDocument(page)).toBe(true);
    await expect(page.getByRole('button', { name: 'Revoke' }).count()).resolves.toBe(0);
    const lease = (await apiAs<Lease>(runtime, 'ui-requester', 'GET', `/leases/${id}`)).body;
    expect(lease).toMatchObject({
      status: 'ENDED',
      endReason: 'EXPIRED',
      ticket: 'INC-7',
      approvals: [{ userName: 'ui-approver', decision: 'APPROVED', comment: 'go ahead, INC-7 is open' }],
    });

    // Assess: My leases lists it, ended
    await page.getByRole('navigation').getByRole('link', { name: 'My leases' }).click();
    await page.getByRole('row').filter({ hasText: id }).getByText('ENDED', { exact: true }).waitFor();
    await screenshot(page, 'my-leases');
    axe.leases = await seriousViolations(page);
    expect(axe).toEqual({ request: [], approvals: [], lease: [], leases: [] });
    expect([...problems, ...other.problems]).toEqual([]);

    // Sign-out ends the session on the server: its cookie, replayed, is refused.
    const session = (await requester.context.cookies()).find((c) => c.name === '__Host-idc-lease-session');
    const replay = () =>
      fetch(`${runtime.url}/api/me`, { headers: { cookie: `${session?.name}=${session?.value}` } });
    expect((await replay()).status).toBe(200);
    await signOut(page);
    expect((await replay()).status).toBe(401);
    await Promise.all([page.close(), other.page.close()]);
  });
});

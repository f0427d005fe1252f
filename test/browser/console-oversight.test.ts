import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { type Browser, launchChromium } from './chromium.ts';
import {
  requestAs,
  screenshot,
  seriousViolations,
  settled,
  signIn,
  startConsoleRuntime,
} from './runtime-kit.ts';

// Audit in the console, on the real local runtime: what an auditor gets, what anyone else does not.
let runtime: LocalRuntime;
let auditor: Browser;
let requester: Browser;
beforeAll(async () => {
  [runtime, auditor, requester] = await Promise.all([
    startConsoleRuntime(),
    launchChromium(),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await Promise.all([auditor?.close(), requester?.close()]);
  await runtime?.stop();
});

describe('audit in the web console', () => {
  it('an auditor exports the audit trail as CSV, with the lease in it, and verifies the trail', async () => {
    // Prepare
    const lease = await requestAs(runtime, 'ui-requester', {
      accountId: '111111111111',
      permissionSet: 'ReadOnly',
      duration: 'PT30M',
      justification: 'audit export, with "quotes", and a comma',
    });
    await settled(runtime, 'ui-requester', lease.id, 'ACTIVE');
    const { page, problems } = await signIn(auditor, runtime, 'ui-auditor');

    // Act
    await page.getByRole('navigation').getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('row').filter({ hasText: lease.id }).waitFor();
    await screenshot(page, 'audit');
    const violations = await seriousViolations(page);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    const csv = readFileSync((await file.path()) as string, 'utf8');
    await page.getByRole('button', { name: 'Verify audit trail' }).click();

    // Assess
    expect(file.suggestedFilename()).toMatch(/^idc-lease-audit-[\dT-]+Z\.csv$/);
    const [header, ...rows] = csv.trimEnd().split('\r\n');
    expect(header?.split(',').slice(0, 6)).toEqual([
      'id',
      'status',
      'endReason',
      'requester',
      'accountId',
      'permissionSet',
    ]);
    const row = rows.find((r) => r.startsWith(`${lease.id},`));
    expect(row).toContain(',ACTIVE,,ui-requester,111111111111,ReadOnly,PT30M,ui-auto,');
    expect(row).toContain('"audit export, with ""quotes"", and a comma"');
    await page.getByText('The audit trail is intact').waitFor();
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a non-auditor sees no Audit in the navigation, and /api/audit answers them 403', async () => {
    // Prepare
    const { page } = await signIn(requester, runtime, 'ui-requester');
    const auditCalls: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/audit')) auditCalls.push(r.url());
    });

    // Act
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'My leases' }).waitFor();
    const links = await nav.getByRole('link').allTextContents();
    await page.goto(`${runtime.info.consoleUrl}audit`);
    await page.getByText('Only auditors and admins see the audit trail').waitFor();
    const pageCalls = [...auditCalls];
    // With the session cookie, as the page's own code would send it.
    const direct = await page.evaluate(async () => {
      const res = await fetch('/api/audit?format=csv', { credentials: 'same-origin' });
      return { status: res.status, body: await res.json() };
    });
    const me = await page.evaluate(async () => (await fetch('/api/me')).status);

    // Assess
    expect(links).toEqual(expect.arrayContaining(['Request access', 'My leases', 'Approvals']));
    expect(links).not.toContain('Audit');
    expect(links).not.toContain('Admin');
    // The page knows who may read the trail: it asks the API for nothing it would refuse.
    expect(pageCalls).toEqual([]);
    expect(direct).toEqual({
      status: 403,
      body: { error: { code: 'FORBIDDEN', message: expect.stringContaining('auditors') } },
    });
    // The 403 is about the caller, not a missing session.
    expect(me).toBe(200);
    await page.close();
  });
});

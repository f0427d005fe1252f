import { describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import { ConsoleClient } from '../../local/console-client.ts';
import { LOCAL_PORTAL_URL } from '../../local/runtime.ts';
import { principalOf, recordedCalls } from '../iam/calls.ts';
import { apiUrl, info, ledgerLeasesOf, waitForStatus } from './harness.ts';

const USER = 'web01';
const LEASE = {
  accountId: '111111111111',
  permissionSet: 'ReadOnly',
  duration: 'PT5M',
  justification: 'console test',
};

describe('console sign-in on the local runtime (HTTP, no browser)', () => {
  it('signs in through the local IdP, calls the API with the cookie, needs the CSRF header, and signs out for good', async () => {
    // Prepare
    const browser = new ConsoleClient(apiUrl());
    const served = (await (await fetch(`${apiUrl()}/_local/info`)).json()) as Record<string, string>;
    expect(served.consoleUrl).toBe(`${apiUrl()}/console/`);
    expect(served.idpUrl).toBe(`${apiUrl()}/_local/idp`);
    expect(info().consoleUrl).toBe(served.consoleUrl);

    // Act: SP-initiated, as opening a console page without a session does.
    const landedOn = await browser.signIn(USER, '/console/leases');
    const page = await browser.fetch('/console/leases');
    const me = await browser.fetch('/api/me');
    const forged = await browser.fetch('/api/leases', {
      method: 'POST',
      body: JSON.stringify(LEASE),
      csrf: false,
    });
    const crossSite = await browser.fetch('/api/leases', {
      method: 'POST',
      body: JSON.stringify(LEASE),
      headers: { origin: 'https://evil.example' },
    });
    const leasesAfterRefusals = await ledgerLeasesOf(USER);
    const created = await browser.fetch('/api/leases', { method: 'POST', body: JSON.stringify(LEASE) });
    const lease = (await created.json()) as Lease;
    const revoked = await browser.fetch(`/api/leases/${lease.id}/revoke`, { method: 'POST', body: '{}' });
    const signOutWithoutHeader = await browser.fetch('/auth/logout', { method: 'POST', csrf: false });
    const stillIn = await browser.fetch('/api/me');
    const signedOut = await browser.fetch('/auth/logout', { method: 'POST' });
    const afterSignOut = await browser.fetch('/api/me');

    // Assess
    expect(landedOn).toBe('/console/leases');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({
      userName: USER,
      userId: info().userIds[USER],
      groups: ['testers'],
      auditor: false,
      admin: false,
    });
    for (const refused of [forged, crossSite]) {
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/csrf/);
    }
    expect(leasesAfterRefusals).toEqual([]);
    expect(created.status).toBe(201);
    expect(lease.requester.userName).toBe(USER);
    expect(revoked.status).toBe(200);
    expect(signOutWithoutHeader.status).toBe(403);
    expect(stillIn.status).toBe(200);
    expect(signedOut.status).toBe(204);
    expect(afterSignOut.status).toBe(401);
    await waitForStatus(USER, lease.id, 'ENDED');
  });

  it('takes an IdP-initiated sign-in (a portal tile), refuses its replay, and never takes X-Lease-User under /api/', async () => {
    // Prepare
    const browser = new ConsoleClient(apiUrl());
    const form = ConsoleClient.formFor(await browser.idpPage(), 'auditor1');

    // Act
    const first = await browser.postToAcs(form);
    const replay = await new ConsoleClient(apiUrl()).postToAcs(form);
    const headerOnly = await fetch(`${apiUrl()}/api/me`, { headers: { 'x-lease-user': 'admin1' } });
    const both = await browser.fetch('/api/me', { headers: { 'x-lease-user': 'admin1' } });

    // Assess
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/console/');
    expect(replay.status).toBe(401);
    expect(await replay.text()).toContain('SAML response refused (replayed)');
    expect(replay.headers.get('set-cookie')).toBeNull();
    expect(headerOnly.status).toBe(401);
    expect(((await both.json()) as { userName: string }).userName).toBe('auditor1');
  });

  it("reads the caller of /api/* through the API function's caller cache, as deployed: one Identity Store lookup for several calls", async () => {
    // Prepare: web02 is this test's own, so every lookup of it the log holds is this test's.
    const browser = new ConsoleClient(apiUrl());
    await browser.signIn('web02', '/console/');

    // Act
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await browser.fetch('/api/me')).status);
    const lookups = (await recordedCalls(info().awsEndpoint)).filter(
      (call) =>
        principalOf(call) === 'api' &&
        call.action === 'GetUserId' &&
        JSON.stringify(call.params).includes('"web02"'),
    );

    // Assess
    expect(answers).toEqual([200, 200, 200]);
    expect(lookups).toHaveLength(1);
  });

  it('serves config.json and sends /console to /console/', async () => {
    const config = await fetch(`${apiUrl()}/console/config.json`);
    const bare = await fetch(`${apiUrl()}/console`, { redirect: 'manual' });
    expect(await config.json()).toEqual({ portalUrl: LOCAL_PORTAL_URL, basePath: '/console/' });
    expect([bare.status, bare.headers.get('location')]).toEqual([308, '/console/']);
  });
});

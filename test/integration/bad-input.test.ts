import { describe, expect, it } from 'vitest';
import { call, callsFor, ledgerLeasesOf, requestLease } from './harness.ts';

const VALID = {
  accountId: '111111111111',
  permissionSet: 'ReadOnly',
  duration: 'PT5M',
  justification: 'bad input test',
};

describe.concurrent('a request the API refuses', () => {
  it.each([
    ['malformed JSON', '{"accountId":', 400, 'body'],
    ['a missing account id', { ...VALID, accountId: undefined }, 400, 'accountId'],
    ['an account id that is not 12 digits', { ...VALID, accountId: '1234' }, 400, 'accountId'],
    ['a duration that is not ISO 8601', { ...VALID, duration: '5 minutes' }, 400, 'duration'],
    ['a duration over the rule maximum', { ...VALID, duration: 'PT2H' }, 400, 'duration'],
    ['an empty justification', { ...VALID, justification: '' }, 400, 'justification'],
    [
      'a terminal escape in the justification',
      { ...VALID, justification: 'ok \u001b[2J\u001b[32mAPPROVED' },
      400,
      'justification',
    ],
    ['a line break in the ticket', { ...VALID, ticket: 'INC-1\nINC-2' }, 400, 'ticket'],
    ['an unknown field', { ...VALID, role: 'admin' }, 400, 'role'],
    ['a start time without a time zone', { ...VALID, startAt: '2030-01-01T10:00:00' }, 400, 'startAt'],
    ['an unknown permission set', { ...VALID, permissionSet: 'NoSuchSet' }, 400, 'permissionSet'],
    ['a protected account', { ...VALID, accountId: '999999999999' }, 403, undefined],
    ['an account no rule covers', { ...VALID, accountId: '555555555555' }, 403, undefined],
  ])('%s', async (_name, body, status, field) => {
    // Act
    const res = await call<{ error: { code: string; message: string } }>('t36', 'POST', '/leases', body);

    // Assess
    expect(res.status).toBe(status);
    expect(res.body.error.code).toEqual(expect.any(String));
    if (field) expect(res.body.error.message.startsWith(`${field}:`)).toBe(true);
    expect(await callsFor('t36')).toEqual([]);
    expect(await ledgerLeasesOf('t36')).toEqual([]);
  });

  it('a control character in a revocation reason or a decision comment, changing nothing', async () => {
    const lease = await requestLease('in01', { ...VALID, duration: 'PT20S' });
    const revoke = await call<{ error: { message: string } }>('in01', 'POST', `/leases/${lease.id}/revoke`, {
      reason: 'done\u0007',
    });
    const approve = await call<{ error: { message: string } }>(
      'in01',
      'POST',
      `/leases/${lease.id}/approve`,
      {
        comment: 'ok \u202eevil',
      },
    );
    expect(revoke.status).toBe(400);
    expect(revoke.body.error.message).toMatch(/^reason:/);
    expect(approve.status).toBe(400);
    expect(approve.body.error.message).toMatch(/^comment:/);
    expect((await call<{ status: string }>('in01', 'GET', `/leases/${lease.id}`)).body.status).not.toMatch(
      /REVOK|ENDED/,
    );
  });

  it('a body over the size limit', async () => {
    const res = await call<{ error: { message: string } }>('t36', 'POST', '/leases', {
      ...VALID,
      justification: 'x'.repeat(20_000),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^body:/);
  });

  it('no identity at all is 401, an unknown user too', async () => {
    expect((await call(undefined, 'POST', '/leases', VALID)).status).toBe(401);
    expect((await call('nobody-by-that-name', 'POST', '/leases', VALID)).status).toBe(401);
  });

  it('an unknown lease is 404 and revoking an ended one is 409', async () => {
    expect((await call('t37', 'GET', '/leases/l-20260101T000000-aaaaaaaaaa')).status).toBe(404);
    const lease = await requestLease('t37', { ...VALID, duration: 'PT1S' });
    for (let i = 0; i < 100; i++) {
      const now = await call<{ status: string }>('t37', 'GET', `/leases/${lease.id}`);
      if (now.body.status === 'ENDED') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const revoke = await call<{ error: { code: string } }>('t37', 'POST', `/leases/${lease.id}/revoke`, {});
    expect(revoke.status).toBe(409);
    expect(revoke.body.error.code).toBe('CONFLICT');
  });

  it('only the requester or an admin may revoke, only the requester extends', async () => {
    const lease = await requestLease('t38', { ...VALID, duration: 'PT20S' });
    expect((await call('t39', 'POST', `/leases/${lease.id}/revoke`, {})).status).toBe(403);
    expect((await call('outsider', 'GET', `/leases/${lease.id}`)).status).toBe(403);
    expect((await call('admin1', 'POST', `/leases/${lease.id}/extend`, { duration: 'PT1M' })).status).toBe(
      403,
    );
    const byAdmin = await call<{ status: string }>('admin1', 'POST', `/leases/${lease.id}/revoke`, {
      reason: 'test',
    });
    expect(byAdmin.status).toBe(200);
  });
});

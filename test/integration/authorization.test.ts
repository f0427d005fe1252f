import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Lease } from '../../core/lease.ts';
import { apiUrl, call, requestLease, waitForStatus, waitUntil, withReconcilerLock } from './harness.ts';

/** The CONTRACT's roles for one lease: its requester, an approver of its rule, and the rest. */
const ROLES = {
  requester: 't35',
  approver: 'approver1',
  other: 'outsider',
  admin: 'admin1',
  auditor: 'auditor1',
  none: undefined,
} as const;
type Role = keyof typeof ROLES;

const GATED = {
  accountId: '222222222222',
  permissionSet: 'AdministratorAccess',
  justification: 'authz matrix',
};
const AUTO = { accountId: '111111111111', permissionSet: 'ReadOnly', justification: 'authz matrix' };

const pendingLease = async (): Promise<Lease> => {
  const lease = await requestLease(ROLES.requester, { ...GATED, duration: 'PT2S' });
  await waitUntil('the approval request', async () =>
    (await call<Lease>('t35', 'GET', `/leases/${lease.id}`)).body.timeline.some(
      (t) => t.type === 'APPROVAL_REQUESTED',
    ),
  );
  return lease;
};
const activeLease = async (): Promise<Lease> => {
  const lease = await requestLease(ROLES.requester, { ...AUTO, duration: 'PT30S' });
  return waitForStatus(ROLES.requester, lease.id, 'ACTIVE');
};

/** Expected status per role; `allowed` roles are tried last, on a fresh lease each when the call changes it. */
const MATRIX: {
  route: string;
  call: (user: string | undefined, lease: Lease) => Promise<{ status: number }>;
  lease?: () => Promise<Lease>;
  expect: Record<Role, number>;
}[] = [
  {
    route: 'GET /me',
    call: (u) => call(u, 'GET', '/me'),
    expect: { requester: 200, approver: 200, other: 200, admin: 200, auditor: 200, none: 401 },
  },
  {
    route: 'GET /eligibility',
    call: (u) => call(u, 'GET', '/eligibility'),
    expect: { requester: 200, approver: 200, other: 200, admin: 200, auditor: 200, none: 401 },
  },
  {
    route: 'POST /leases',
    call: (u) => call(u, 'POST', '/leases', { ...AUTO, duration: 'PT1S' }),
    expect: { requester: 201, approver: 403, other: 403, admin: 403, auditor: 403, none: 401 },
  },
  {
    route: 'GET /leases',
    call: (u) => call(u, 'GET', '/leases'),
    expect: { requester: 200, approver: 200, other: 200, admin: 200, auditor: 200, none: 401 },
  },
  {
    route: 'GET /leases/{id}',
    lease: pendingLease,
    call: (u, l) => call(u, 'GET', `/leases/${l.id}`),
    expect: { requester: 200, approver: 200, other: 403, admin: 200, auditor: 200, none: 401 },
  },
  {
    route: 'POST /leases/{id}/approve',
    lease: pendingLease,
    call: (u, l) => call(u, 'POST', `/leases/${l.id}/approve`, {}),
    expect: { requester: 403, approver: 200, other: 403, admin: 403, auditor: 403, none: 401 },
  },
  {
    route: 'POST /leases/{id}/reject',
    lease: pendingLease,
    call: (u, l) => call(u, 'POST', `/leases/${l.id}/reject`, {}),
    expect: { requester: 403, approver: 200, other: 403, admin: 403, auditor: 403, none: 401 },
  },
  {
    route: 'POST /leases/{id}/revoke',
    lease: activeLease,
    call: (u, l) => call(u, 'POST', `/leases/${l.id}/revoke`, {}),
    expect: { requester: 200, approver: 403, other: 403, admin: 200, auditor: 403, none: 401 },
  },
  {
    route: 'POST /leases/{id}/extend',
    lease: activeLease,
    call: (u, l) => call(u, 'POST', `/leases/${l.id}/extend`, { duration: 'PT1M' }),
    expect: { requester: 200, approver: 403, other: 403, admin: 403, auditor: 403, none: 401 },
  },
  {
    route: 'GET /approvals',
    call: (u) => call(u, 'GET', '/approvals'),
    expect: { requester: 200, approver: 200, other: 200, admin: 200, auditor: 200, none: 401 },
  },
  {
    route: 'GET /audit',
    call: (u) => call(u, 'GET', '/audit?principal=t35&limit=1'),
    expect: { requester: 403, approver: 403, other: 403, admin: 200, auditor: 200, none: 401 },
  },
  {
    route: 'POST /admin/reconcile',
    call: (u) =>
      u === ROLES.admin
        ? withReconcilerLock(() => call(u, 'POST', '/admin/reconcile'))
        : call(u, 'POST', '/admin/reconcile'),
    expect: { requester: 403, approver: 403, other: 403, admin: 200, auditor: 403, none: 401 },
  },
  {
    route: 'GET /openapi.json',
    call: (u) => call(u, 'GET', '/openapi.json'),
    expect: { requester: 200, approver: 200, other: 200, admin: 200, auditor: 200, none: 200 },
  },
  {
    route: 'GET /healthz',
    call: (u) => call(u, 'GET', '/healthz'),
    expect: { requester: 200, approver: 200, other: 200, admin: 200, auditor: 200, none: 200 },
  },
];

describe('the authorization matrix', () => {
  it.each(MATRIX)('$route', async (row) => {
    const roles = Object.keys(row.expect) as Role[];
    // Refusals first, all on one lease: a refused call must change nothing, so the lease stays usable.
    const refused = roles.filter((r) => row.expect[r] >= 400);
    const allowed = roles.filter((r) => row.expect[r] < 400);
    const shared = row.lease ? await row.lease() : ({} as Lease);
    const seen: Partial<Record<Role, number>> = {};
    for (const role of refused) seen[role] = (await row.call(ROLES[role], shared)).status;
    for (const [i, role] of allowed.entries()) {
      // A successful change (approve, revoke…) uses up the lease: later allowed roles get a fresh one.
      const lease = row.lease && i > 0 && row.route.startsWith('POST') ? await row.lease() : shared;
      seen[role] = (await row.call(ROLES[role], lease)).status;
    }
    expect(seen).toEqual(row.expect);
  });
});

describe('who the local X-Lease-User names', () => {
  it('is the Identity Store user, with its own spelling: a name that differs only by case is that user or nobody', async () => {
    // Act
    const asStored = await call<{ userName: string; userId: string }>('outsider', 'GET', '/me');
    const shouted = await call<{ userName: string; userId: string }>('OUTSIDER', 'GET', '/me');

    // Assess: never a second identity, never the raw string as a name. The emulator matches
    // userName case-sensitively, so here it is nobody; a store that matches without regard to
    // case (AWS's) resolves to the stored user and spelling (test/unit/callers.test.ts).
    expect(asStored.status).toBe(200);
    expect(asStored.body.userName).toBe('outsider');
    expect(shouted.status).toBe(401);
  });

  it.each([
    ['a space', 'outsider x', 403],
    ['a look-alike letter (UTF-8 on the wire)', 'оutsider', 403],
    ['a percent-encoded newline', 'outsider%0a', 403],
    // Node's HTTP parser already refuses a raw control character in a header.
    ['a control character', 'outsider\u0007', 400],
  ])('refuses a name with %s, as the deployed API refuses such a session name', async (_what, name, status) => {
    // Act: raw bytes on a socket, since HTTP clients refuse to send such headers at all.
    const res = await rawGet('/me', { 'x-lease-user': name });

    // Assess
    expect(res).toBe(status);
  });
});

/** Sends a GET with header bytes exactly as given (UTF-8) and answers the status code. */
const rawGet = (path: string, headers: Record<string, string>): Promise<number> =>
  new Promise((resolve, reject) => {
    const url = new URL(apiUrl());
    const socket = connect(Number(url.port), url.hostname, () => {
      const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
      socket.end(
        Buffer.from(
          [`GET ${path} HTTP/1.1`, `host: ${url.host}`, 'connection: close', ...lines, '', ''].join('\r\n'),
        ),
      );
    });
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
    socket.on('error', reject);
  });

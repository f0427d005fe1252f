/**
 * A stand-in for `/api/*` answered inside the browser (Playwright routes), for tests of the
 * console's layout, accessibility and speed only: never for the flows, which run against the
 * real API on the local runtime.
 */
import type { Page } from 'playwright-core';
import type { EligibleRule, Lease, Me } from '../../console/src/api/types.ts';

type Json = unknown;

export interface StubApi {
  me: Me;
  eligibility?: EligibleRule[];
  leases?: Lease[];
  approvals?: Lease[];
  /** Extra answers by `METHOD /path` (without /api). */
  routes?: Record<string, Json>;
}

export async function stubApi(page: Page, stub: StubApi): Promise<void> {
  const answers: Record<string, Json> = {
    'GET /me': stub.me,
    'GET /eligibility': stub.eligibility ?? [],
    'GET /leases': stub.leases ?? [],
    'GET /approvals': stub.approvals ?? [],
    'GET /audit': stub.leases ?? [],
    'GET /audit/drift': [],
    ...stub.routes,
  };
  for (const lease of stub.leases ?? []) answers[`GET /leases/${lease.id}`] ??= lease;
  await page.route('**/api/**', async (route) => {
    const request = route.request();
    const path = new URL(request.url()).pathname.replace(/^\/api/, '');
    const key = `${request.method()} ${path}` as const;
    if (key in answers) {
      await route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify(answers[key]),
      });
    } else {
      await route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${key}` } }),
      });
    }
  });
}

export const sampleMe = (over: Partial<Me> = {}): Me => ({
  userName: 'alice',
  userId: 'u-alice',
  groups: ['developers'],
  auditor: false,
  admin: false,
  ...over,
});

export const sampleLease = (over: Partial<Lease> = {}): Lease => ({
  id: 'l-20261122T100000-abcdefghij',
  status: 'ACTIVE',
  requester: { userName: 'alice', userId: 'u-alice' },
  accountId: '111111111111',
  permissionSet: 'ReadOnly',
  duration: 'PT1H',
  justification: 'INC-42: read the logs',
  ruleId: 'dev-readonly',
  approvalRequired: false,
  requiredApprovals: 0,
  approvals: [],
  requestedAt: new Date(Date.now() - 60_000).toISOString(),
  grantedAt: new Date(Date.now() - 55_000).toISOString(),
  expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  assignment: { preExisting: false, createRequestId: 'r-1' },
  timeline: [
    { at: new Date(Date.now() - 60_000).toISOString(), type: 'REQUESTED', actor: 'alice' },
    { at: new Date(Date.now() - 55_000).toISOString(), type: 'ACTIVATED' },
  ],
  ...over,
});

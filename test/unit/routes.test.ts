import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiRoutes, pathPattern, policyResource } from '../../core/routes.ts';
import { type ApiDeps, route } from '../../lambdas/api/router.ts';
import type { ServiceContext } from '../../service/context.ts';

/** A concrete request path for a route of the table. */
const concrete = (path: string) =>
  path.replace(/\{proxy\+\}/g, 'a/b').replace(/\{\w+\}/g, 'l-20260101T000000-aaaaaaaaaa');

const api: ApiDeps = {
  // No route below may reach the service: public ones need none, signed ones stop at 401.
  ctx: { logger: { error: () => undefined } } as unknown as ServiceContext,
  reconcile: async () => ({ checkedAssignments: 0, removed: [], outOfBand: [], failed: [] }),
};

describe('the router and the route table', () => {
  it.each(
    apiRoutes().map((r) => [`${r.method} ${r.path}`, r] as const),
  )('%s answers as its authorization says when no caller is known', async (_name, spec) => {
    // Act
    const res = await route(api, { method: spec.method, path: concrete(spec.path) });

    // Assess: a signed route never runs without a caller; a public one never needs one.
    expect(res.status).toBe(spec.auth === 'public' ? 200 : 401);
  });

  it('serves the OpenAPI document from its file (the repository’s copy outside Lambda)', async () => {
    // Prepare
    const file = JSON.parse(readFileSync(new URL('../../service/openapi.json', import.meta.url), 'utf8'));

    // Act
    const res = await route(api, { method: 'GET', path: '/openapi.json' });

    // Assess
    expect(res).toEqual({ status: 200, body: file });
  });

  it('knows no route that the table does not list', async () => {
    expect((await route(api, { method: 'GET', path: '/admin' })).status).toBe(404);
    expect((await route(api, { method: 'DELETE', path: '/leases' })).status).toBe(404);
    expect((await route(api, { method: 'GET', path: '/api/leases' })).status).toBe(404);
  });
});

describe('route paths', () => {
  it('match their parameters and nothing else', () => {
    const lease = pathPattern('/leases/{id}/approve');
    expect(lease.exec('/leases/l-1_a/approve')?.slice(1)).toEqual(['l-1_a']);
    expect(lease.test('/leases/a/b/approve')).toBe(false);
    expect(lease.test('/leases/a.b/approve')).toBe(false);
    expect(pathPattern('/openapi.json').test('/openapiXjson')).toBe(false);
  });

  it('become resource-policy resources for every stage', () => {
    expect(policyResource({ method: 'GET', path: '/leases/{id}/activity' })).toBe(
      'execute-api:/*/GET/leases/*/activity',
    );
    expect(policyResource({ method: 'ANY', path: '/api/{proxy+}' })).toBe('execute-api:/*/*/api/*');
  });
});

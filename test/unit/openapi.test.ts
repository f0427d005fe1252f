import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../core/routes.ts';
import { openApiDocument } from '../../service/openapi.ts';

describe('the OpenAPI document', () => {
  it('the API serves is generated from the current schemas (npm run openapi)', () => {
    const served = JSON.parse(readFileSync(new URL('../../service/openapi.json', import.meta.url), 'utf8'));
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('describes every CONTRACT route implemented so far, with the request schemas the handlers use', () => {
    // Act
    const doc = openApiDocument() as unknown as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
      >;
      components?: { schemas?: Record<string, unknown> };
    };

    // Assess
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/admin/reconcile',
        '/approvals',
        '/audit',
        '/audit/drift',
        '/audit/verify',
        '/eligibility',
        '/healthz',
        '/leases',
        '/leases/{id}',
        '/leases/{id}/activity',
        '/leases/{id}/approve',
        '/leases/{id}/extend',
        '/leases/{id}/reject',
        '/leases/{id}/revoke',
        '/me',
        '/openapi.json',
      ].sort(),
    );
    const create = doc.paths['/leases']?.post?.requestBody?.content['application/json']?.schema as {
      required: string[];
      properties: Record<string, unknown>;
      additionalProperties: boolean;
    };
    expect(create.required.sort()).toEqual(['accountId', 'duration', 'justification', 'permissionSet']);
    expect(Object.keys(create.properties)).toContain('clientToken');
    expect(create.additionalProperties).toBe(false);
    expect(doc.components?.schemas).toHaveProperty('Lease');
  });

  it('describes exactly the routes of the route table, each with its method', () => {
    const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, unknown>> };
    const described = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(described.sort()).toEqual(
      apiRoutes()
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
  });
});

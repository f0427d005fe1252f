/**
 * The console's one way to the API (STYLE.md): openapi-fetch typed by the types generated from
 * service/openapi.json (`npm run console:types`), so a path, method, parameter or body the API
 * does not have fails the type check. Every call goes to `/api/<route>` on the console's own
 * origin with the session cookie; non-GET calls carry the CSRF header the server requires; a 401
 * (no session, or an expired one) starts sign-in again.
 */
import createClient from 'openapi-fetch';
import { ApiError, NO_ANSWER, toApiError } from './errors.ts';
import type { paths } from './schema.d.ts';
import type { CreateLease, Lease } from './types.ts';

export const CSRF_HEADER = 'X-IDC-Lease-CSRF';

export interface ApiDeps {
  /** `<origin>/api`: the API under /api/ on the console's origin (contract B). */
  baseUrl: string;
  /** No session or an expired one: the app navigates to `/auth/login?returnTo=…`. */
  onUnauthorized: () => void;
  fetch?: (request: Request) => Promise<Response>;
}

export interface AuditFilters {
  principal?: string;
  accountId?: string;
  permissionSet?: string;
  from?: string;
  to?: string;
}

type Result<T> = { data?: T; error?: unknown; response: Response };

export function createApi(deps: ApiDeps) {
  const client = createClient<paths>({
    baseUrl: deps.baseUrl,
    credentials: 'same-origin',
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  client.use({
    onRequest({ request }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') request.headers.set(CSRF_HEADER, '1');
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) deps.onUnauthorized();
    },
  });

  async function call<T>(pending: Promise<Result<T>>): Promise<{ data: T; response: Response }> {
    let result: Result<T>;
    try {
      result = await pending;
    } catch (err) {
      throw new ApiError(NO_ANSWER, 'NO_ANSWER', (err as Error).message || 'the request got no answer');
    }
    const { data, error, response } = result;
    if (error !== undefined || !response.ok) throw toApiError(response.status, error, response.statusText);
    return { data: data as T, response };
  }
  const body = async <T>(pending: Promise<Result<T>>): Promise<T> => (await call(pending)).data;
  const lease = (id: string) => ({ params: { path: { id } } });
  const nextToken = (response: Response) => response.headers.get('x-next-token') ?? undefined;

  return {
    me: () => body(client.GET('/me')),
    eligibility: () => body(client.GET('/eligibility')),
    myLeases: () => body(client.GET('/leases', { params: { query: { mine: 'true', limit: '200' } } })),
    lease: (id: string) => body(client.GET('/leases/{id}', lease(id))),
    activity: (id: string) => body(client.GET('/leases/{id}/activity', lease(id))),
    request: (request: CreateLease) => body(client.POST('/leases', { body: request })),
    approve: (id: string, comment?: string) =>
      body(client.POST('/leases/{id}/approve', { ...lease(id), body: comment ? { comment } : {} })),
    reject: (id: string, comment?: string) =>
      body(client.POST('/leases/{id}/reject', { ...lease(id), body: comment ? { comment } : {} })),
    revoke: (id: string, reason?: string) =>
      body(client.POST('/leases/{id}/revoke', { ...lease(id), body: reason ? { reason } : {} })),
    extend: (id: string, duration: string) =>
      body(client.POST('/leases/{id}/extend', { ...lease(id), body: { duration } })),
    approvals: () => body(client.GET('/approvals')),
    audit: async (filters: AuditFilters, page?: string) => {
      const query = {
        ...filters,
        format: 'json' as const,
        limit: '200',
        ...(page ? { nextToken: page } : {}),
      };
      const { data, response } = await call(client.GET('/audit', { params: { query } }));
      // The route also answers CSV and JSON Lines; with format=json the body is the lease array.
      return { leases: data as Lease[], nextToken: nextToken(response) };
    },
    /** One page of an export, as the server writes it (CSV with its header, or JSON Lines). */
    auditExport: async (filters: AuditFilters, format: 'csv' | 'jsonl', page?: string) => {
      const query = { ...filters, format, limit: '1000', ...(page ? { nextToken: page } : {}) };
      const { data, response } = await call<string>(
        client.GET('/audit', { params: { query }, parseAs: 'text' }) as Promise<Result<string>>,
      );
      return { text: data, nextToken: nextToken(response) };
    },
    drift: (range: { from?: string; to?: string }) =>
      body(client.GET('/audit/drift', { params: { query: range } })),
    verify: () => body(client.GET('/audit/verify')),
    reconcile: () => body(client.POST('/admin/reconcile')),
  };
}

export type Api = ReturnType<typeof createApi>;

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Caller } from '../../adapters/directory.ts';
import { ForbiddenError, NotFoundError, toErrorBody, UnauthorizedError } from '../../core/errors.ts';
import { isAdmin } from '../../core/policy.ts';
import type { ReconcileReport } from '../../core/reconcile.ts';
import { apiRoutes, pathPattern, type RouteKey, routeKey } from '../../core/routes.ts';
import { leaseActivity } from '../../service/activity.ts';
import { auditTrail, driftFindings, toCsv, toJsonLines } from '../../service/audit.ts';
import { verifyAuditTrail } from '../../service/audit-verify.ts';
import type { ServiceContext } from '../../service/context.ts';
import { approveLease, rejectLease } from '../../service/decisions.ts';
import { extendLease, revokeLease } from '../../service/lifecycle.ts';
import { eligibility, listLeases, me, pendingApprovals, type Query } from '../../service/queries.ts';
import { getLease, requestLease } from '../../service/requests.ts';

export interface ApiRequest {
  method: string;
  path: string;
  /** Undefined when no identity could be established: every route but /healthz answers 401. */
  caller?: Caller;
  body?: unknown;
  query?: Query;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  /** e.g. `x-next-token` when a list has more pages. */
  headers?: Record<string, string>;
  /** A body that is not JSON (CSV, JSON Lines), sent as is with its content-type header. */
  raw?: string;
}

export interface ApiDeps {
  ctx: ServiceContext;
  reconcile: () => Promise<ReconcileReport>;
}

/**
 * The API's description, generated from the handlers' zod schemas (npm run openapi) and served as
 * is, so the generator stays out of the bundle. Deployed it is a file beside the handler
 * (`OPENAPI_FILE`, relative to the code root; the stack copies it there like the access policy),
 * read on the first request: bundled, its 23 KB would be parsed at every cold start. Elsewhere
 * (the local runtime, tests) it is the repository's copy.
 */
const OPENAPI_FILE = process.env.OPENAPI_FILE
  ? resolve(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), process.env.OPENAPI_FILE)
  : fileURLToPath(new URL('../../service/openapi.json', import.meta.url));
let openApiDocument: Promise<unknown> | undefined;
const readOpenApiDocument = (): Promise<unknown> =>
  (openApiDocument ??= readFile(OPENAPI_FILE, 'utf8').then(
    (text) => JSON.parse(text),
    (err) => {
      // Not cached: the next request tries again.
      openApiDocument = undefined;
      throw err;
    },
  ));

type Handler = (
  deps: ApiDeps,
  caller: Caller,
  params: string[],
  body: unknown,
  query: Query,
) => Promise<ApiResponse>;
type PublicHandler = () => Promise<ApiResponse>;

const ok = (body: unknown, status = 200): ApiResponse => ({ status, body });
const paged = (items: unknown, nextToken: string | undefined): ApiResponse => ({
  status: 200,
  body: items,
  ...(nextToken ? { headers: { 'x-next-token': nextToken } } : {}),
});
const param = (params: string[]) => params[0] as string;

/** Routes anyone may call: they are never given a caller. */
const PUBLIC: Record<RouteKey<'public'>, PublicHandler> = {
  'GET /healthz': async () => ok({ status: 'ok' }),
  'GET /openapi.json': async () => ok(await readOpenApiDocument()),
};

/** One handler per signed route of the table (`core/routes.ts`); the type makes the map complete. */
const SIGNED: Record<RouteKey<'sigv4'>, Handler> = {
  'GET /me': async ({ ctx }, caller) => ok(me(ctx, caller)),
  'GET /eligibility': async ({ ctx }, caller) => ok(await eligibility(ctx, caller)),
  'GET /leases': async ({ ctx }, caller, _p, _b, query) => {
    const page = await listLeases(ctx, caller, query);
    return paged(page.items, page.nextToken);
  },
  'POST /leases': async ({ ctx }, caller, _p, body) => {
    const { lease, created } = await requestLease(ctx, caller, body);
    return ok(lease, created ? 201 : 200);
  },
  'GET /leases/{id}': async ({ ctx }, caller, p) => ok(await getLease(ctx, caller, param(p))),
  'GET /leases/{id}/activity': async ({ ctx }, caller, p) => ok(await leaseActivity(ctx, caller, param(p))),
  'POST /leases/{id}/approve': async ({ ctx }, c, p, b) => ok(await approveLease(ctx, c, param(p), b)),
  'POST /leases/{id}/reject': async ({ ctx }, c, p, b) => ok(await rejectLease(ctx, c, param(p), b)),
  'POST /leases/{id}/revoke': async ({ ctx }, c, p, b) => ok(await revokeLease(ctx, c, param(p), b)),
  'POST /leases/{id}/extend': async ({ ctx }, c, p, b) => ok(await extendLease(ctx, c, param(p), b)),
  'GET /approvals': async ({ ctx }, caller, _p, _b, query) => {
    const page = await pendingApprovals(ctx, caller, query);
    return paged(page.items, page.nextToken);
  },
  'GET /audit': async ({ ctx }, caller, _p, _b, query) => {
    const { format, leases, nextToken } = await auditTrail(ctx, caller, query);
    const headers: Record<string, string> = nextToken ? { 'x-next-token': nextToken } : {};
    if (format === 'csv') {
      return {
        status: 200,
        body: null,
        raw: toCsv(leases),
        headers: { ...headers, 'content-type': 'text/csv' },
      };
    }
    if (format === 'jsonl') {
      return {
        status: 200,
        body: null,
        raw: toJsonLines(leases),
        headers: { ...headers, 'content-type': 'application/x-ndjson' },
      };
    }
    return { status: 200, body: leases, headers };
  },
  'GET /audit/drift': async ({ ctx }, caller, _p, _b, query) => {
    const page = await driftFindings(ctx, caller, query);
    return paged(page.items, page.nextToken);
  },
  'GET /audit/verify': async ({ ctx }, caller) => ok(await verifyAuditTrail(ctx, caller)),
  'POST /admin/reconcile': async ({ ctx, reconcile }, caller) => {
    if (!isAdmin(ctx.policy, caller)) throw new ForbiddenError('only admins run the reconciler');
    return ok(await reconcile());
  },
};

const ROUTES = apiRoutes().map((spec) => {
  const key = routeKey(spec);
  const pattern = pathPattern(spec.path);
  // A built route that this router cannot serve is a wiring mistake: fail the cold start.
  const missing = () => new Error(`no handler for ${key} (${spec.auth})`);
  if (spec.auth === 'public') {
    const handler = PUBLIC[key as RouteKey<'public'>];
    if (!handler) throw missing();
    return { spec, pattern, auth: 'public' as const, handler };
  }
  const handler = spec.auth === 'sigv4' ? SIGNED[key as RouteKey<'sigv4'>] : undefined;
  if (!handler) throw missing();
  return { spec, pattern, auth: 'signed' as const, handler };
});

/** Maps a request to the service and every typed error to the CONTRACT's error body, in one place. */
export async function route(deps: ApiDeps, req: ApiRequest): Promise<ApiResponse> {
  try {
    const matching = ROUTES.map((r) => ({ ...r, m: r.pattern.exec(req.path) })).filter((r) => r.m);
    if (matching.length === 0) throw new NotFoundError(`no route ${req.path}`);
    const found = matching.find((r) => r.spec.method === req.method || r.spec.method === 'ANY');
    if (!found?.m) throw new NotFoundError(`no route ${req.method} ${req.path}`);
    if (found.auth === 'public') return await found.handler();
    if (!req.caller) throw new UnauthorizedError();
    return await found.handler(deps, req.caller, found.m.slice(1), req.body, req.query ?? {});
  } catch (err) {
    const { status, body } = toErrorBody(err);
    if (status >= 500) deps.ctx.logger.error('request failed', { path: req.path, error: err as Error });
    return { status, body };
  }
}

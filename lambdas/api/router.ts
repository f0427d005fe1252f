import type { Caller } from '../../adapters/directory.ts';
import { ForbiddenError, NotFoundError, toErrorBody, UnauthorizedError } from '../../core/errors.ts';
import { isAdmin } from '../../core/policy.ts';
import type { ReconcileReport } from '../../core/reconcile.ts';
import { leaseActivity } from '../../service/activity.ts';
import { auditTrail, driftFindings, toCsv, toJsonLines } from '../../service/audit.ts';
import { verifyAuditTrail } from '../../service/audit-verify.ts';
import type { ServiceContext } from '../../service/context.ts';
import { approveLease, rejectLease } from '../../service/decisions.ts';
import { extendLease, revokeLease } from '../../service/lifecycle.ts';
// Generated from the handlers' zod schemas (npm run openapi); served as is, so the generator stays out of the bundle.
import openApiDocument from '../../service/openapi.json' with { type: 'json' };
import { eligibility, listLeases, pendingApprovals, type Query } from '../../service/queries.ts';
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

type Handler = (
  deps: ApiDeps,
  caller: Caller,
  params: string[],
  body: unknown,
  query: Query,
) => Promise<ApiResponse>;

const ok = (body: unknown, status = 200): ApiResponse => ({ status, body });

const LEASE = '/leases/([A-Za-z0-9_-]{1,80})';
const ROUTES: [string, RegExp, Handler][] = [
  ['GET', /^\/me$/, async (_d, caller) => ok(caller)],
  ['GET', /^\/eligibility$/, async ({ ctx }, caller) => ok(await eligibility(ctx, caller))],
  [
    'GET',
    /^\/leases$/,
    async ({ ctx }, caller, _p, _b, query) => {
      const page = await listLeases(ctx, caller, query);
      return {
        status: 200,
        body: page.items,
        ...(page.nextToken ? { headers: { 'x-next-token': page.nextToken } } : {}),
      };
    },
  ],
  ['GET', /^\/approvals$/, async ({ ctx }, caller) => ok(await pendingApprovals(ctx, caller))],
  ['GET', /^\/audit\/verify$/, async ({ ctx }, caller) => ok(await verifyAuditTrail(ctx, caller))],
  [
    'GET',
    /^\/audit\/drift$/,
    async ({ ctx }, caller, _p, _b, query) => ok(await driftFindings(ctx, caller, query)),
  ],
  [
    'GET',
    /^\/audit$/,
    async ({ ctx }, caller, _p, _b, query) => {
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
  ],
  [
    'POST',
    /^\/leases$/,
    async ({ ctx }, caller, _p, body) => {
      const { lease, created } = await requestLease(ctx, caller, body);
      return ok(lease, created ? 201 : 200);
    },
  ],
  [
    'GET',
    new RegExp(`^${LEASE}$`),
    async ({ ctx }, caller, [id]) => ok(await getLease(ctx, caller, id as string)),
  ],
  [
    'GET',
    new RegExp(`^${LEASE}/activity$`),
    async ({ ctx }, caller, [id]) => ok(await leaseActivity(ctx, caller, id as string)),
  ],
  [
    'POST',
    new RegExp(`^${LEASE}/approve$`),
    async ({ ctx }, c, [id], b) => ok(await approveLease(ctx, c, id as string, b)),
  ],
  [
    'POST',
    new RegExp(`^${LEASE}/reject$`),
    async ({ ctx }, c, [id], b) => ok(await rejectLease(ctx, c, id as string, b)),
  ],
  [
    'POST',
    new RegExp(`^${LEASE}/revoke$`),
    async ({ ctx }, c, [id], b) => ok(await revokeLease(ctx, c, id as string, b)),
  ],
  [
    'POST',
    new RegExp(`^${LEASE}/extend$`),
    async ({ ctx }, c, [id], b) => ok(await extendLease(ctx, c, id as string, b)),
  ],
  [
    'POST',
    /^\/admin\/reconcile$/,
    async ({ ctx, reconcile }, caller) => {
      if (!isAdmin(ctx.policy, caller)) throw new ForbiddenError('only admins run the reconciler');
      return ok(await reconcile());
    },
  ],
];

/** Maps a request to the service and every typed error to the CONTRACT's error body, in one place. */
export async function route(deps: ApiDeps, req: ApiRequest): Promise<ApiResponse> {
  try {
    if (req.method === 'GET' && req.path === '/healthz') return ok({ status: 'ok' });
    if (req.method === 'GET' && req.path === '/openapi.json') return ok(openApiDocument);
    const match = ROUTES.map(([method, re, handler]) => ({ method, m: re.exec(req.path), handler })).filter(
      (r) => r.m,
    );
    if (match.length === 0) throw new NotFoundError(`no route ${req.path}`);
    const found = match.find((r) => r.method === req.method);
    if (!found?.m) throw new NotFoundError(`no route ${req.method} ${req.path}`);
    if (!req.caller) throw new UnauthorizedError();
    return await found.handler(deps, req.caller, found.m.slice(1), req.body, req.query ?? {});
  } catch (err) {
    const { status, body } = toErrorBody(err);
    if (status >= 500) deps.ctx.logger.error('request failed', { path: req.path, error: err as Error });
    return { status, body };
  }
}

/**
 * Every route of the deployed API and how it is authorized, in one table: the construct builds
 * API Gateway's methods and its resource policy from it (`lib/lease-api.ts`), the router binds a
 * handler to each built route (`lambdas/api/router.ts`), and a stack test checks the template
 * against it. A route that is not here is not reachable.
 *
 * - `sigv4`: IAM authorization, and the resource policy admits only sessions Identity Center
 *   issued (its reserved role path, an `identitystore:userId` in the session, the organization).
 * - `public`: anyone, unsigned (CONTRACT: health check and the API's own description).
 * - `session`: the web console's API, `/api/<route>`: the same routes as above, answered by the
 *   API function with the console's session cookie as the caller (CONTRACT "Web console").
 * - `saml`: the console's sign-in, `/auth/…`: Identity Center's signed SAML response, checked by
 *   the sign-in function, which then issues the session.
 * - `slack-signature`: Slack's `v0` request signature, checked by the handler (CONTRACT "Slack").
 *
 * `session` and `saml` routes are unsigned at API Gateway: the handlers authenticate, and the
 * resource policy admits them only through the console's CloudFront distribution.
 *
 * `planned` routes are owned by later changes: the table reserves their path and authorization
 * so that the resource policy never covers them by accident, and the construct refuses to build
 * one until it knows how (it throws rather than exposing the route under another lock).
 */

export type RouteAuth = 'sigv4' | 'public' | 'session' | 'saml' | 'slack-signature';
export type RouteMethod = 'GET' | 'POST' | 'ANY';

export interface RouteSpec {
  readonly method: RouteMethod;
  /** The API Gateway resource path; `{name}` is a path parameter, `{proxy+}` a greedy one. */
  readonly path: string;
  readonly auth: RouteAuth;
  /** Reserved for a later change; not built, not routed. */
  readonly planned?: true;
}

export const API_ROUTES = [
  { method: 'GET', path: '/healthz', auth: 'public' },
  { method: 'GET', path: '/openapi.json', auth: 'public' },
  { method: 'GET', path: '/me', auth: 'sigv4' },
  { method: 'GET', path: '/eligibility', auth: 'sigv4' },
  { method: 'GET', path: '/leases', auth: 'sigv4' },
  { method: 'POST', path: '/leases', auth: 'sigv4' },
  { method: 'GET', path: '/leases/{id}', auth: 'sigv4' },
  { method: 'GET', path: '/leases/{id}/activity', auth: 'sigv4' },
  { method: 'POST', path: '/leases/{id}/approve', auth: 'sigv4' },
  { method: 'POST', path: '/leases/{id}/reject', auth: 'sigv4' },
  { method: 'POST', path: '/leases/{id}/revoke', auth: 'sigv4' },
  { method: 'POST', path: '/leases/{id}/extend', auth: 'sigv4' },
  { method: 'GET', path: '/approvals', auth: 'sigv4' },
  { method: 'GET', path: '/audit', auth: 'sigv4' },
  { method: 'GET', path: '/audit/drift', auth: 'sigv4' },
  { method: 'GET', path: '/audit/verify', auth: 'sigv4' },
  { method: 'POST', path: '/admin/reconcile', auth: 'sigv4' },
  // The web console (CONTRACT B): its API under /api/ and its sign-in under /auth/.
  { method: 'ANY', path: '/api/{proxy+}', auth: 'session' },
  { method: 'ANY', path: '/auth/{proxy+}', auth: 'saml' },
  // CONTRACT "Planned next": Slack's interactivity endpoint.
  { method: 'POST', path: '/integrations/slack/interactions', auth: 'slack-signature', planned: true },
] as const satisfies readonly RouteSpec[];

type Built<R> = R extends { planned: true } ? never : R;
export type BuiltRoute = Built<(typeof API_ROUTES)[number]>;
/** `GET /leases/{id}`: how the router names the handler of a built route (of one kind of auth). */
export type RouteKey<A extends RouteAuth = RouteAuth> =
  Extract<BuiltRoute, { auth: A }> extends infer R
    ? R extends BuiltRoute
      ? `${R['method']} ${R['path']}`
      : never
    : never;

export const routeKey = (route: Pick<RouteSpec, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;

/** The routes API Gateway builds now, planned ones left out. */
export const builtRoutes = (): readonly RouteSpec[] =>
  (API_ROUTES as readonly RouteSpec[]).filter((route) => !route.planned);

/** Reached only through the console's CloudFront distribution, authenticated by their handlers. */
export const CONSOLE_AUTH: ReadonlySet<RouteAuth> = new Set(['session', 'saml']);

/**
 * The API's own routes, which the router serves and the OpenAPI document describes; the console's
 * `/api/{proxy+}` maps back onto them, `/auth/{proxy+}` is the sign-in function's.
 */
export const apiRoutes = (): readonly RouteSpec[] =>
  builtRoutes().filter((route) => route.auth === 'sigv4' || route.auth === 'public');

/** Lease ids are Step Functions execution names: 1–80 characters of [A-Za-z0-9_-]. */
const PARAMETER = '([A-Za-z0-9_-]{1,80})';

/** The path as a regular expression whose groups are its parameters, in order. */
export const pathPattern = (path: string): RegExp =>
  new RegExp(
    `^${path
      .split('/')
      .map((part) =>
        part === '{proxy+}'
          ? '(.+)'
          : /^\{\w+\}$/.test(part)
            ? PARAMETER
            : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/')}$`,
  );

/**
 * The route as an `execute-api:Invoke` resource of the API's resource policy, for every stage:
 * `execute-api:/*\/GET/leases/*`. A path parameter becomes `*` (which also spans `/`).
 */
export const policyResource = (route: Pick<RouteSpec, 'method' | 'path'>): string =>
  `execute-api:/*/${route.method === 'ANY' ? '*' : route.method}/${route.path
    .slice(1)
    .split('/')
    .map((part) => (part.startsWith('{') ? '*' : part))
    .join('/')}`;

import { AnyPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CONSOLE_AUTH, policyResource, type RouteAuth, type RouteSpec } from '../core/routes.ts';

/**
 * Who may invoke what, derived from the route table. A signed route is open only to sessions that
 * Identity Center issued: a role under its reserved path (`aws:PrincipalArn` carries the role with
 * its path; the session ARN the handler sees does not), with an `identitystore:userId` in the
 * session (Identity Center sets it; a session of a role someone created under that path does not
 * carry it), of this organization. The Allow admits them from other accounts; the Deny statements
 * stop any other principal of this account whose own IAM policy allows `execute-api:Invoke`
 * (same-account access needs only one Allow, from either policy). Public routes are open to all.
 * The console's routes (`/api/*`, `/auth/*`) are unsigned and their handlers authenticate, but
 * they are open only to requests that carry the console's CloudFront origin secret in `Referer`
 * (CloudFront adds it to every request it sends to the API, replacing any the browser sent), so
 * the API cannot be reached around the distribution and its headers. Routes authorized otherwise
 * (Slack's signature) are in no list.
 */
export function resourcePolicy(
  routes: readonly RouteSpec[],
  scope: { partition: string; organizationId: string; consoleOriginSecret: string },
): PolicyDocument {
  const resources = (auth: RouteAuth) => routes.filter((r) => r.auth === auth).map(policyResource);
  const signed = resources('sigv4');
  const console = routes.filter((r) => CONSOLE_AUTH.has(r.auth)).map(policyResource);
  const roles = identityCenterRolePatterns(scope.partition);
  const invoke = { principals: [new AnyPrincipal()], actions: ['execute-api:Invoke'] };
  return new PolicyDocument({
    statements: [
      new PolicyStatement({
        sid: 'IdentityCenterSessions',
        effect: Effect.ALLOW,
        ...invoke,
        resources: signed,
        conditions: {
          ArnLike: { 'aws:PrincipalArn': roles },
          Null: { [IDENTITY_STORE_USER_KEY]: 'false' },
          StringEquals: { 'aws:PrincipalOrgID': scope.organizationId },
        },
      }),
      new PolicyStatement({
        sid: 'DenyRolesOutsideIdentityCenterPath',
        effect: Effect.DENY,
        ...invoke,
        resources: signed,
        conditions: { ArnNotLike: { 'aws:PrincipalArn': roles } },
      }),
      new PolicyStatement({
        sid: 'DenySessionsWithoutIdentityStoreUser',
        effect: Effect.DENY,
        ...invoke,
        resources: signed,
        conditions: { Null: { [IDENTITY_STORE_USER_KEY]: 'true' } },
      }),
      new PolicyStatement({
        sid: 'DenyPrincipalsOutsideOrganization',
        effect: Effect.DENY,
        ...invoke,
        resources: signed,
        conditions: { StringNotEquals: { 'aws:PrincipalOrgID': scope.organizationId } },
      }),
      new PolicyStatement({
        sid: 'PublicRoutes',
        effect: Effect.ALLOW,
        ...invoke,
        resources: resources('public'),
      }),
      ...(console.length > 0
        ? [
            new PolicyStatement({
              sid: 'ConsoleThroughCloudFront',
              effect: Effect.ALLOW,
              ...invoke,
              resources: console,
              conditions: { StringEquals: { [ORIGIN_SECRET_KEY]: scope.consoleOriginSecret } },
            }),
            new PolicyStatement({
              sid: 'DenyConsoleAroundCloudFront',
              effect: Effect.DENY,
              ...invoke,
              resources: console,
              // Also when the key is absent (no Referer): StringNotEquals on a missing key matches.
              conditions: { StringNotEquals: { [ORIGIN_SECRET_KEY]: scope.consoleOriginSecret } },
            }),
          ]
        : []),
    ],
  });
}

/**
 * The request's `Referer`, which API Gateway's resource policies can test for any authorization
 * type; the console's CloudFront origin sets it to the origin secret.
 */
export const ORIGIN_SECRET_KEY = 'aws:Referer';
/** The header CloudFront adds to its origin requests to the API (a custom origin header). */
export const ORIGIN_SECRET_HEADER = 'Referer';

/**
 * The session key Identity Center sets for the user behind a permission-set session (AWS's
 * documented Deny for revoking active sessions conditions on it). Condition key names are
 * case-insensitive; this is the spelling AWS's own examples use.
 */
export const IDENTITY_STORE_USER_KEY = 'identitystore:userId';

/** Identity Center's permission-set roles, with and without the region segment in their path. */
export const identityCenterRolePatterns = (partition: string): string[] => [
  `arn:${partition}:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_*`,
  `arn:${partition}:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_*`,
];

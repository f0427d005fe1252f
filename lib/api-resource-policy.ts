import { AnyPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { policyResource, type RouteAuth, type RouteSpec } from '../core/routes.ts';

/**
 * Who may invoke what, derived from the route table. A signed route is open only to sessions that
 * Identity Center issued: a role under its reserved path (`aws:PrincipalArn` carries the role with
 * its path; the session ARN the handler sees does not), with an `identitystore:userId` in the
 * session (Identity Center sets it; a session of a role someone created under that path does not
 * carry it), of this organization. The Allow admits them from other accounts; the Deny statements
 * stop any other principal of this account whose own IAM policy allows `execute-api:Invoke`
 * (same-account access needs only one Allow, from either policy). Public routes are open to all.
 * Routes authorized otherwise (console session, Slack signature) are in neither list.
 */
export function resourcePolicy(
  routes: readonly RouteSpec[],
  scope: { partition: string; organizationId: string },
): PolicyDocument {
  const resources = (auth: RouteAuth) => routes.filter((r) => r.auth === auth).map(policyResource);
  const signed = resources('sigv4');
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
    ],
  });
}

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

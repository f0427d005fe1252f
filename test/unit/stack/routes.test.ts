import { beforeAll, describe, expect, it } from 'vitest';
import {
  API_ROUTES,
  builtRoutes,
  CONSOLE_AUTH,
  policyResource,
  type RouteSpec,
} from '../../../core/routes.ts';
import { logicalId, type Synthesized, synthesize } from './fixture.ts';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

type Ref = { Ref?: string; 'Fn::GetAtt'?: [string, string] };

/** Every method of the template as `METHOD /full/path AUTHORIZATION`. */
const methodsOf = (s: Synthesized): string[] => {
  const resources = s.template.findResources('AWS::ApiGateway::Resource');
  const pathOf = (ref: Ref): string => {
    if (!ref.Ref) return ''; // the RestApi's root resource
    const resource = resources[ref.Ref];
    if (!resource) throw new Error(`unknown resource ${ref.Ref}`);
    return `${pathOf(resource.Properties.ParentId as Ref)}/${resource.Properties.PathPart as string}`;
  };
  return Object.values(s.template.findResources('AWS::ApiGateway::Method')).map((m) => {
    const p = m.Properties as { HttpMethod: string; AuthorizationType: string; ResourceId: Ref };
    return `${p.HttpMethod} ${pathOf(p.ResourceId) || '/'} ${p.AuthorizationType}`;
  });
};

type Statement = {
  Sid: string;
  Effect: string;
  Principal: unknown;
  Action: string;
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
};
const statementsOf = (s: Synthesized): Statement[] => {
  const [api] = Object.values(s.template.findResources('AWS::ApiGateway::RestApi'));
  return (api?.Properties.Policy as { Statement: Statement[] }).Statement;
};
const asList = (r: string | string[]) => (Array.isArray(r) ? r : [r]);
const resourcesFor = (auth: RouteSpec['auth']) =>
  builtRoutes()
    .filter((r) => r.auth === auth)
    .map(policyResource);

const IDENTITY_CENTER_ROLES = [
  'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_*',
  'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_*',
];

describe('the route table and the API in the template', () => {
  it('has exactly one method per built route, authorized as the table says, and nothing else', () => {
    // Prepare
    // Only signed routes are IAM-authorized; the console's are unsigned (their handlers and the
    // resource policy's origin secret decide), like the public ones.
    const authorization: Record<RouteSpec['auth'], string> = {
      sigv4: 'AWS_IAM',
      public: 'NONE',
      session: 'NONE',
      saml: 'NONE',
      'slack-signature': '?',
    };
    const expected = builtRoutes().map((r) => `${r.method} ${r.path} ${authorization[r.auth]}`);

    // Assess
    expect(methodsOf(app).sort()).toEqual(expected.sort());
    expect(methodsOf(app)).toEqual(
      expect.arrayContaining(['ANY /api/{proxy+} NONE', 'ANY /auth/{proxy+} NONE']),
    );
    // Planned routes (Slack) are not reachable yet.
    for (const planned of API_ROUTES.filter((r) => 'planned' in r))
      expect(methodsOf(app).some((m) => m.includes(` ${planned.path} `))).toBe(false);
  });

  it('opens the signed routes to Identity Center sessions of the organization only', () => {
    // Prepare
    const statements = statementsOf(app);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    const signed = resourcesFor('sigv4');

    // Assess: one Allow with every condition at once...
    const allow = bySid.IdentityCenterSessions as Statement;
    expect(asList(allow.Resource).sort()).toEqual(signed.sort());
    expect({ ...allow, Resource: undefined }).toEqual({
      Sid: 'IdentityCenterSessions',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'execute-api:Invoke',
      Resource: undefined,
      Condition: {
        ArnLike: { 'aws:PrincipalArn': IDENTITY_CENTER_ROLES },
        Null: { 'identitystore:userId': 'false' },
        StringEquals: { 'aws:PrincipalOrgID': 'o-0000000000' },
      },
    });
    // ...and a Deny for each condition that fails, so that no identity policy of this account can
    // open a signed route to another principal.
    const denies = statements.filter((s) => s.Effect === 'Deny' && s.Sid !== 'DenyConsoleAroundCloudFront');
    expect(denies.map((s) => s.Condition)).toEqual([
      { ArnNotLike: { 'aws:PrincipalArn': IDENTITY_CENTER_ROLES } },
      { Null: { 'identitystore:userId': 'true' } },
      { StringNotEquals: { 'aws:PrincipalOrgID': 'o-0000000000' } },
    ]);
    for (const deny of denies) {
      expect(deny.Principal).toEqual({ AWS: '*' });
      expect(asList(deny.Resource).sort()).toEqual(signed.sort());
    }
  });

  it('opens the public routes to anyone, and lists each route in exactly the statements of its kind', () => {
    // Prepare
    const statements = statementsOf(app);

    // Assess
    expect(statements.map((s) => s.Sid)).toEqual([
      'IdentityCenterSessions',
      'DenyRolesOutsideIdentityCenterPath',
      'DenySessionsWithoutIdentityStoreUser',
      'DenyPrincipalsOutsideOrganization',
      'PublicRoutes',
      'ConsoleThroughCloudFront',
      'DenyConsoleAroundCloudFront',
    ]);
    const publicRoutes = statements.find((s) => s.Sid === 'PublicRoutes');
    expect(publicRoutes).toEqual({
      Sid: 'PublicRoutes',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'execute-api:Invoke',
      Resource: ['execute-api:/*/GET/healthz', 'execute-api:/*/GET/openapi.json'],
    });
    expect(resourcesFor('public').sort()).toEqual(asList(publicRoutes?.Resource ?? []).sort());
    const everyResource = statements.flatMap((s) => asList(s.Resource));
    for (const route of builtRoutes()) expect(everyResource).toContain(policyResource(route));
    for (const planned of API_ROUTES.filter((r) => 'planned' in r))
      expect(everyResource).not.toContain(policyResource(planned));
  });

  it('opens the console’s routes only to requests carrying the distribution’s origin secret', () => {
    // Prepare
    const bySid = Object.fromEntries(statementsOf(app).map((s) => [s.Sid, s]));
    const consoleRoutes = builtRoutes()
      .filter((r) => CONSOLE_AUTH.has(r.auth))
      .map(policyResource);
    const secret = {
      'Fn::Join': [
        '',
        [
          '{{resolve:secretsmanager:',
          { Ref: logicalId(app.stack, app.stack.api.consoleOriginSecret) },
          ':SecretString:::}}',
        ],
      ],
    };

    // Assess: the table's console routes, and nothing else, in an Allow and a Deny on the secret
    expect(consoleRoutes.sort()).toEqual(['execute-api:/*/*/api/*', 'execute-api:/*/*/auth/*']);
    expect(bySid.ConsoleThroughCloudFront).toEqual({
      Sid: 'ConsoleThroughCloudFront',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'execute-api:Invoke',
      Resource: consoleRoutes,
      Condition: { StringEquals: { 'aws:Referer': secret } },
    });
    expect(bySid.DenyConsoleAroundCloudFront).toEqual({
      Sid: 'DenyConsoleAroundCloudFront',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'execute-api:Invoke',
      Resource: consoleRoutes,
      Condition: { StringNotEquals: { 'aws:Referer': secret } },
    });
    // The signed routes' statements name no console route, so a session cookie never opens them.
    for (const sid of ['IdentityCenterSessions', 'PublicRoutes'])
      for (const route of consoleRoutes) expect(asList(bySid[sid]?.Resource ?? [])).not.toContain(route);
    // ...and CloudFront's origin for the API sends that very secret as Referer.
    const [distribution] = Object.values(app.template.findResources('AWS::CloudFront::Distribution'));
    const origins = distribution?.Properties.DistributionConfig.Origins as {
      OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[];
    }[];
    expect(origins.flatMap((o) => o.OriginCustomHeaders ?? [])).toEqual([
      { HeaderName: 'Referer', HeaderValue: secret },
    ]);
  });
});

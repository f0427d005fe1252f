import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CONTENT_SECURITY_POLICY } from '../../../core/console-headers.ts';
import { CSRF_HEADER, SESSION_COOKIE } from '../../../core/console-http.ts';
import { CONSOLE_SECURITY_HEADERS } from '../../../local/console-static.ts';
import { configJsonOf, logicalId, type Synthesized, synthesize } from './fixture.ts';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

type Behaviour = {
  PathPattern?: string;
  ViewerProtocolPolicy: string;
  AllowedMethods: string[];
  CachePolicyId: unknown;
  OriginRequestPolicyId?: unknown;
  ResponseHeadersPolicyId: { Ref: string };
  TargetOriginId: string;
  FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
};
type Origin = {
  Id: string;
  DomainName: unknown;
  OriginPath?: string;
  OriginAccessControlId?: unknown;
  S3OriginConfig?: { OriginAccessIdentity: string };
  CustomOriginConfig?: { OriginProtocolPolicy: string; OriginSSLProtocols: string[] };
};
type DistributionConfig = {
  DefaultCacheBehavior: Behaviour;
  CacheBehaviors: Behaviour[];
  Origins: Origin[];
  CustomErrorResponses?: unknown;
  Logging: { IncludeCookies: boolean };
};

const only = <T>(resources: Record<string, T>): [string, T] => {
  const entries = Object.entries(resources);
  expect(entries).toHaveLength(1);
  return entries[0] as [string, T];
};
const distributionConfig = (s: Synthesized): DistributionConfig =>
  only(s.template.findResources('AWS::CloudFront::Distribution'))[1].Properties.DistributionConfig;
const headersPolicy = (s: Synthesized, ref: { Ref: string }) =>
  s.template.toJSON().Resources[ref.Ref].Properties.ResponseHeadersPolicyConfig;

/** CloudFront's managed cache policy that caches nothing. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

describe('the console’s bucket', () => {
  it('is private: no public access, TLS only, no website hosting, read by CloudFront only', () => {
    // Prepare
    const bucketId = logicalId(app.stack, app.stack.console.bucket);
    const bucket = app.template.toJSON().Resources[bucketId];

    // Assess
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    app.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: {
              StringEquals: {
                'AWS:SourceArn': Match.objectLike({ 'Fn::Join': Match.anyValue() }),
              },
            },
          }),
        ]),
      },
    });
    // Origin access control, not the legacy origin access identity.
    app.template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    app.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
  });
});

describe('the console’s distribution', () => {
  it('serves the SPA from the bucket through origin access control, HTTPS only', () => {
    // Prepare
    const config = distributionConfig(app);
    const s3 = config.Origins.find((o) => o.Id === config.DefaultCacheBehavior.TargetOriginId);

    // Assess
    expect(s3).toMatchObject({
      DomainName: { 'Fn::GetAtt': [logicalId(app.stack, app.stack.console.bucket), 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [expect.any(String), 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
    });
    expect(config.Logging.IncludeCookies).toBe(false);
  });

  it('sends /api/* and /auth/* to the API’s stage uncached, with what the handlers read', () => {
    // Prepare
    const config = distributionConfig(app);
    const apiId = logicalId(app.stack, app.stack.api.api);

    // Assess
    expect(config.CacheBehaviors.map((b) => b.PathPattern).sort()).toEqual(['/api/*', '/auth/*']);
    for (const behaviour of config.CacheBehaviors) {
      expect(behaviour).toMatchObject({
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: expect.arrayContaining(['GET', 'POST', 'DELETE']),
        CachePolicyId: CACHING_DISABLED,
      });
      const origin = config.Origins.find((o) => o.Id === behaviour.TargetOriginId);
      expect(origin).toMatchObject({
        DomainName: {
          'Fn::Join': ['', [{ Ref: apiId }, '.execute-api.eu-west-1.', { Ref: 'AWS::URLSuffix' }]],
        },
        OriginPath: `/${app.stack.api.stageName}`,
        CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      });
      const requests =
        app.template.toJSON().Resources[(behaviour.OriginRequestPolicyId as { Ref: string }).Ref].Properties
          .OriginRequestPolicyConfig;
      // The session cookie, the CSRF defence's headers, the ACS form's type and every query string.
      expect(requests.CookiesConfig).toEqual({ CookieBehavior: 'whitelist', Cookies: [SESSION_COOKIE] });
      expect(requests.QueryStringsConfig).toEqual({ QueryStringBehavior: 'all' });
      expect(requests.HeadersConfig.HeaderBehavior).toBe('whitelist');
      expect(requests.HeadersConfig.Headers.map((h: string) => h.toLowerCase()).sort()).toEqual(
        ['content-type', CSRF_HEADER, 'origin', 'sec-fetch-site'].sort(),
      );
      // Never the viewer's Host: API Gateway answers only to its own name.
      expect(requests.HeadersConfig.Headers.map((h: string) => h.toLowerCase())).not.toContain('host');
    }
  });

  it('answers deep links with index.html on the default behaviour only, never with an error page', () => {
    // Prepare
    const config = distributionConfig(app);
    const [functionId, fn] = only(app.template.findResources('AWS::CloudFront::Function'));

    // Assess: the function is the file the unit test runs, on viewer request of the bucket only...
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(fn.Properties.FunctionCode).toBe(
      readFileSync(new URL('../../../lib/functions/console-viewer-request.js', import.meta.url), 'utf8'),
    );
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
    ]);
    for (const behaviour of config.CacheBehaviors) expect(behaviour.FunctionAssociations).toBeUndefined();
    // ...and no custom error response, which would turn an /api 403 or 404 into the app's page.
    expect(config.CustomErrorResponses).toBeUndefined();
  });

  it('sends the local server’s CSP with the SPA, HSTS, no framing, nosniff and a referrer policy', () => {
    // Prepare
    const config = distributionConfig(app);
    const spa = headersPolicy(app, config.DefaultCacheBehavior.ResponseHeadersPolicyId);

    // Assess: one definition, deployed and local
    expect(spa.SecurityHeadersConfig).toEqual({
      ContentSecurityPolicy: { ContentSecurityPolicy: CONSOLE_CONTENT_SECURITY_POLICY, Override: true },
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 63_072_000,
        IncludeSubdomains: true,
        Override: true,
      },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'same-origin', Override: true },
    });
    expect(CONSOLE_SECURITY_HEADERS['content-security-policy']).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
    expect(CONSOLE_SECURITY_HEADERS['x-frame-options']).toBe('DENY');
    expect(CONSOLE_SECURITY_HEADERS['referrer-policy']).toBe('same-origin');
    const directives = new Map(
      CONSOLE_CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(CONSOLE_CONTENT_SECURITY_POLICY).not.toContain('unsafe-');

    // The API's and the sign-in's answers: the same headers, the sign-in pages' own CSP kept.
    for (const behaviour of config.CacheBehaviors) {
      const api = headersPolicy(app, behaviour.ResponseHeadersPolicyId);
      expect(api.SecurityHeadersConfig).toMatchObject({
        ContentSecurityPolicy: {
          ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
          Override: false,
        },
        StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, Override: true },
        FrameOptions: { FrameOption: 'DENY', Override: true },
        ContentTypeOptions: { Override: true },
      });
    }
  });
});

describe('the built console in the bucket', () => {
  it('copies the hashed assets first, then index.html and config.json, revalidated and invalidated', () => {
    // Prepare
    const deployments = Object.values(app.template.findResources('Custom::CDKBucketDeployment')).map(
      (d) => d.Properties,
    );
    const bucket = { Ref: logicalId(app.stack, app.stack.console.bucket) };
    const assets = deployments.find((d) => d.Exclude?.includes('index.html'));
    const shell = deployments.find((d) => d.Include?.includes('index.html'));

    // Assess
    expect(deployments).toHaveLength(2);
    expect(assets).toMatchObject({
      DestinationBucketName: bucket,
      Prune: false,
      Exclude: ['index.html', 'config.json'],
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(shell).toMatchObject({
      DestinationBucketName: bucket,
      Prune: false,
      Exclude: ['*'],
      Include: ['index.html', 'config.json'],
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionId: { Ref: logicalId(app.stack, app.stack.console.distribution) },
      DistributionPaths: ['/index.html', '/config.json'],
    });
    // The SPA's build is the same asset in both.
    expect(shell.SourceObjectKeys[0]).toBe(assets.SourceObjectKeys[0]);
  });

  it('writes config.json for the root base path, without a portal link when none is configured', () => {
    expect(configJsonOf(app)).toEqual({ portalUrl: null, basePath: '/' });
  });
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_IDP_METADATA } from '../../../lib/console-sign-in.ts';
import { LeaseFunction } from '../../../lib/lease-function.ts';
import { testIdp } from '../console/fixture.ts';
import { actionsOf, configJsonOf, logicalId, type Synthesized, statementsOf, synthesize } from './fixture.ts';

const metadataFile = join(mkdtempSync(join(tmpdir(), 'idc-lease-sign-in-')), 'identity-center.xml');
writeFileSync(metadataFile, testIdp().metadataXml());
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

let example: Synthesized;
let configured: Synthesized;
beforeAll(() => {
  example = synthesize();
  configured = synthesize({
    console: {
      portalUrl: 'https://d-0123456789.awsapps.com/start',
      samlMetadataFile: metadataFile,
      samlSubject: 'userId',
      session: { absolute: 'PT4H', idle: 'PT30M' },
      domain: { name: 'lease.example.com', certificateArn: CERTIFICATE },
    },
  });
});

const distributionDomain = (s: Synthesized) => ({
  'Fn::GetAtt': [logicalId(s.stack, s.stack.console.distribution), 'DomainName'],
});
const variablesOf = (s: Synthesized, fn: LeaseFunction) =>
  s.template.toJSON().Resources[logicalId(s.stack, fn)].Properties.Environment.Variables as Record<
    string,
    unknown
  >;

describe('the console’s sign-in function', () => {
  it('is told the console’s URL and the SAML settings, and has no metadata on the first deploy', () => {
    // Prepare
    const url = { 'Fn::Join': ['', ['https://', distributionDomain(example), '/']] };

    // Assess
    expect(variablesOf(example, example.stack.console.signIn.handler)).toEqual({
      POWERTOOLS_SERVICE_NAME: 'idc-lease-console-auth',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      LEDGER_TABLE: { Ref: logicalId(example.stack, example.stack.ledger.table) },
      CONSOLE_URL: url,
      IDENTITY_STORE_ID: 'd-0000000000',
      SAML_SUBJECT: 'userName',
    });
    // The API serves /api/* for the same console (its CSRF check compares the origin).
    expect(variablesOf(example, example.stack.api.handler).CONSOLE_URL).toEqual(url);
  });

  it('reads the configured metadata from its bundle, and the configured limits and subject mapping', () => {
    expect(variablesOf(configured, configured.stack.console.signIn.handler)).toMatchObject({
      CONSOLE_URL: 'https://lease.example.com/',
      SAML_IDP_METADATA_FILE: BUNDLED_IDP_METADATA,
      SAML_SUBJECT: 'userId',
      SESSION_ABSOLUTE: 'PT4H',
      SESSION_IDLE: 'PT30M',
    });
    expect(
      variablesOf(configured, configured.stack.console.signIn.handler).SAML_IDP_METADATA_URL,
    ).toBeUndefined();
    const byUrl = synthesize({ console: { samlMetadataUrl: 'https://example.com/metadata.xml' } });
    expect(variablesOf(byUrl, byUrl.stack.console.signIn.handler)).toMatchObject({
      SAML_IDP_METADATA_URL: 'https://example.com/metadata.xml',
    });
  });

  it('may only keep its own items in the ledger and look users up in the identity store', () => {
    // Prepare
    const role = logicalId(example.stack, example.stack.console.signIn.handler.role as never);
    const statements = statementsOf(example.template, role);

    // Assess
    expect(actionsOf(statements).sort()).toEqual(
      [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'identitystore:DescribeUser',
        'identitystore:GetUserId',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    expect(statements.find((s) => actionsOf([s]).includes('identitystore:GetUserId'))?.Resource).toEqual([
      'arn:aws:identitystore::999999999999:identitystore/d-0000000000',
      'arn:aws:identitystore:::user/*',
    ]);
  });

  it('answers /auth/*, and the API function /api/*', () => {
    const integrationOf = (resourceId: string) => {
      const [method] = Object.values(example.template.findResources('AWS::ApiGateway::Method')).filter(
        (m) => m.Properties.ResourceId.Ref === resourceId,
      );
      return JSON.stringify(method?.Properties.Integration.Uri);
    };
    const resources = example.template.findResources('AWS::ApiGateway::Resource');
    const idOf = (parent: string, part: string) =>
      Object.entries(resources).find(
        ([, r]) =>
          r.Properties.PathPart === part &&
          resources[r.Properties.ParentId.Ref]?.Properties.PathPart === parent,
      )?.[0] as string;
    expect(integrationOf(idOf('auth', '{proxy+}'))).toContain(
      logicalId(example.stack, example.stack.console.signIn.handler),
    );
    expect(integrationOf(idOf('api', '{proxy+}'))).toContain(
      logicalId(example.stack, example.stack.api.handler),
    );
  });

  it('gets the metadata file copied beside its handler when bundled', () => {
    // Prepare: the function as the stack builds it, bundled for real (esbuild, no Docker)
    const outdir = mkdtempSync(join(tmpdir(), 'idc-lease-bundle-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'Bundled');
    new LeaseFunction(stack, 'SignIn', {
      entry: 'lambdas/console-auth/handler.ts',
      description: 'bundled files',
      serviceName: 'idc-lease-test',
      logRetention: RetentionDays.ONE_DAY,
      bundledFiles: { [BUNDLED_IDP_METADATA]: metadataFile },
    });

    // Act
    app.synth();

    // Assess
    const [asset] = readdirSync(outdir).filter((name) => existsSync(join(outdir, name, 'index.mjs')));
    expect(asset).toBeDefined();
    expect(readFileSync(join(outdir, asset as string, BUNDLED_IDP_METADATA), 'utf8')).toBe(
      readFileSync(metadataFile, 'utf8'),
    );
    expect(
      () =>
        new LeaseFunction(stack, 'Bad', {
          entry: 'lambdas/console-auth/handler.ts',
          description: 'bad name',
          serviceName: 'idc-lease-test',
          logRetention: RetentionDays.ONE_DAY,
          bundledFiles: { '../escape.xml': metadataFile },
        }),
    ).toThrow(/bundled file name/);
  });
});

describe('the console’s deployment settings', () => {
  it('serves its own domain with the configured certificate and TLS 1.2, and says where to point it', () => {
    // Prepare
    const [distribution] = Object.values(configured.template.findResources('AWS::CloudFront::Distribution'));

    // Assess
    expect(distribution?.Properties.DistributionConfig).toMatchObject({
      Aliases: ['lease.example.com'],
      ViewerCertificate: {
        AcmCertificateArn: CERTIFICATE,
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
    });
    expect(configured.template.findOutputs('ConsoleDistributionDomainName')).toEqual({
      ConsoleDistributionDomainName: { Value: distributionDomain(configured) },
    });
    expect(example.template.findOutputs('ConsoleDistributionDomainName')).toEqual({});
  });

  it('names the console, its ACS and its SAML audience in the outputs', () => {
    const value = (s: Synthesized, id: string) => s.template.findOutputs(id)[id]?.Value;
    const under = (path: string) => ({ 'Fn::Join': ['', ['https://', distributionDomain(example), path]] });
    expect(value(example, 'ConsoleUrl')).toEqual({
      'Fn::Join': ['', ['https://', distributionDomain(example)]],
    });
    expect(value(example, 'SamlAcsUrl')).toEqual(under('/auth/saml/acs'));
    expect(value(example, 'SamlAudience')).toEqual(under('/auth/saml/metadata'));
    expect(value(configured, 'ConsoleUrl')).toBe('https://lease.example.com');
    expect(value(configured, 'SamlAcsUrl')).toBe('https://lease.example.com/auth/saml/acs');
    const audience = synthesize({ console: { samlAudience: 'urn:idc-lease:console' } });
    expect(value(audience, 'SamlAudience')).toBe('urn:idc-lease:console');
    expect(variablesOf(audience, audience.stack.console.signIn.handler).SAML_AUDIENCE).toBe(
      'urn:idc-lease:console',
    );
  });

  it('writes the configured portal URL into config.json', () => {
    expect(configJsonOf(configured)).toEqual({
      portalUrl: 'https://d-0123456789.awsapps.com/start',
      basePath: '/',
    });
  });
});

import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AccessLevel,
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionCode,
  FunctionEventType,
  Function as FunctionOnViewer,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  API_CONTENT_SECURITY_POLICY,
  CONSOLE_BASE_HEADERS,
  CONSOLE_CONTENT_SECURITY_POLICY,
  HSTS_MAX_AGE_SECONDS,
} from '../core/console-headers.ts';
import { CSRF_HEADER, SESSION_COOKIE } from '../core/console-http.ts';
import { ORIGIN_SECRET_HEADER } from './api-resource-policy.ts';
import type { ConsoleConfig } from './console-config.ts';
import { ConsoleSignIn } from './console-sign-in.ts';
import { ConsoleSite } from './console-site.ts';
import type { LeaseApi } from './lease-api.ts';
import { ROOT } from './lease-function.ts';
import { acknowledge } from './nag.ts';

export interface ConsoleProps {
  readonly api: LeaseApi;
  readonly table: ITable;
  readonly identityStore: { readonly id: string; readonly ownerAccountId: string };
  readonly partition: string;
  readonly settings: ConsoleConfig;
  /** The resolved `console.samlMetadataFile`. @default none: sign-in answers 503 until it is configured */
  readonly samlMetadataPath?: string;
  /** Of the sign-in function's logs and the access logs' bucket. */
  readonly logRetention: RetentionDays;
}

/** The path patterns CloudFront sends to the API, each one the route table's console route. */
export const API_PATHS = ['/api/*', '/auth/*'] as const;

/**
 * The web console: the SPA in a private bucket behind CloudFront (origin access control, HTTPS,
 * security headers), `/api/*` and `/auth/*` on the same origin going to the REST API uncached, and
 * the sign-in function. The functions learn the console's URL from the distribution; the
 * distribution names the API by its id and stage name (not through the stage resource), so
 * nothing refers back to it and there is no dependency cycle.
 */
export class Console extends Construct {
  public readonly bucket: Bucket;
  /** CloudFront's and the bucket's access logs. */
  public readonly logBucket: Bucket;
  public readonly distribution: Distribution;
  /** The SPA fallback, on the default behaviour only. */
  public readonly viewerRequest: FunctionOnViewer;
  public readonly signIn: ConsoleSignIn;
  /** The build's deployment into the bucket (CDK's BucketDeployment, at deploy only). */
  public readonly site: ConsoleSite;
  /** `https://<host>`, no trailing slash (CONTRACT: the console is `<ConsoleUrl>/`). */
  public readonly url: string;
  public readonly samlAcsUrl: string;
  public readonly samlAudience: string;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    const { settings } = props;
    this.logBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with an ACL.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(props.logRetention) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.logBucket,
      'AwsSolutions-S1',
      'This is the access-log bucket of the console’s bucket and distribution; logging it into itself would loop.',
    );
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'site/',
      // Only build output lives here, but deleting a bucket is left to a person.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.viewerRequest = new FunctionOnViewer(this, 'SpaFallback', {
      comment: 'idc-lease console: deep links get index.html (default behaviour only)',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromFile({ filePath: `${ROOT}lib/functions/console-viewer-request.js` }),
    });
    const certificate = settings.domain
      ? Certificate.fromCertificateArn(this, 'Certificate', settings.domain.certificateArn)
      : undefined;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'idc-lease: the web console',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      ...(settings.domain && certificate
        ? {
            domainNames: [settings.domain.name],
            certificate,
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      // The session cookie must never reach a log.
      logIncludesCookies: false,
      defaultBehavior: {
        // Read only, no listing: a file that is not there is S3's 403 (AccessDenied), never a page.
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket, {
          originAccessLevels: [AccessLevel.READ],
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        responseHeadersPolicy: this.headersPolicy('ConsoleHeaders', CONSOLE_CONTENT_SECURITY_POLICY, true),
        functionAssociations: [{ function: this.viewerRequest, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: this.apiBehaviours(props.api),
      // No errorResponses: an /api or /auth error must reach the caller as it is, never as the app.
    });

    const host = settings.domain?.name ?? this.distribution.distributionDomainName;
    this.url = `https://${host}`;
    this.samlAcsUrl = `${this.url}/auth/saml/acs`;
    this.samlAudience = settings.samlAudience ?? `${this.url}/auth/saml/metadata`;
    this.site = new ConsoleSite(this, 'Site', {
      bucket: this.bucket,
      distribution: this.distribution,
      portalUrl: settings.portalUrl ?? null,
      logRetention: props.logRetention,
    });
    this.signIn = new ConsoleSignIn(this, 'SignIn', {
      table: props.table,
      identityStore: props.identityStore,
      partition: props.partition,
      consoleUrl: `${this.url}/`,
      settings,
      ...(props.samlMetadataPath ? { samlMetadataPath: props.samlMetadataPath } : {}),
      logRetention: props.logRetention,
    });
    props.api.addConsoleRoutes(this.signIn.handler, `${this.url}/`);
    this.acknowledge(certificate !== undefined);
  }

  /** `/api/*` and `/auth/*` to the REST API's stage: HTTPS only, never cached, with what the handlers read. */
  private apiBehaviours(api: LeaseApi) {
    const stack = Stack.of(this);
    const origin = new HttpOrigin(`${api.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      originPath: `/${api.stageName}`,
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      // CloudFront replaces any Referer the browser sent with this one (README: why Referer).
      customHeaders: { [ORIGIN_SECRET_HEADER]: api.consoleOriginSecret.secretValue.unsafeUnwrap() },
    });
    const originRequestPolicy = new OriginRequestPolicy(this, 'ApiRequests', {
      comment: 'idc-lease console: what the sign-in and the API read',
      cookieBehavior: OriginRequestCookieBehavior.allowList(SESSION_COOKIE),
      queryStringBehavior: OriginRequestQueryStringBehavior.all(),
      // The CSRF check reads Origin, Sec-Fetch-Site and the custom header; the ACS reads its form.
      headerBehavior: OriginRequestHeaderBehavior.allowList(
        'Origin',
        'Sec-Fetch-Site',
        CSRF_HEADER,
        'Content-Type',
      ),
    });
    const behaviour = {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy,
      compress: true,
      responseHeadersPolicy: this.headersPolicy('ApiHeaders', API_CONTENT_SECURITY_POLICY, false),
    };
    return Object.fromEntries(API_PATHS.map((path) => [path, behaviour]));
  }

  /** HSTS, nosniff, no framing and the referrer policy always; the CSP over the origin's when `overrideCsp`. */
  private headersPolicy(id: string, contentSecurityPolicy: string, overrideCsp: boolean) {
    const referrer = CONSOLE_BASE_HEADERS['referrer-policy'];
    if (referrer !== 'same-origin') throw new Error(`${id}: no CloudFront referrer policy for ${referrer}`);
    return new ResponseHeadersPolicy(this, id, {
      comment: `idc-lease console: security headers (${overrideCsp ? 'the SPA' : 'API and sign-in'})`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy, override: overrideCsp },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.SAME_ORIGIN, override: true },
      },
    });
  }

  private acknowledge(ownCertificate: boolean): void {
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'The console serves the organization’s own people wherever they work; sign-in through Identity Center decides who gets in, not geography.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR2',
      'No WAF web ACL by default (it is billed per ACL and rule): every API call needs a session from Identity Center or answers 401, the API is throttled, and an operator can attach one to the distribution.',
    );
    if (!ownCertificate)
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'Without console.domain the distribution uses CloudFront’s *.cloudfront.net certificate, whose TLS policy cannot be chosen; with a domain and certificate it requires TLSv1.2_2021.',
      );
  }
}

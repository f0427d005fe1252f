import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { apiRoutes, builtRoutes, CONSOLE_AUTH, type RouteAuth, type RouteSpec } from '../core/routes.ts';
import { bindActivity, bindIdentityStore, bindOrganizationTree } from './api-grants.ts';
import { resourcePolicy } from './api-resource-policy.ts';
import type { IdentityCenterScope } from './identity-center.ts';
import { LeaseFunction, ROOT } from './lease-function.ts';
import type { LeaseWorkflow } from './lease-workflow.ts';
import { acknowledge } from './nag.ts';

/** Where the API's OpenAPI document lands inside its code. */
const BUNDLED_OPENAPI = 'openapi.json';

export interface LeaseApiProps {
  readonly table: ITable;
  readonly bus: IEventBus;
  readonly workflow: LeaseWorkflow;
  readonly identityCenter: IdentityCenterScope;
  readonly identityStore: { readonly id: string; readonly ownerAccountId: string };
  /** Callers must belong to it; OU rules also read its tree. */
  readonly organization: {
    readonly id: string;
    readonly managementAccountId: string;
    readonly readTree: boolean;
  };
  readonly reconciler: IFunction;
  readonly policyFile: string;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Where `GET /leases/{id}/activity` finds the organization trail. @default none configured */
  readonly activity?: {
    readonly athena?: { readonly database: string; readonly table: string; readonly workGroup?: string };
    /** CloudWatch Logs groups of the trail, in this account and region; the API queries them. */
    readonly logGroupNames?: readonly string[];
  };
  readonly logRetention: RetentionDays;
  /** @default 'prod' */
  readonly stageName?: string;
}

/**
 * The lease API: API Gateway REST in front of one handler, one method per route of the table in
 * `core/routes.ts`. Signed routes use IAM (SigV4) authorization and a resource policy that admits
 * only Identity Center's own sessions of the organization; API Gateway verifies the signature and
 * hands the handler the caller's session ARN, from which it finds the Identity Store user.
 */
export class LeaseApi extends Construct {
  public readonly api: RestApi;
  public readonly handler: LeaseFunction;
  public readonly accessLogs: LogGroup;
  /** The key material page tokens are encrypted under; only the API reads it. */
  public readonly pageTokenKey: Secret;
  /**
   * What the console's CloudFront distribution sends the API as `Referer`: the resource policy
   * admits the console's unsigned routes only with it. Read by CloudFormation at deploy, by no code.
   */
  public readonly consoleOriginSecret: Secret;
  /** The stage CloudFront's origin path names (a literal: a reference to the stage would be a cycle). */
  public readonly stageName: string;
  private readonly integration: LambdaIntegration;

  constructor(scope: Construct, id: string, props: LeaseApiProps) {
    super(scope, id);
    const { rateLimit, burstLimit } = props.throttle;
    if (!(rateLimit > 0) || !(burstLimit > 0)) throw new Error(`${id}: throttle limits must be positive`);
    if (burstLimit < rateLimit) throw new Error(`${id}: throttle.burstLimit must be at least rateLimit`);
    const partition = props.identityCenter.partition;

    this.handler = new LeaseFunction(this, 'Handler', {
      entry: 'lambdas/api/handler.ts',
      description: 'idc-lease: the lease API',
      serviceName: 'idc-lease-api',
      logRetention: props.logRetention,
      policyFile: props.policyFile,
      // GET /openapi.json reads it from beside the handler (lambdas/api/router.ts).
      bundledFiles: { [BUNDLED_OPENAPI]: `${ROOT}service/openapi.json` },
      // API Gateway gives up at 29 s.
      timeout: Duration.seconds(29),
    })
      .bindLedger(props.table)
      .bindBus(props.bus)
      // Only the reconciler describes executions.
      .bindWorkflow(props.workflow, 'start', 'respond', 'stop')
      .bindTaskTokens(props.workflow, 'open')
      .bindIdentityCenter(props.identityCenter);
    bindIdentityStore(this.handler, props.identityStore, partition);
    if (props.organization.readTree) bindOrganizationTree(this.handler, props.organization, partition);
    if (props.activity) bindActivity(this.handler, props.activity);
    this.handler.addEnvironment('OPENAPI_FILE', BUNDLED_OPENAPI);
    this.pageTokenKey = this.addPageTokenKey();
    this.handler.addEnvironment('RECONCILER_FUNCTION_NAME', props.reconciler.functionName);
    // The function itself, not `:*` (its versions and aliases), unlike grantInvoke.
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.reconciler.functionArn] }),
    );

    this.consoleOriginSecret = this.addConsoleOriginSecret();
    this.stageName = props.stageName ?? 'prod';
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new RestApi(this, 'Api', {
      description: 'idc-lease: just-in-time access through IAM Identity Center',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Every method states its own authorization (core/routes.ts); none is inherited.
      policy: resourcePolicy(builtRoutes(), {
        partition,
        organizationId: props.organization.id,
        consoleOriginSecret: this.consoleOriginValue,
      }),
      // Access and execution logging need the account's API Gateway logging role.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: this.stageName,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: rateLimit,
        throttlingBurstLimit: burstLimit,
      },
    });
    this.integration = new LambdaIntegration(this.handler);
    this.addRoutes(apiRoutes(), { sigv4: this.integration, public: this.integration });
    this.acknowledge();
  }

  /**
   * The console's routes, unsigned and open only through its CloudFront distribution: `/api/*` to
   * the API function (caller from the session cookie, which needs `CONSOLE_URL` for its CSRF
   * check), `/auth/*` to the sign-in function.
   */
  addConsoleRoutes(signIn: IFunction, consoleUrl: string): void {
    this.handler.addEnvironment('CONSOLE_URL', consoleUrl);
    const routes = builtRoutes().filter((r) => CONSOLE_AUTH.has(r.auth));
    this.addRoutes(routes, { session: this.integration, saml: new LambdaIntegration(signIn) });
    for (const route of routes)
      acknowledge(
        this.api.root.resourceForPath(route.path).node.findChild(route.method),
        'AwsSolutions-APIG4',
        `${route.method} ${route.path} is the web console's: unsigned at API Gateway, admitted by the resource policy only with the CloudFront distribution's origin secret, and authenticated by its handler (${route.auth === 'saml' ? "Identity Center's signed SAML response" : 'the session cookie'}).`,
      );
  }

  /** The CloudFormation dynamic reference to the origin secret's value. */
  private get consoleOriginValue(): string {
    // The value is meant for the distribution's configuration and the API's policy, where
    // CloudFormation resolves it at deploy; no code reads it.
    return this.consoleOriginSecret.secretValue.unsafeUnwrap();
  }

  private addConsoleOriginSecret(): Secret {
    const secret = new Secret(this, 'ConsoleOriginSecret', {
      description:
        'idc-lease: the Referer CloudFront sends the API; the console routes admit no request without it',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    acknowledge(
      secret,
      'AwsSolutions-SMG4',
      'CloudFormation copies the value into the distribution and the resource policy at deploy, so a rotation would not reach them; replacing the secret and deploying again rotates it (README).',
    );
    return secret;
  }

  /**
   * A random secret of the stack, read once by the API at cold start (never an environment
   * value): list pages are continued with tokens encrypted and bound to their caller under it.
   */
  private addPageTokenKey(): Secret {
    const key = new Secret(this, 'PageTokenKey', {
      description: 'idc-lease: key material of the API page tokens (read by the API only)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    this.handler.addEnvironment('PAGE_TOKEN_SECRET_ARN', key.secretArn);
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [key.secretArn] }),
    );
    acknowledge(
      key,
      'AwsSolutions-SMG4',
      'A page token lives for one listing: rotating the key would only make tokens in flight answer 400 (the client lists again); no rotation is needed.',
    );
    return key;
  }

  /**
   * One method per route, authorized as the table says: IAM for signed routes, none for the others
   * (their handlers, and the resource policy, decide). A kind of route without an integration here
   * (Slack's signature) has no wiring yet: building it throws rather than exposing it.
   */
  private addRoutes(
    routes: readonly RouteSpec[],
    integrations: Partial<Record<RouteAuth, LambdaIntegration>>,
  ): void {
    for (const route of routes) {
      const integration = integrations[route.auth];
      if (!integration)
        throw new Error(`${route.method} ${route.path}: no wiring for ${route.auth} routes yet`);
      this.api.root.resourceForPath(route.path).addMethod(route.method, integration, {
        authorizationType: route.auth === 'sigv4' ? AuthorizationType.IAM : AuthorizationType.NONE,
      });
    }
  }

  private acknowledge(): void {
    acknowledge(
      this.api,
      'AwsSolutions-APIG2',
      'The handler validates every request with zod and answers 400 naming the field.',
    );
    acknowledge(
      this.api,
      'AwsSolutions-APIG3',
      'IAM authorization, a resource policy that admits only Identity Center sessions of the organization, and stage throttling front the API; WAF is optional.',
    );
    acknowledge(
      this.api,
      'AwsSolutions-COG4',
      'Callers authenticate with Identity Center credentials through IAM (SigV4), not Cognito.',
    );
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole)
      acknowledge(
        cloudWatchRole,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'API Gateway’s account-wide logging role, with the managed policy AWS documents for it.',
      );
    acknowledge(
      this.handler,
      'Serverless-LambdaDLQ',
      'Invoked synchronously by API Gateway: a failure is answered to the caller, there is no event to park.',
    );
    for (const route of builtRoutes().filter((r) => r.auth === 'public')) {
      const method = this.api.root.resourceForPath(route.path).node.findChild(route.method);
      acknowledge(
        method,
        'AwsSolutions-APIG4',
        `${route.method} ${route.path} is public by contract and returns no lease data.`,
      );
    }
  }
}

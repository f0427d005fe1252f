import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
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
import { builtRoutes } from '../core/routes.ts';
import { resourcePolicy } from './api-resource-policy.ts';
import type { IdentityCenterScope } from './identity-center.ts';
import { LeaseFunction } from './lease-function.ts';
import type { LeaseWorkflow } from './lease-workflow.ts';
import { acknowledge, acknowledgeWildcardResource } from './nag.ts';

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
      // API Gateway gives up at 29 s.
      timeout: Duration.seconds(29),
    })
      .bindLedger(props.table)
      .bindBus(props.bus)
      // Only the reconciler describes executions.
      .bindWorkflow(props.workflow, 'start', 'respond', 'stop')
      .bindTaskTokens(props.workflow, 'open')
      .bindIdentityCenter(props.identityCenter);
    this.bindIdentityStore(props.identityStore, partition);
    if (props.organization.readTree) this.bindOrganizationTree(props.organization, partition);
    if (props.activity) this.bindActivity(props.activity);
    this.pageTokenKey = this.addPageTokenKey();
    this.handler.addEnvironment('RECONCILER_FUNCTION_NAME', props.reconciler.functionName);
    // The function itself, not `:*` (its versions and aliases), unlike grantInvoke.
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.reconciler.functionArn] }),
    );

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new RestApi(this, 'Api', {
      description: 'idc-lease: just-in-time access through IAM Identity Center',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Every method states its own authorization (core/routes.ts); none is inherited.
      policy: resourcePolicy(builtRoutes(), { partition, organizationId: props.organization.id }),
      // Access and execution logging need the account's API Gateway logging role.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: props.stageName ?? 'prod',
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
    this.addRoutes(new LambdaIntegration(this.handler));
    this.acknowledge();
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

  /** One method per built route of the table, authorized as the table says; nothing else. */
  private addRoutes(integration: LambdaIntegration): void {
    for (const route of builtRoutes()) {
      const resource = this.api.root.resourceForPath(route.path);
      switch (route.auth) {
        case 'sigv4':
          resource.addMethod(route.method, integration, { authorizationType: AuthorizationType.IAM });
          break;
        case 'public':
          resource.addMethod(route.method, integration, { authorizationType: AuthorizationType.NONE });
          break;
        default:
          // The console's session and Slack's signature need their own wiring (an authorizer or
          // a handler that checks them) before such a route may be built.
          throw new Error(`${route.method} ${route.path}: no wiring for ${route.auth} routes yet`);
      }
    }
  }

  /** IDENTITY_STORE_ID and reading users, groups and memberships of that store only. */
  private bindIdentityStore(store: LeaseApiProps['identityStore'], partition: string): void {
    this.handler.addEnvironment('IDENTITY_STORE_ID', store.id);
    this.handler.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'identitystore:GetUserId',
          'identitystore:DescribeUser',
          'identitystore:DescribeGroup',
          'identitystore:ListGroupMembershipsForMember',
        ],
        resources: [
          `arn:${partition}:identitystore::${store.ownerAccountId}:identitystore/${store.id}`,
          ...['user', 'group', 'membership'].map((kind) => `arn:${partition}:identitystore:::${kind}/*`),
        ],
      }),
    );
    for (const kind of ['user', 'group', 'membership']) {
      acknowledgeWildcardResource(
        this.handler.role as Construct,
        `arn:${partition}:identitystore:::${kind}/*`,
        `Callers and approvers are looked up by name at request time; any ${kind} of the configured identity store may be one.`,
      );
    }
  }

  /** The trail the activity route names in its Athena query, and the log groups it queries itself. */
  private bindActivity(activity: NonNullable<LeaseApiProps['activity']>): void {
    const { athena, logGroupNames = [] } = activity;
    if (athena) {
      this.handler.addEnvironment('ACTIVITY_ATHENA_DATABASE', athena.database);
      this.handler.addEnvironment('ACTIVITY_ATHENA_TABLE', athena.table);
      if (athena.workGroup) this.handler.addEnvironment('ACTIVITY_ATHENA_WORKGROUP', athena.workGroup);
    }
    if (logGroupNames.length === 0) return;
    this.handler.addEnvironment('ACTIVITY_LOG_GROUPS', logGroupNames.join(','));
    const stack = Stack.of(this);
    // Logs Insights authorizes a query on the log group's ARN in the `…:log-group:NAME:*` form
    // (FACTS.md), the Service Authorization Reference writes `…:log-group:NAME`: both are granted.
    // A query's results are authorized on the log groups it ran over, so they need no more.
    const logGroups = logGroupNames.flatMap((name) => {
      const arn = stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      return [arn, `${arn}:*`];
    });
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['logs:StartQuery', 'logs:GetQueryResults'], resources: logGroups }),
    );
    this.handler.addToRolePolicy(new PolicyStatement({ actions: ['logs:StopQuery'], resources: ['*'] }));
    for (const arn of logGroups.filter((a) => a.endsWith(':*')))
      acknowledgeWildcardResource(
        this.handler.role as Construct,
        arn,
        'The `:*` form of a trail log group’s ARN, which Logs Insights checks for logs:StartQuery and logs:GetQueryResults; it names that log group only.',
      );
    acknowledgeWildcardResource(
      this.handler.role as Construct,
      '*',
      'logs:StopQuery supports only Resource "*"; it stops a query id that logs:StartQuery, limited to the trail log groups, returned.',
    );
  }

  /** The organization's roots and OUs, read to expand OU rules into accounts. */
  private bindOrganizationTree(organization: LeaseApiProps['organization'], partition: string): void {
    const arn = (kind: string) =>
      `arn:${partition}:organizations::${organization.managementAccountId}:${kind}/${organization.id}/*`;
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['organizations:ListRoots'], resources: ['*'] }),
    );
    this.handler.addToRolePolicy(
      new PolicyStatement({
        actions: ['organizations:ListOrganizationalUnitsForParent', 'organizations:ListAccountsForParent'],
        resources: [arn('root'), arn('ou')],
      }),
    );
    for (const kind of ['root', 'ou']) {
      acknowledgeWildcardResource(
        this.handler.role as Construct,
        arn(kind),
        'OU rules are expanded through every root and OU of the organization.',
      );
    }
    acknowledgeWildcardResource(
      this.handler.role as Construct,
      '*',
      'organizations:ListRoots supports only Resource "*".',
    );
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

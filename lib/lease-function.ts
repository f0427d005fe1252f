import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { IdentityCenterScope, SsoAction } from './identity-center.ts';
import type { LeaseWorkflow } from './lease-workflow.ts';
import { acknowledge, acknowledgeWildcardResource } from './nag.ts';

/** The repository root: handler entries are given relative to it. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where a bundled access policy lands inside a function's code. */
export const BUNDLED_POLICY = 'access-policy.json';

/**
 * How every handler is bundled; `npm run bench` measures bundles built with these same options.
 * The Node 22 runtime carries SDK v3, so `@aws-sdk/*` stays out of the bundle; Powertools,
 * zod and the domain code go in, minified.
 */
export const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: false,
  mainFields: ['module', 'main'],
  externalModules: ['@aws-sdk/*'],
  // A CommonJS dependency that calls require() still works inside an ES module bundle.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
};

/** What `adapters/ledger.ts` calls; no batch writes, deletes or streams. */
export const LEDGER_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:Query',
  'dynamodb:Scan',
] as const;

/** `respond` answers task tokens, either way: whoever tells the workflow a decision needs both. */
export type WorkflowRight = 'start' | 'respond' | 'stop' | 'describe';

export interface LeaseFunctionProps {
  /** Handler module, relative to the repository root (it exports `handler`). */
  readonly entry: string;
  readonly description: string;
  /** Powertools service name; also names the function's log group. */
  readonly serviceName: string;
  readonly logRetention: RetentionDays;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 512 (MB) */
  readonly memorySize?: number;
  /** Bundled beside the handler; `ACCESS_POLICY_FILE` points at it. @default no policy */
  readonly policyFile?: string;
  /**
   * More files bundled beside the handler, name in the bundle → file: configuration too large for
   * Lambda's 4 KB of environment (Identity Center's SAML metadata). @default none
   */
  readonly bundledFiles?: Readonly<Record<string, string>>;
  /** Concurrent runs set aside for (and allowed to) this function. @default unreserved */
  readonly reservedConcurrency?: number;
}

/**
 * A handler with the project's Lambda defaults set once: Node 22 on ARM64, active tracing, JSON
 * logs into its own log group with retention, Powertools configuration, and a role that starts
 * empty. The `bind…` methods set an environment variable and the matching grant together, so the
 * two cannot drift apart.
 */
export class LeaseFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: LeaseFunctionProps) {
    if (!props.entry.endsWith('.ts')) throw new Error(`${id}: entry must be a .ts handler module`);
    if (props.memorySize !== undefined && (props.memorySize < 128 || props.memorySize > 10_240))
      throw new Error(`${id}: memorySize must be 128–10240 MB`);
    if (
      props.reservedConcurrency !== undefined &&
      !(Number.isInteger(props.reservedConcurrency) && props.reservedConcurrency >= 1)
    )
      throw new Error(`${id}: reservedConcurrency must be a whole number of at least 1`);
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An explicit role instead of the default AWSLambdaBasicExecutionRole managed policy: it may
    // write to its own log group and nothing else until a bind… method grants more.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    const policyFile = props.policyFile;
    const bundled = Object.entries({
      ...(policyFile ? { [BUNDLED_POLICY]: policyFile } : {}),
      ...props.bundledFiles,
    });
    for (const [name] of bundled)
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`${id}: bundled file name ${name}`);
    super(scope, id, {
      entry: `${ROOT}${props.entry}`,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrency,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      depsLockFilePath: `${ROOT}package-lock.json`,
      projectRoot: ROOT,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...(policyFile ? { ACCESS_POLICY_FILE: BUNDLED_POLICY } : {}),
      },
      bundling: {
        ...BUNDLING,
        ...(bundled.length > 0
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                // The bundle's hash covers these copies, so a policy change redeploys the function.
                afterBundling: (_input: string, output: string) =>
                  bundled.map(([name, file]) => `cp "${file}" "${output}/${name}"`),
              },
            }
          : {}),
      },
    });
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support only Resource "*".',
    );
    for (const id of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion'])
      acknowledge(this, id, 'Node.js 22 (LTS) is the runtime this project builds, tests and supports.');
  }

  /**
   * `LEDGER_TABLE` and the calls the ledger adapter makes, on the table and its indexes; a
   * function that uses only part of the adapter names the calls it makes.
   */
  bindLedger(table: ITable, actions: readonly (typeof LEDGER_ACTIONS)[number][] = LEDGER_ACTIONS): this {
    this.addEnvironment('LEDGER_TABLE', table.tableName);
    table.grant(this, ...actions);
    acknowledgeWildcardResource(
      this.role as Role,
      `${table.tableArn}/index/*`,
      'The ledger is queried through its byRequester and byStatus indexes (a grant on the table covers them; only functions that Query or Scan use them).',
    );
    return this;
  }

  /**
   * `STATE_MACHINE_ARN` and the named rights on the lease workflow: starting executions,
   * answering its task tokens, stopping or describing its executions.
   */
  bindWorkflow(workflow: LeaseWorkflow, ...rights: WorkflowRight[]): this {
    this.addEnvironment('STATE_MACHINE_ARN', workflow.stateMachine.stateMachineArn);
    for (const right of new Set(rights)) {
      if (right === 'start') workflow.stateMachine.grantStartExecution(this);
      else if (right === 'respond')
        this.grantTaskResponse('states:SendTaskSuccess', 'states:SendTaskFailure');
      else
        workflow.grantOnExecutions(
          this,
          right === 'stop' ? 'states:StopExecution' : 'states:DescribeExecution',
        );
    }
    return this;
  }

  /**
   * `TASK_TOKEN_KEY_ARN` and the use of the workflow's token key: `seal` (the ledger writer
   * stores tokens), `open` (whoever tells the workflow). The key policy names the role too.
   */
  bindTaskTokens(workflow: LeaseWorkflow, ...uses: ('seal' | 'open')[]): this {
    this.addEnvironment('TASK_TOKEN_KEY_ARN', workflow.tokenKey.key.keyArn);
    for (const use of new Set(uses)) workflow.tokenKey.grantTokens(this.role as Role, use);
    return this;
  }

  /**
   * Answering task tokens. The Service Authorization Reference lists no resource type for
   * `states:SendTaskSuccess`/`SendTaskFailure`, so IAM matches them against `*` only: CDK's
   * grantTaskResponse, on the state machine's ARN, is a grant the IAM proof finds denied (and it
   * adds SendTaskHeartbeat, which no code calls). The token itself names the one execution.
   */
  private grantTaskResponse(...actions: string[]): void {
    this.addToRolePolicy(new PolicyStatement({ actions, resources: ['*'] }));
    acknowledge(
      this.role as Role,
      'AwsSolutions-IAM5[Resource::*]',
      'Active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) and answering task tokens (states:SendTaskSuccess, states:SendTaskFailure) support only Resource "*"; a task token names its one execution.',
    );
  }

  /**
   * `INSTANCE_ARN`, `PERMISSION_SET_ARNS` (when the scope names its permission sets) and the named
   * Identity Center actions on the deployment's slice of it.
   */
  bindIdentityCenter(identityCenter: IdentityCenterScope, ...actions: SsoAction[]): this {
    this.addEnvironment('INSTANCE_ARN', identityCenter.props.instanceArn);
    const named = identityCenter.props.namedPermissionSets;
    if (named) this.addEnvironment('PERMISSION_SET_ARNS', JSON.stringify(named));
    identityCenter.grant(this, ...actions);
    identityCenter.acknowledgeWildcards(this.role as Role, actions);
    return this;
  }

  /** `EVENT_BUS_NAME` and events:PutEvents on that bus only. */
  bindBus(bus: IEventBus): this {
    this.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }
}

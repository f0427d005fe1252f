import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ActivityLogs } from '../adapters/activity-logs.ts';
import { clientConfig, createClients } from '../adapters/clients.ts';
import { Engine } from '../adapters/engine.ts';
import { Ledger } from '../adapters/ledger.ts';
import { TaskTokens } from '../adapters/task-tokens.ts';
import { accountOfArn, loadPolicy, PolicyError } from '../core/policy.ts';
import { rulesNamingOwnAccount } from '../core/policy-checks.ts';
import type { EngineEvent } from '../core/projection.ts';
import { API_TRIGGER } from '../core/reconcile.ts';
import type { WorkflowLimits } from '../core/workflow-limits.ts';
import { correlateRecord } from '../lambdas/correlator/correlator.ts';
import { correlatorDeps } from '../lambdas/correlator/wire.ts';
import { writeLedger } from '../lambdas/ledger-writer/writer.ts';
import { reconcileOnTrigger } from '../lambdas/reconciler/on-trigger.ts';
import { compose } from '../service/compose.ts';
import { consoleHandler, ensureConsoleBuilt } from './console-assets.ts';
import { type LocalConsole, localConsole } from './console-server.ts';
import { LOCAL_KEYS, type LocalPrincipal } from './credentials.ts';
import { drainQueue } from './drain.ts';
import { startEmulator } from './emulator.ts';
import { startLocalNotifier } from './notifier-runtime.ts';
import { provision } from './provision.ts';
import { loadSeed } from './seed.ts';
import { startServer } from './server.ts';
import { startSessionEnder } from './session-ender.ts';

export const DEFAULT_SEED = fileURLToPath(new URL('./seed.json', import.meta.url));
export const DEFAULT_POLICY = fileURLToPath(new URL('../policies/access.example.json', import.meta.url));
const REGION = 'us-east-1';
/** Stands in for the organization trail's CloudWatch Logs group: what `/leases/{id}/activity` queries. */
export const TRAIL_LOG_GROUP = 'idc-lease-local/organization-trail';

export interface LocalInfo {
  awsEndpoint: string;
  region: string;
  instanceArn: string;
  identityStoreId: string;
  stateMachineArn: string;
  eventBusName: string;
  tableName: string;
  /** The bus's archive (the deployed archive's pattern: no token-bearing event). */
  eventArchiveArn: string;
  /** The KMS key task tokens are sealed with in the ledger. */
  taskTokenKeyArn: string;
  userIds: Record<string, string>;
  permissionSets: Record<string, string>;
  trailLogGroup: string;
  /** The role CloudTrail names as the caller of the workflow's Identity Center calls. */
  workflowRoleArn: string;
  /** The loopback sink the notifier's webhook and Slack channels post to (`GET <url>/_sink/requests`). */
  notificationSink: string;
  /** Where an event lands whose notifications kept failing. */
  notifierDeadLetterQueue: string;
  /** The web console (`/console/`), signed in through the local SAML IdP. */
  consoleUrl: string;
  /** The local SAML identity provider standing in for Identity Center (`Sign in as <userName>`). */
  idpUrl: string;
}

export interface LocalRuntime {
  url: string;
  info: LocalInfo;
  /** The console's local IdP and SP, for tests that sign responses themselves. */
  console?: LocalConsole;
  stop(): Promise<void>;
}

export interface LocalOptions {
  seed?: string;
  policy?: string;
  /** 0 picks a free port. */
  port?: number;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** How often the notifier's "ending soon" sweep runs (deployed: every minute). @default 60 */
  endingSoonSweepSeconds?: number;
  /** How long new leases' workflows poll before giving up. @default DEFAULT_WORKFLOW_LIMITS */
  workflowLimits?: WorkflowLimits;
  /** The console's sign-in settings as the deployed function reads them (`SESSION_IDLE`, `SESSION_ABSOLUTE`, …). */
  consoleEnv?: Readonly<Record<string, string | undefined>>;
  /** Serve the web console at /console/ (building it first when it is missing or stale). @default true */
  console?: boolean;
  /** The access portal the console links ACTIVE leases to (deployed: `console.portalUrl`). */
  portalUrl?: string;
}

/** No real portal exists locally; the link's shape is what matters. */
export const LOCAL_PORTAL_URL = 'https://d-0000000000.awsapps.com/start';

/** Everything `npm run local` runs: emulator, provisioned stack, seed, consumers and the API. */
export async function startLocalRuntime(opts: LocalOptions = {}): Promise<LocalRuntime> {
  const policy = loadPolicy(JSON.parse(readFileSync(opts.policy ?? DEFAULT_POLICY, 'utf8')), opts.policy);
  const seed = loadSeed(opts.seed ?? DEFAULT_SEED);
  // Built (if stale) while the emulator starts: both take seconds, and neither needs the other.
  const say = ['DEBUG', 'INFO'].includes(opts.logLevel ?? 'WARN')
    ? (line: string) => process.stderr.write(`${line}\n`)
    : undefined;
  const consoleDist = opts.console === false ? undefined : ensureConsoleBuilt(say);
  consoleDist?.catch(() => undefined);
  const emulator = await startEmulator();
  const stops: (() => Promise<void>)[] = [() => emulator.stop()];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    await fetch(`${emulator.endpoint}/moto-api/config`, {
      method: 'POST',
      body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
    });
    // Provisioning, the queues standing in for Lambda triggers and the timers sign as the harness;
    // each function's stand-in signs with its own key, so the IAM proof can tell them apart.
    const platform = createClients({ region: REGION, endpoint: emulator.endpoint });
    const target = (who: LocalPrincipal) => ({
      region: REGION,
      endpoint: emulator.endpoint,
      accessKeyId: LOCAL_KEYS[who],
    });
    const aws = createClients(target('api'));
    const provisioned = await provision(platform, REGION, seed);
    // What the deployment configures (`permissionSetArns`): names resolve without asking Identity Center.
    const stack = { ...provisioned, permissionSetArns: provisioned.permissionSets };
    // As synth does for the deployed stack: no rule may name the account the tool runs in.
    const ownAccount = rulesNamingOwnAccount(policy, accountOfArn(stack.stateMachineArn));
    if (ownAccount.length > 0) throw new PolicyError(ownAccount, opts.policy ?? DEFAULT_POLICY);
    const logLevel = opts.logLevel ?? 'WARN';
    const logger = new Logger({ serviceName: 'idc-lease-local', logLevel });
    // The reconciler function's stand-in: its own graph and logger, as the deployed function has,
    // entered only through what the Lambda runs (raw event -> trigger -> reconcile).
    const reconcilerLogger = new Logger({ serviceName: 'idc-lease-reconciler', logLevel });
    // As deployed, the reconciler holds no task token key.
    const { taskTokenKeyArn: _noTokenKey, ...reconcilerStack } = stack;
    const reconciler = {
      reconcile: compose(createClients(target('reconciler')), reconcilerStack, policy, reconcilerLogger)
        .reconcile,
      logger: reconcilerLogger,
    };
    await new CloudWatchLogsClient(clientConfig({ region: REGION, endpoint: emulator.endpoint })).send(
      new CreateLogGroupCommand({ logGroupName: TRAIL_LOG_GROUP }),
    );
    const logs = new CloudWatchLogsClient(clientConfig(target('api')));
    const { ctx, reconcile: reconcileNow } = compose(aws, stack, policy, logger, {
      // In process, where the deployed API invokes the function with the same payload.
      reconcile: () => reconcileOnTrigger(reconciler, API_TRIGGER),
      // The emulator runs Logs Insights queries without their filters: it returns every record
      // in the window. The filters are the real service's to apply (unit-tested as text).
      activity: { logs: new ActivityLogs(logs, [TRAIL_LOG_GROUP], 10_000, 200) },
      ...(opts.workflowLimits ? { workflowLimits: opts.workflowLimits } : {}),
      // There is no organization locally: the seed names the accounts.
      accountNames: new Map(seed.accounts.flatMap((a) => (a.name ? [[a.id, a.name] as const] : []))),
    });
    const { directory } = ctx;

    const writerAws = createClients(target('ledgerWriter'));
    const writerDeps = {
      ledger: new Ledger(writerAws.ddb, stack.tableName),
      engine: new Engine(writerAws.sfn, stack.stateMachineArn),
      tokens: new TaskTokens(writerAws.kms, stack.taskTokenKeyArn),
      logger: new Logger({ serviceName: 'idc-lease-ledger-writer', logLevel }),
    };
    const writer = drainQueue(
      platform.sqs,
      stack.queues.ledgerWriter,
      (e: EngineEvent) => writeLedger(writerDeps, e),
      writerDeps.logger,
    );
    stops.push(() => writer.stop());
    const onExecutionEnded = drainQueue(
      platform.sqs,
      stack.queues.reconciler,
      async (event: unknown) => {
        await reconcileOnTrigger(reconciler, event);
      },
      logger,
      // A run may wait a minute on one deletion; it must not be handed out again meanwhile.
      { oneAtATime: true, visibilityTimeoutSeconds: 120 },
    );
    stops.push(() => onExecutionEnded.stop());
    // The correlator function's stand-in, fed by the same default-bus rule CloudTrail uses in AWS.
    const correlator = correlatorDeps(
      createClients(target('correlator')),
      { ...stack, toolRoleArns: [stack.workflowRoleArn] },
      policy,
      new Logger({ serviceName: 'idc-lease-correlator', logLevel }),
    );
    const onCloudTrail = drainQueue(
      platform.sqs,
      stack.queues.correlator,
      async (event: unknown) => {
        await correlateRecord(correlator, event);
      },
      logger,
      // A record waiting for its lease's request id comes back this often.
      { visibilityTimeoutSeconds: 2 },
    );
    stops.push(() => onCloudTrail.stop());
    const sessionEnder = startSessionEnder(
      createClients(target('sessionEnder')),
      platform,
      stack,
      policy,
      logLevel,
    );
    stops.push(() => sessionEnder.stop());
    const notifier = await startLocalNotifier(platform, {
      region: REGION,
      endpoint: emulator.endpoint,
      accessKeyId: LOCAL_KEYS.notifier,
      busName: stack.eventBusName,
      tableName: stack.tableName,
      identityStoreId: stack.identityStoreId,
      ...(opts.endingSoonSweepSeconds ? { sweepSeconds: opts.endingSoonSweepSeconds } : {}),
      logLevel,
    });
    stops.push(() => notifier.stop());

    const info: Omit<LocalInfo, 'consoleUrl' | 'idpUrl'> = {
      awsEndpoint: emulator.endpoint,
      region: REGION,
      instanceArn: stack.instanceArn,
      identityStoreId: stack.identityStoreId,
      stateMachineArn: stack.stateMachineArn,
      eventBusName: stack.eventBusName,
      tableName: stack.tableName,
      eventArchiveArn: stack.eventArchiveArn,
      taskTokenKeyArn: stack.taskTokenKeyArn,
      userIds: { ...stack.userIds },
      permissionSets: { ...stack.permissionSets },
      trailLogGroup: TRAIL_LOG_GROUP,
      workflowRoleArn: stack.workflowRoleArn,
      notificationSink: notifier.sinkUrl,
      notifierDeadLetterQueue: notifier.deadLetterQueueUrl,
    };
    const api = { ctx, reconcile: reconcileNow };
    const served: Record<string, unknown> = { ...info };
    const files = consoleDist
      ? consoleHandler(await consoleDist, {
          basePath: '/console/',
          portalUrl: opts.portalUrl ?? LOCAL_PORTAL_URL,
        })
      : undefined;
    const { server, console: site } = await startServer(api, directory, served, opts.port ?? 8787, (origin) =>
      localConsole({
        aws,
        signInAws: createClients(target('consoleAuth')),
        resources: stack,
        api,
        directory,
        people: seed.users,
        ...(files ? { site: files } : {}),
        origin,
        ...(opts.consoleEnv ? { env: opts.consoleEnv } : {}),
      }),
    );
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    if (site) notifier.linkConsole(site.consoleUrl);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : opts.port;
    return {
      url: `http://127.0.0.1:${port}`,
      info: { ...info, consoleUrl: site?.consoleUrl ?? '', idpUrl: site?.idpUrl ?? '' },
      ...(site ? { console: site } : {}),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

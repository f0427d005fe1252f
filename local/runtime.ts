import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ActivityLogs } from '../adapters/activity-logs.ts';
import { clientConfig, createClients } from '../adapters/clients.ts';
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
import { type LocalConsole, localConsole } from './console-server.ts';
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
}

/** Everything `npm run local` runs: emulator, provisioned stack, seed, consumers and the API. */
export async function startLocalRuntime(opts: LocalOptions = {}): Promise<LocalRuntime> {
  const policy = loadPolicy(JSON.parse(readFileSync(opts.policy ?? DEFAULT_POLICY, 'utf8')), opts.policy);
  const seed = loadSeed(opts.seed ?? DEFAULT_SEED);
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
    const aws = createClients({ region: REGION, endpoint: emulator.endpoint });
    const stack = await provision(aws, REGION, seed);
    // As synth does for the deployed stack: no rule may name the account the tool runs in.
    const ownAccount = rulesNamingOwnAccount(policy, accountOfArn(stack.stateMachineArn));
    if (ownAccount.length > 0) throw new PolicyError(ownAccount, opts.policy ?? DEFAULT_POLICY);
    const logLevel = opts.logLevel ?? 'WARN';
    const logger = new Logger({ serviceName: 'idc-lease-local', logLevel });
    // The reconciler function's stand-in: its own graph and logger, as the deployed function has,
    // entered only through what the Lambda runs (raw event -> trigger -> reconcile).
    const reconcilerLogger = new Logger({ serviceName: 'idc-lease-reconciler', logLevel });
    const reconciler = {
      reconcile: compose(aws, stack, policy, reconcilerLogger).reconcile,
      logger: reconcilerLogger,
    };
    const logs = new CloudWatchLogsClient(clientConfig({ region: REGION, endpoint: emulator.endpoint }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: TRAIL_LOG_GROUP }));
    const { ctx, reconcile: reconcileNow } = compose(aws, stack, policy, logger, {
      // In process, where the deployed API invokes the function with the same payload.
      reconcile: () => reconcileOnTrigger(reconciler, API_TRIGGER),
      // The emulator runs Logs Insights queries without their filters: it returns every record
      // in the window. The filters are the real service's to apply (unit-tested as text).
      activity: { logs: new ActivityLogs(logs, [TRAIL_LOG_GROUP], 10_000, 200) },
      ...(opts.workflowLimits ? { workflowLimits: opts.workflowLimits } : {}),
    });
    const { ledger, engine, directory } = ctx;

    const writer = drainQueue(
      aws.sqs,
      stack.queues.ledgerWriter,
      (e: EngineEvent) => writeLedger({ ledger, engine, logger }, e),
      logger,
    );
    stops.push(() => writer.stop());
    const onExecutionEnded = drainQueue(
      aws.sqs,
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
      aws,
      { ...stack, toolRoleArns: [stack.workflowRoleArn] },
      policy,
      new Logger({ serviceName: 'idc-lease-correlator', logLevel }),
    );
    const onCloudTrail = drainQueue(
      aws.sqs,
      stack.queues.correlator,
      async (event: unknown) => {
        await correlateRecord(correlator, event);
      },
      logger,
      // A record waiting for its lease's request id comes back this often.
      { visibilityTimeoutSeconds: 2 },
    );
    stops.push(() => onCloudTrail.stop());
    const sessionEnder = startSessionEnder(aws, stack, policy, logLevel);
    stops.push(() => sessionEnder.stop());
    const notifier = await startLocalNotifier(aws, {
      region: REGION,
      endpoint: emulator.endpoint,
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
      userIds: { ...stack.userIds },
      permissionSets: { ...stack.permissionSets },
      trailLogGroup: TRAIL_LOG_GROUP,
      workflowRoleArn: stack.workflowRoleArn,
      notificationSink: notifier.sinkUrl,
      notifierDeadLetterQueue: notifier.deadLetterQueueUrl,
    };
    const api = { ctx, reconcile: reconcileNow };
    const served: Record<string, unknown> = { ...info };
    const { server, console: site } = await startServer(api, directory, served, opts.port ?? 8787, (origin) =>
      localConsole({
        aws,
        resources: stack,
        api,
        directory,
        people: seed.users,
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

import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AwsClients, clientConfig, createClients } from '../adapters/clients.ts';
import { Ledger } from '../adapters/ledger.ts';
import { People } from '../adapters/people.ts';
import { parseDuration } from '../core/duration.ts';
import { buildChannels } from '../lambdas/notifier/channels.ts';
import { type NotifierDeps, onNotifierEvent } from '../lambdas/notifier/notifier.ts';
import { drainQueue } from './drain.ts';
import { provisionNotifier } from './provision-notifier.ts';
import { startWebhookSink } from './webhook-sink.ts';

export interface LocalNotifierOptions {
  region: string;
  endpoint: string;
  /** The notifier's own access key (`local/credentials.ts`); the queue is drained as the harness. */
  accessKeyId: string;
  busName: string;
  tableName: string;
  identityStoreId: string;
  /** How often the "ending soon" sweep runs; the deployed schedule is every minute. @default 60 */
  sweepSeconds?: number;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

export interface LocalNotifier {
  /** The loopback webhook sink every channel points at (`GET <url>/_sink/requests`). */
  sinkUrl: string;
  deadLetterQueueUrl: string;
  /**
   * Approval requests link to the lease's page under this console URL from now on, as the
   * deployed notifier's `consoleUrl` setting does (the URL is known once the server listens).
   */
  linkConsole(consoleUrl: string): void;
  stop(): Promise<void>;
}

/**
 * The notifier function's stand-in: its rules drain into the same `onNotifierEvent` the Lambda
 * runs, with the channels built from settings as the deployed function builds them, and a timer
 * putting the schedule's event in. Retries are quicker than deployed so tests see the DLQ soon.
 */
export async function startLocalNotifier(
  platform: AwsClients,
  opts: LocalNotifierOptions,
): Promise<LocalNotifier> {
  const sink = await startWebhookSink();
  const stops: (() => Promise<void>)[] = [() => sink.stop()];
  const secretsManager = new SecretsManagerClient(
    clientConfig({ region: opts.region, endpoint: opts.endpoint }),
  );
  const provisioned = await provisionNotifier(platform, secretsManager, opts.busName, sink.url);
  const target = { region: opts.region, endpoint: opts.endpoint, accessKeyId: opts.accessKeyId };
  const aws = createClients(target);
  const { settings } = provisioned;
  const deps: NotifierDeps = {
    ledger: new Ledger(aws.ddb, opts.tableName),
    people: new People(aws.identityStore, opts.identityStoreId),
    channels: buildChannels(settings, target, { attempts: 3, baseMs: 100, maxMs: 400, timeoutMs: 2000 }),
    audit: settings.audit,
    leadSeconds: parseDuration(settings.endingSoonLead),
    logger: new Logger({ serviceName: 'idc-lease-notifier', logLevel: opts.logLevel }),
    now: () => new Date(),
  };
  const drain = drainQueue(
    platform.sqs,
    provisioned.queueUrl,
    (event: unknown) => onNotifierEvent(deps, event),
    deps.logger,
    {
      visibilityTimeoutSeconds: 2,
    },
  );
  stops.push(() => drain.stop());
  let sweeping = Promise.resolve();
  const timer = setInterval(
    () => {
      sweeping = sweeping
        .then(() =>
          onNotifierEvent(deps, { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }),
        )
        .catch((err) => deps.logger.error('ending-soon sweep failed', { error: err as Error }));
    },
    (opts.sweepSeconds ?? 60) * 1000,
  );
  stops.push(async () => {
    clearInterval(timer);
    await sweeping;
  });
  return {
    sinkUrl: sink.url,
    deadLetterQueueUrl: provisioned.deadLetterQueueUrl,
    linkConsole: (consoleUrl) => {
      deps.consoleUrl = consoleUrl;
    },
    stop: async () => {
      for (const s of stops.reverse()) await s().catch(() => undefined);
    },
  };
}

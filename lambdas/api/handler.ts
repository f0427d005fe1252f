import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ActivityLogs } from '../../adapters/activity-logs.ts';
import { CachedDirectory } from '../../adapters/cached-directory.ts';
import { clientConfig, createClients } from '../../adapters/clients.ts';
import { ConsoleLedger } from '../../adapters/console-ledger.ts';
import { Organization } from '../../adapters/organization.ts';
import { ReconcilerFunction } from '../../adapters/reconciler-function.ts';
import { Secrets } from '../../adapters/secrets.ts';
import { consoleSite } from '../../core/console-http.ts';
import { PageTokens } from '../../core/page-token.ts';
import { callerFromSession } from '../../service/callers.ts';
import { compose } from '../../service/compose.ts';
import { ConsoleSessions } from '../../service/console-sessions.ts';
import { activityTargetsFromEnv, deploymentFromEnv, requireEnv } from '../env.ts';
import { type GatewayResult, handleGatewayEvent } from './gateway.ts';
import { route } from './router.ts';

const { region, resources, policy } = deploymentFromEnv();
// The token key too: deploymentFromEnv reads it, this fails the cold start when it is missing.
const { RECONCILER_FUNCTION_NAME, PAGE_TOKEN_SECRET_ARN } = requireEnv([
  'RECONCILER_FUNCTION_NAME',
  'PAGE_TOKEN_SECRET_ARN',
  'TASK_TOKEN_KEY_ARN',
]);
const logger = new Logger({ serviceName: 'idc-lease-api' });
const activity = activityTargetsFromEnv(process.env);
const organization = new Organization(new OrganizationsClient(clientConfig({ region })));
const reconciler = new ReconcilerFunction(
  // A throttled run is the admin's to retry (409), not this function's to wait out within 29 s.
  new LambdaClient({ ...clientConfig({ region }), maxAttempts: 1 }),
  RECONCILER_FUNCTION_NAME,
);
const aws = createClients({ region });
const secrets = new Secrets(new SecretsManagerClient(clientConfig({ region })));
// The stack's key, read on the first list that pages and kept for the life of this instance.
const pageTokens = new PageTokens(() => secrets.get(PAGE_TOKEN_SECRET_ARN));
const api = compose(
  aws,
  resources,
  policy,
  logger,
  // API Gateway gives up after 29 s; waiting for the workflow's next token must end well before.
  {
    organization: () => organization.tree(),
    tokenWaitMs: 10_000,
    pageTokens,
    // Only the reconciler function may delete assignments; the API asks it and relays its report.
    reconcile: () => reconciler.run(),
    activity: {
      ...(activity.athena ? { athena: activity.athena } : {}),
      ...(activity.logGroupNames
        ? {
            logs: new ActivityLogs(
              new CloudWatchLogsClient(clientConfig({ region })),
              activity.logGroupNames,
            ),
          }
        : {}),
    },
  },
);
// The caller's own lookup is cached; approve/reject re-read the approver's groups uncached.
const callers = new CachedDirectory(api.ctx.directory);
// The web console's /api/* (through CloudFront): only when the stack deploys one (CONSOLE_URL).
const consoleUrl = process.env.CONSOLE_URL;
const deps = {
  route: (req: Parameters<typeof route>[1]) => route(api, req),
  resolveCaller: (arn: string) => callerFromSession({ catalog: api.ctx.catalog, callers }, arn),
  onInternalError: (err: unknown) => logger.error('request failed', { error: err as Error }),
  ...(consoleUrl
    ? {
        console: {
          ownOrigin: consoleSite(consoleUrl).origin,
          sessions: new ConsoleSessions(new ConsoleLedger(aws.ddb, resources.tableName)),
          directory: callers,
        },
      }
    : {}),
};

/** API Gateway REST API (IAM authorization; `/api/*` by console session), Lambda proxy integration. */
export const handler = async (event: unknown): Promise<GatewayResult> => {
  logger.resetKeys();
  return handleGatewayEvent(deps, event);
};

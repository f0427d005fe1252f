import { Logger } from '@aws-lambda-powertools/logger';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { CachedDirectory } from '../../adapters/cached-directory.ts';
import { clientConfig, createClients } from '../../adapters/clients.ts';
import { Organization } from '../../adapters/organization.ts';
import { sessionNameFromCallerArn } from '../../core/caller-arn.ts';
import { loadPolicy } from '../../core/policy.ts';
import { compose } from '../../service/compose.ts';
import { requireEnv } from '../env.ts';
import { type GatewayResult, handleGatewayEvent } from './gateway.ts';
import { route } from './router.ts';

const env = requireEnv([
  'AWS_REGION',
  'LEDGER_TABLE',
  'STATE_MACHINE_ARN',
  'EVENT_BUS_NAME',
  'INSTANCE_ARN',
  'IDENTITY_STORE_ID',
  'ACCESS_POLICY',
]);
const logger = new Logger({ serviceName: 'idc-lease-api' });
// The policy is part of the deployment (validated at synth); a broken one fails the cold start.
const policy = loadPolicy(JSON.parse(env.ACCESS_POLICY), 'ACCESS_POLICY');
const organization = new Organization(new OrganizationsClient(clientConfig({ region: env.AWS_REGION })));
const api = compose(
  createClients({ region: env.AWS_REGION }),
  {
    tableName: env.LEDGER_TABLE,
    stateMachineArn: env.STATE_MACHINE_ARN,
    eventBusName: env.EVENT_BUS_NAME,
    instanceArn: env.INSTANCE_ARN,
    identityStoreId: env.IDENTITY_STORE_ID,
  },
  policy,
  logger,
  // API Gateway gives up after 29 s; waiting for the workflow's next token must end well before.
  { organization: () => organization.tree(), tokenWaitMs: 10_000 },
);
// The caller's own lookup is cached; approve/reject re-read the approver's groups uncached.
const callers = new CachedDirectory(api.ctx.directory);
const deps = {
  route: (req: Parameters<typeof route>[1]) => route(api, req),
  resolveCaller: (arn: string) => callers.resolve(sessionNameFromCallerArn(arn)),
  onInternalError: (err: unknown) => logger.error('request failed', { error: err as Error }),
};

/** API Gateway REST API (IAM authorization), Lambda proxy integration. */
export const handler = async (event: unknown): Promise<GatewayResult> => {
  logger.resetKeys();
  return handleGatewayEvent(deps, event);
};

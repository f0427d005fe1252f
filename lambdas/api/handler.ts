import { Logger } from '@aws-lambda-powertools/logger';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { CachedDirectory } from '../../adapters/cached-directory.ts';
import { InstanceCatalog } from '../../adapters/catalog.ts';
import { clientConfig, createClients } from '../../adapters/clients.ts';
import { Directory } from '../../adapters/directory.ts';
import { Engine, EventPublisher } from '../../adapters/engine.ts';
import { Ledger } from '../../adapters/ledger.ts';
import { Organization } from '../../adapters/organization.ts';
import { sessionNameFromCallerArn } from '../../core/caller-arn.ts';
import { loadPolicy } from '../../core/policy.ts';
import type { ServiceContext } from '../../service/context.ts';
import { requireEnv } from '../env.ts';
import { reconcile } from '../reconciler/reconciler.ts';
import { type GatewayResult, handleGatewayEvent } from './gateway.ts';
import { type ApiDeps, route } from './router.ts';

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
const aws = createClients({ region: env.AWS_REGION });
// The policy is part of the deployment (validated at synth); a broken one fails the cold start.
const policy = loadPolicy(JSON.parse(env.ACCESS_POLICY), 'ACCESS_POLICY');
const ledger = new Ledger(aws.ddb, env.LEDGER_TABLE);
const engine = new Engine(aws.sfn, env.STATE_MACHINE_ARN);
const events = new EventPublisher(aws.events, env.EVENT_BUS_NAME);
const catalog = new InstanceCatalog(aws.ssoAdmin, env.INSTANCE_ARN);
const directory = new Directory(aws.identityStore, env.IDENTITY_STORE_ID);
// The caller's own lookup is cached; approve/reject re-read the approver's groups from `directory`.
const callers = new CachedDirectory(directory);
const now = () => new Date();
const organization = new Organization(new OrganizationsClient(clientConfig({ region: env.AWS_REGION })));

const ctx: ServiceContext = {
  ledger,
  engine,
  events,
  directory,
  catalog,
  policy,
  logger,
  now,
  // API Gateway gives up after 29 s; waiting for the workflow's next token must end well before.
  tokenWaitMs: 10_000,
  // Only policies that name OUs need the organization's tree.
  ...(policy.rules.some((rule) => (rule.ous ?? []).length > 0)
    ? { organization: () => organization.tree() }
    : {}),
};
const api: ApiDeps = {
  ctx,
  reconcile: () =>
    reconcile({
      ledger,
      engine,
      events,
      ssoAdmin: aws.ssoAdmin,
      instanceArn: env.INSTANCE_ARN,
      catalog,
      policy,
      logger,
      now,
    }),
};
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

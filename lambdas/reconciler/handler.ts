import { Logger } from '@aws-lambda-powertools/logger';
import { InstanceCatalog } from '../../adapters/catalog.ts';
import { createClients } from '../../adapters/clients.ts';
import { Engine, EventPublisher } from '../../adapters/engine.ts';
import { Ledger } from '../../adapters/ledger.ts';
import { loadPolicy } from '../../core/policy.ts';
import { requireEnv } from '../env.ts';
import { type ReconcileReport, reconcile } from './reconciler.ts';

const env = requireEnv([
  'AWS_REGION',
  'LEDGER_TABLE',
  'STATE_MACHINE_ARN',
  'EVENT_BUS_NAME',
  'INSTANCE_ARN',
  'ACCESS_POLICY',
]);
const logger = new Logger({ serviceName: 'idc-lease-reconciler' });
const aws = createClients({ region: env.AWS_REGION });
// The policy is part of the deployment (validated at synth); a broken one fails the cold start.
const policy = loadPolicy(JSON.parse(env.ACCESS_POLICY), 'ACCESS_POLICY');
const deps = {
  ledger: new Ledger(aws.ddb, env.LEDGER_TABLE),
  engine: new Engine(aws.sfn, env.STATE_MACHINE_ARN),
  events: new EventPublisher(aws.events, env.EVENT_BUS_NAME),
  ssoAdmin: aws.ssoAdmin,
  instanceArn: env.INSTANCE_ARN,
  catalog: new InstanceCatalog(aws.ssoAdmin, env.INSTANCE_ARN),
  policy,
  logger,
  now: () => new Date(),
};

/** Runs on a schedule, and when a lease execution ends ABORTED, FAILED or TIMED_OUT. */
export const handler = async (): Promise<ReconcileReport> => {
  logger.resetKeys();
  return reconcile(deps);
};

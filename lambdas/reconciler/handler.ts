import { Logger } from '@aws-lambda-powertools/logger';
import { createClients } from '../../adapters/clients.ts';
import { loadPolicy } from '../../core/policy.ts';
import { compose } from '../../service/compose.ts';
import { requireEnv } from '../env.ts';
import type { ReconcileReport } from './reconciler.ts';

const env = requireEnv([
  'AWS_REGION',
  'LEDGER_TABLE',
  'STATE_MACHINE_ARN',
  'EVENT_BUS_NAME',
  'INSTANCE_ARN',
  'IDENTITY_STORE_ID',
  'ACCESS_POLICY',
]);
const logger = new Logger({ serviceName: 'idc-lease-reconciler' });
// The policy is part of the deployment (validated at synth); a broken one fails the cold start.
const policy = loadPolicy(JSON.parse(env.ACCESS_POLICY), 'ACCESS_POLICY');
const { reconcile } = compose(
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
);

/** Runs on a schedule, and when a lease execution ends ABORTED, FAILED or TIMED_OUT. */
export const handler = async (): Promise<ReconcileReport> => {
  logger.resetKeys();
  return reconcile();
};

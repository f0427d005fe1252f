import { Logger } from '@aws-lambda-powertools/logger';
import { createClients } from '../../adapters/clients.ts';
import type { ReconcileReport } from '../../core/reconcile.ts';
import { compose } from '../../service/compose.ts';
import { deploymentFromEnv } from '../env.ts';
import { reconcileOnTrigger } from './on-trigger.ts';

const { region, resources, policy } = deploymentFromEnv();
const logger = new Logger({ serviceName: 'idc-lease-reconciler' });
const { reconcile } = compose(createClients({ region }), resources, policy, logger);

/** Runs on a schedule, when a lease execution ends ABORTED, FAILED or TIMED_OUT, and for the API. */
export const handler = async (event: unknown): Promise<ReconcileReport> =>
  reconcileOnTrigger({ reconcile, logger }, event);

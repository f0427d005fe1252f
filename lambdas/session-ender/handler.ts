import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { createClients } from '../../adapters/clients.ts';
import { loadPolicy } from '../../core/policy.ts';
import { requireEnv } from '../env.ts';
import { composeSessionEnder } from './compose.ts';
import { onTrigger } from './trigger.ts';

const env = requireEnv([
  'AWS_REGION',
  'LEDGER_TABLE',
  'INSTANCE_ARN',
  'IDENTITY_STORE_ID',
  'ACCESS_POLICY_FILE',
  'END_SESSIONS_PERMISSION_SETS',
]);
const policyFile = resolve(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), env.ACCESS_POLICY_FILE);
const policy = loadPolicy(JSON.parse(readFileSync(policyFile, 'utf8')), policyFile);
const logger = new Logger({ serviceName: 'idc-lease-session-ender' });
const deps = composeSessionEnder(
  createClients({ region: env.AWS_REGION }),
  {
    tableName: env.LEDGER_TABLE,
    instanceArn: env.INSTANCE_ARN,
    identityStoreId: env.IDENTITY_STORE_ID,
    permissionSetArns: env.END_SESSIONS_PERMISSION_SETS.split(','),
  },
  policy,
  logger,
);

/** EventBridge: `Lease Ended` / `Lease Failed` on the lease bus, and the sweep's schedule. */
export const handler = async (event: unknown) => onTrigger(deps, event);

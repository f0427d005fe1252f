import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { permissionSetArnsFromEnv } from '../../adapters/catalog.ts';
import { createClients } from '../../adapters/clients.ts';
import { loadPolicy } from '../../core/policy.ts';
import { requireEnv } from '../env.ts';
import { correlateRecord } from './correlator.ts';
import { correlatorDeps } from './wire.ts';

const env = requireEnv([
  'AWS_REGION',
  'LEDGER_TABLE',
  'EVENT_BUS_NAME',
  'INSTANCE_ARN',
  'IDENTITY_STORE_ID',
  'ACCESS_POLICY_FILE',
  'TOOL_ROLE_ARNS',
  'PERMISSION_SET_ARNS',
]);
const policyFile = resolve(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), env.ACCESS_POLICY_FILE);
const policy = loadPolicy(JSON.parse(readFileSync(policyFile, 'utf8')), policyFile);
const logger = new Logger({ serviceName: 'idc-lease-correlator' });
const deps = correlatorDeps(
  createClients({ region: env.AWS_REGION }),
  {
    tableName: env.LEDGER_TABLE,
    eventBusName: env.EVENT_BUS_NAME,
    instanceArn: env.INSTANCE_ARN,
    identityStoreId: env.IDENTITY_STORE_ID,
    permissionSetArns: permissionSetArnsFromEnv(env.PERMISSION_SET_ARNS),
    toolRoleArns: env.TOOL_ROLE_ARNS.split(',').filter(Boolean),
  },
  policy,
  logger,
);

/** EventBridge (default bus, Identity Center's CloudTrail records) → Lambda, asynchronously. */
export const handler = async (event: unknown): Promise<void> => {
  await correlateRecord(deps, event);
};

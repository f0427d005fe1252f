import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { permissionSetArnsFromEnv } from '../adapters/catalog.ts';
import { loadPolicy } from '../core/policy.ts';

/** Reads the named variables once at module load and fails fast, naming every missing one. */
export const requireEnv = <K extends string>(names: readonly K[]): Record<K, string> => {
  const missing = names.filter((n) => !process.env[n]);
  if (missing.length > 0) throw new Error(`missing environment variables: ${missing.join(', ')}`);
  return Object.fromEntries(names.map((n) => [n, process.env[n] as string])) as Record<K, string>;
};

/**
 * What every deployed function is told about its deployment, read and validated once: the
 * stack's resources and the access policy (a broken policy fails the cold start, loudly).
 * The policy travels inside the function's bundle, not in an environment variable: Lambda caps
 * a function's whole environment at 4 KB, which a real policy outgrows. A relative
 * `ACCESS_POLICY_FILE` is relative to the function's code root.
 */
export const deploymentFromEnv = () => {
  const env = requireEnv([
    'AWS_REGION',
    'LEDGER_TABLE',
    'STATE_MACHINE_ARN',
    'EVENT_BUS_NAME',
    'INSTANCE_ARN',
    'IDENTITY_STORE_ID',
    'ACCESS_POLICY_FILE',
    'PERMISSION_SET_ARNS',
  ]);
  const policyFile = resolve(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), env.ACCESS_POLICY_FILE);
  return {
    region: env.AWS_REGION,
    resources: {
      tableName: env.LEDGER_TABLE,
      stateMachineArn: env.STATE_MACHINE_ARN,
      eventBusName: env.EVENT_BUS_NAME,
      instanceArn: env.INSTANCE_ARN,
      identityStoreId: env.IDENTITY_STORE_ID,
      permissionSetArns: permissionSetArnsFromEnv(env.PERMISSION_SET_ARNS),
      // Only the functions that answer the workflow hold the token key (and require it).
      ...(process.env.TASK_TOKEN_KEY_ARN ? { taskTokenKeyArn: process.env.TASK_TOKEN_KEY_ARN } : {}),
    },
    policy: loadPolicy(JSON.parse(readFileSync(policyFile, 'utf8')), policyFile),
  };
};

/**
 * Where the API finds the organization trail for `GET /leases/{id}/activity`: an Athena table it
 * names in the query (`ACTIVITY_ATHENA_DATABASE`, `…_TABLE`, `…_WORKGROUP`), and log groups it runs
 * the Logs Insights query over (`ACTIVITY_LOG_GROUPS`, comma-separated). Both optional.
 */
export const activityTargetsFromEnv = (env: Readonly<Record<string, string | undefined>>) => {
  const database = env.ACTIVITY_ATHENA_DATABASE;
  const table = env.ACTIVITY_ATHENA_TABLE;
  const workGroup = env.ACTIVITY_ATHENA_WORKGROUP;
  const logGroupNames = (env.ACTIVITY_LOG_GROUPS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return {
    ...(database && table ? { athena: { database, table, ...(workGroup ? { workGroup } : {}) } } : {}),
    ...(logGroupNames.length > 0 ? { logGroupNames } : {}),
  };
};

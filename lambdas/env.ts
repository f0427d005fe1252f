import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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
    },
    policy: loadPolicy(JSON.parse(readFileSync(policyFile, 'utf8')), policyFile),
  };
};

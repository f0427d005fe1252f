import { Logger } from '@aws-lambda-powertools/logger';
import { createClients } from '../../adapters/clients.ts';
import { Engine } from '../../adapters/engine.ts';
import { Ledger } from '../../adapters/ledger.ts';
import { TaskTokens } from '../../adapters/task-tokens.ts';
import type { EngineEvent } from '../../core/projection.ts';
import { requireEnv } from '../env.ts';
import { writeLedger } from './writer.ts';

const env = requireEnv(['AWS_REGION', 'LEDGER_TABLE', 'STATE_MACHINE_ARN', 'TASK_TOKEN_KEY_ARN']);
const logger = new Logger({ serviceName: 'idc-lease-ledger-writer' });
const aws = createClients({ region: env.AWS_REGION });
const deps = {
  ledger: new Ledger(aws.ddb, env.LEDGER_TABLE),
  engine: new Engine(aws.sfn, env.STATE_MACHINE_ARN),
  tokens: new TaskTokens(aws.kms, env.TASK_TOKEN_KEY_ARN),
  logger,
};

/** EventBridge → Lambda target on the lease bus. */
export const handler = async (event: EngineEvent): Promise<void> => {
  logger.resetKeys();
  await writeLedger(deps, event);
};

import { Logger } from '@aws-lambda-powertools/logger';
import { createClients } from '../../adapters/clients.ts';
import { Ledger } from '../../adapters/ledger.ts';
import { People } from '../../adapters/people.ts';
import { parseDuration } from '../../core/duration.ts';
import { NotifierSettingsSchema } from '../../core/notifier-settings.ts';
import { requireEnv } from '../env.ts';
import { buildChannels } from './channels.ts';
import { onNotifierEvent } from './notifier.ts';

const env = requireEnv(['AWS_REGION', 'LEDGER_TABLE', 'IDENTITY_STORE_ID', 'NOTIFIER_SETTINGS']);
const logger = new Logger({ serviceName: 'idc-lease-notifier' });
// A bad setting fails the cold start loudly rather than dropping messages one by one.
const settings = NotifierSettingsSchema.parse(JSON.parse(env.NOTIFIER_SETTINGS));
const aws = createClients({ region: env.AWS_REGION });
const deps = {
  ledger: new Ledger(aws.ddb, env.LEDGER_TABLE),
  people: new People(aws.identityStore, env.IDENTITY_STORE_ID),
  channels: buildChannels(settings, { region: env.AWS_REGION }),
  audit: settings.audit,
  ...(settings.consoleUrl ? { consoleUrl: settings.consoleUrl } : {}),
  leadSeconds: parseDuration(settings.endingSoonLead),
  logger,
  now: () => new Date(),
};

/** EventBridge → Lambda: lease events from the bus (tokens filtered out by the rules), and the minute schedule. */
export const handler = async (event: unknown): Promise<void> => {
  logger.resetKeys();
  await onNotifierEvent(deps, event);
};

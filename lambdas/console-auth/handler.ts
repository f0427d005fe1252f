import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { consoleSettingsFromEnv, idpMetadataFromEnv } from '../console-env.ts';
import { requireEnv } from '../env.ts';
import { type AuthGatewayResult, handleAuthEvent } from './gateway.ts';
import { authDeps } from './wire.ts';

const env = requireEnv(['AWS_REGION', 'LEDGER_TABLE', 'IDENTITY_STORE_ID', 'CONSOLE_URL']);
const logger = new Logger({ serviceName: 'idc-lease-console-auth' });
const settings = consoleSettingsFromEnv(process.env);
if (!settings) throw new Error('missing environment variables: CONSOLE_URL');
const deps = authDeps(
  {
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: env.AWS_REGION }), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    identityStore: new IdentitystoreClient({ region: env.AWS_REGION }),
  },
  { tableName: env.LEDGER_TABLE, identityStoreId: env.IDENTITY_STORE_ID },
  settings,
  // Once per cold start; without metadata the routes answer 503 and the SP metadata still serves.
  await idpMetadataFromEnv(process.env),
  (err) => logger.error('sign-in failed', { error: err as Error }),
);

/**
 * The console's sign-in (`/auth/*` behind CloudFront, API Gateway proxy): SP- and IdP-initiated
 * SAML sign-in through Identity Center's custom SAML application, and sign-out.
 */
export const handler = async (event: unknown): Promise<AuthGatewayResult> => {
  logger.resetKeys();
  return handleAuthEvent(deps, event);
};

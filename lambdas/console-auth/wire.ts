import type { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConsoleLedger } from '../../adapters/console-ledger.ts';
import { IdentityUsers } from '../../adapters/identity-users.ts';
import type { IdpMetadata } from '../../core/saml-metadata.ts';
import { ConsoleSessions } from '../../service/console-sessions.ts';
import { ServiceProvider } from '../../service/saml-sp.ts';
import type { ConsoleSettings } from '../console-env.ts';
import type { AuthDeps } from './routes.ts';

/**
 * The sign-in routes' dependencies, built the same way by the Lambda and the local runtime: only
 * the IdP's metadata differs (Identity Center's, or the local IdP's).
 */
export function authDeps(
  aws: { ddb: DynamoDBDocumentClient; identityStore: IdentitystoreClient },
  resources: { tableName: string; identityStoreId: string },
  settings: ConsoleSettings,
  idp: IdpMetadata | undefined,
  onInternalError?: (err: unknown) => void,
): AuthDeps {
  const store = new ConsoleLedger(aws.ddb, resources.tableName);
  const { site, audience } = settings;
  return {
    ...(idp
      ? {
          sp: new ServiceProvider(
            { acsUrl: site.acsUrl, audience, idp, clockSkewMs: settings.clockSkewMs },
            store,
          ),
        }
      : {}),
    sessions: new ConsoleSessions(store),
    users: new IdentityUsers(aws.identityStore, resources.identityStoreId),
    subjectMapping: settings.subjectMapping,
    limits: settings.limits,
    basePath: site.basePath,
    ownOrigin: site.origin,
    acsUrl: site.acsUrl,
    audience,
    ...(onInternalError ? { onInternalError } : {}),
  };
}

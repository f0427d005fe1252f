import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { KMSClient } from '@aws-sdk/client-kms';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Where the AWS calls go: the real endpoints (deployed) or the emulator on loopback (local). */
export interface AwsTarget {
  readonly region: string;
  readonly endpoint?: string;
  /**
   * With an endpoint only: the access key this caller signs with, so that the emulator's call log
   * tells the local stand-ins of the functions apart (`local/credentials.ts`). @default 'local'
   */
  readonly accessKeyId?: string;
}

export interface AwsClients {
  readonly ddb: DynamoDBDocumentClient;
  readonly sfn: SFNClient;
  readonly events: EventBridgeClient;
  readonly ssoAdmin: SSOAdminClient;
  readonly identityStore: IdentitystoreClient;
  readonly sqs: SQSClient;
  readonly kms: KMSClient;
}

export const clientConfig = (target: AwsTarget) =>
  target.endpoint
    ? {
        region: target.region,
        endpoint: target.endpoint,
        // The emulator accepts any signature; fixed keys keep a developer's profile out of it.
        credentials: { accessKeyId: target.accessKeyId ?? 'local', secretAccessKey: 'local' },
        maxAttempts: 2,
      }
    : { region: target.region };

export const createClients = (target: AwsTarget): AwsClients => {
  const config = clientConfig(target);
  return {
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient(config), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    sfn: new SFNClient(config),
    events: new EventBridgeClient(config),
    ssoAdmin: new SSOAdminClient(config),
    identityStore: new IdentitystoreClient(config),
    sqs: new SQSClient(config),
    kms: new KMSClient(config),
  };
};

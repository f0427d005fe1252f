import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ConsoleConfig } from './console-config.ts';
import { LeaseFunction } from './lease-function.ts';
import { acknowledge, acknowledgeWildcardResource } from './nag.ts';

/** Where Identity Center's metadata lands inside the sign-in function's code. */
export const BUNDLED_IDP_METADATA = 'saml-idp-metadata.xml';

export interface ConsoleSignInProps {
  readonly table: ITable;
  readonly identityStore: { readonly id: string; readonly ownerAccountId: string };
  readonly partition: string;
  /** `https://<console host>/`: the ACS, the default audience and the sign-out CSRF check derive from it. */
  readonly consoleUrl: string;
  readonly settings: ConsoleConfig;
  /** The resolved `console.samlMetadataFile`, bundled beside the handler. @default none */
  readonly samlMetadataPath?: string;
  readonly logRetention: RetentionDays;
}

/**
 * The console's sign-in function (`lambdas/console-auth/handler.ts`, `/auth/*`): SAML sign-in
 * through Identity Center's custom application, sessions in the ledger, sign-out. It reads and
 * writes only the items it keeps (sessions, pending requests, the assertion replay cache) and
 * looks users up in the Identity Store; nothing else.
 */
export class ConsoleSignIn extends Construct {
  public readonly handler: LeaseFunction;

  constructor(scope: Construct, id: string, props: ConsoleSignInProps) {
    super(scope, id);
    const { settings } = props;
    if (settings.samlMetadataFile && !props.samlMetadataPath)
      throw new Error(`${id}: console.samlMetadataFile must be resolved (samlMetadataPath)`);
    // Its ledger writes are conditional puts and updates (adapters/console-ledger.ts); it never
    // reads a session, the API function does.
    this.handler = new LeaseFunction(this, 'Handler', {
      entry: 'lambdas/console-auth/handler.ts',
      description: 'idc-lease: the web console sign-in (SAML through IAM Identity Center)',
      serviceName: 'idc-lease-console-auth',
      logRetention: props.logRetention,
      // A sign-in is one SAML check and a few item writes; API Gateway gives up at 29 s anyway.
      timeout: Duration.seconds(15),
      ...(props.samlMetadataPath ? { bundledFiles: { [BUNDLED_IDP_METADATA]: props.samlMetadataPath } } : {}),
    }).bindLedger(props.table, ['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    const environment: Record<string, string | undefined> = {
      CONSOLE_URL: props.consoleUrl,
      IDENTITY_STORE_ID: props.identityStore.id,
      SAML_IDP_METADATA_FILE: props.samlMetadataPath ? BUNDLED_IDP_METADATA : undefined,
      SAML_IDP_METADATA_URL: settings.samlMetadataUrl,
      SAML_AUDIENCE: settings.samlAudience,
      SAML_SUBJECT: settings.samlSubject,
      SAML_CLOCK_SKEW_SECONDS: settings.samlClockSkewSeconds?.toString(),
      SESSION_ABSOLUTE: settings.session.absolute,
      SESSION_IDLE: settings.session.idle,
    };
    for (const [name, value] of Object.entries(environment))
      if (value !== undefined) this.handler.addEnvironment(name, value);

    const { partition } = props;
    const users = `arn:${partition}:identitystore:::user/*`;
    this.handler.addToRolePolicy(
      new PolicyStatement({
        // The subject by userName (GetUserId), then the user itself (DescribeUser).
        actions: ['identitystore:GetUserId', 'identitystore:DescribeUser'],
        resources: [
          `arn:${partition}:identitystore::${props.identityStore.ownerAccountId}:identitystore/${props.identityStore.id}`,
          users,
        ],
      }),
    );
    acknowledgeWildcardResource(
      this.handler.role as Construct,
      users,
      'Whoever signs in is looked up at sign-in; any user of the configured identity store may be one.',
    );
    acknowledge(
      this.handler,
      'Serverless-LambdaDLQ',
      'Invoked synchronously by API Gateway: a failure is answered to the browser, there is no event to park.',
    );
  }
}

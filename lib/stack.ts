import { Aws, CfnOutput, CfnRule, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { parseDuration } from '../core/duration.ts';
import { managedAccounts, managedPermissionSets } from '../core/policy.ts';
import type { DeploymentConfig } from './config.ts';
import { Console } from './console.ts';
import { Correlator } from './correlator.ts';
import { IdentityCenterScope } from './identity-center.ts';
import { LeaseApi } from './lease-api.ts';
import { LeaseEvents } from './lease-events.ts';
import { LeaseWorkflow } from './lease-workflow.ts';
import { Ledger } from './ledger.ts';
import { Notifier } from './notifier.ts';
import { Operations } from './operations.ts';
import { Reconciler } from './reconciler.ts';
import { endSessionsScope, SessionEnder } from './session-ender.ts';

export interface IdcLeaseStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/** idc-lease in the Identity Center delegated-administrator account, in the instance's home region. */
export class IdcLeaseStack extends Stack {
  public readonly ledger: Ledger;
  public readonly events: LeaseEvents;
  public readonly workflow: LeaseWorkflow;
  public readonly reconciler: Reconciler;
  public readonly correlator: Correlator;
  public readonly api: LeaseApi;
  public readonly operations: Operations;
  /** The web console: its bucket, distribution and sign-in function. */
  public readonly console: Console;
  /** Only when `notifications` configures a channel. */
  public readonly notifier?: Notifier;
  /** Only when a rule of the policy has `endSessions: true`. */
  public readonly sessionEnder?: SessionEnder;

  constructor(scope: Construct, id: string, props: IdcLeaseStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { policy } = config;
    // Synth checked the policy against `accountId`; the template holds CloudFormation to it, so
    // the stack's own account, which no rule may name, is the one it actually runs in.
    new CfnRule(this, 'DeploysIntoConfiguredAccount', {
      assertions: [
        {
          assert: Fn.conditionEquals(Aws.ACCOUNT_ID, config.accountId),
          assertDescription: `idc-lease is configured for account ${config.accountId} (accountId)`,
        },
      ],
    });
    const logRetention = config.logRetentionDays as RetentionDays;
    const namesOus = policy.rules.some((rule) => (rule.ous ?? []).length > 0);
    const identityCenter = new IdentityCenterScope({
      instanceArn: config.instanceArn,
      // Only the permission sets the policy leases; the config has checked each has an ARN.
      permissionSetArns: managedPermissionSets(policy).map(
        (name) => config.permissionSetArns[name] as string,
      ),
      accounts: namesOus ? 'any' : managedAccounts(policy),
      // A lease may outlive its rule: whatever the configuration names may have to be removed.
      removablePermissionSetArns: Object.values(config.permissionSetArns),
      namedPermissionSets: config.permissionSetArns,
    });

    this.ledger = new Ledger(this, 'Ledger');
    const table = this.ledger.table;
    this.events = new LeaseEvents(this, 'Events', { logRetention });
    const bus = this.events.bus;
    this.workflow = new LeaseWorkflow(this, 'Workflow', { table, bus, identityCenter, logRetention });
    const workflow = this.workflow;
    const ledgerWriter = this.events.addLedgerWriter({ table, workflow });
    this.reconciler = new Reconciler(this, 'Reconciler', {
      table,
      bus,
      workflow,
      identityCenter,
      identityStoreId: config.identityStoreId,
      policyFile: config.policyPath,
      every: Duration.seconds(parseDuration(config.reconcileEvery)),
      logRetention,
    });
    this.correlator = new Correlator(this, 'Correlator', {
      table,
      bus,
      identityCenter,
      identityStore: { id: config.identityStoreId, ownerAccountId: config.managementAccountId },
      toolRoles: [workflow.role, this.reconciler.handler.role as IRole],
      policyFile: config.policyPath,
      logRetention,
    });
    this.api = new LeaseApi(this, 'Api', {
      table,
      bus,
      workflow,
      identityCenter,
      identityStore: { id: config.identityStoreId, ownerAccountId: config.managementAccountId },
      organization: {
        id: config.organizationId,
        managementAccountId: config.managementAccountId,
        readTree: namesOus,
      },
      reconciler: this.reconciler.handler,
      policyFile: config.policyPath,
      throttle: config.api,
      activity: config.activity,
      logRetention,
    });
    this.console = new Console(this, 'Console', {
      api: this.api,
      table,
      identityStore: { id: config.identityStoreId, ownerAccountId: config.managementAccountId },
      partition: identityCenter.partition,
      settings: config.console,
      ...(config.samlMetadataPath ? { samlMetadataPath: config.samlMetadataPath } : {}),
      logRetention,
    });
    const { operatorEmails, ...notifierSettings } = config.notifications;
    if (notifierSettings.slack || notifierSettings.webhook || notifierSettings.email)
      this.notifier = new Notifier(this, 'Notifier', {
        table,
        bus,
        identityStore: { id: config.identityStoreId, ownerAccountId: config.managementAccountId },
        // Messages link to the lease's page in the deployed console unless told otherwise.
        settings: { ...notifierSettings, consoleUrl: notifierSettings.consoleUrl ?? this.console.url },
        logRetention,
      });
    const sessionEnderScope = endSessionsScope(config);
    if (sessionEnderScope)
      this.sessionEnder = new SessionEnder(this, 'SessionEnder', {
        table,
        bus,
        identityCenter: sessionEnderScope,
        identityStore: { id: config.identityStoreId, ownerAccountId: config.managementAccountId },
        policyFile: config.policyPath,
        logRetention,
      });
    this.operations = new Operations(this, 'Operations', {
      bus,
      stateMachine: workflow.stateMachine,
      reconciler: this.reconciler.handler,
      api: this.api.api,
      deadLetterQueues: {
        LedgerWriter: ledgerWriter.deadLetterQueue,
        Reconciler: this.reconciler.consumer.deadLetterQueue,
        ...(this.notifier ? { Notifier: this.notifier.consumer.deadLetterQueue } : {}),
        Correlator: this.correlator.consumer.deadLetterQueue,
        ...(this.sessionEnder ? { SessionEnder: this.sessionEnder.consumer.deadLetterQueue } : {}),
      },
      operatorEmails,
    });
    // What operators look up after a deploy (the API's URL is the RestApi's own Endpoint output).
    new CfnOutput(this, 'OperatorsTopicArn', { value: this.operations.topic.topicArn });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'LedgerTableName', { value: table.tableName });
    // What the administrator enters in Identity Center's SAML application (README "Deploy the console").
    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url });
    new CfnOutput(this, 'SamlAcsUrl', { value: this.console.samlAcsUrl });
    new CfnOutput(this, 'SamlAudience', { value: this.console.samlAudience });
    // With a domain of its own, the DNS name to point it at (an alias or CNAME record).
    if (config.console.domain)
      new CfnOutput(this, 'ConsoleDistributionDomainName', {
        value: this.console.distribution.distributionDomainName,
      });
  }
}

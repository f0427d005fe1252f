import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRootPrincipal,
  type IRole,
  PolicyDocument,
  PolicyStatement,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TOKEN_CONTEXT_KEYS } from '../core/lease-token.ts';

/**
 * What the account itself may do with the key: manage it, never use it. The key policy does not
 * delegate use to IAM (no `kms:*` for the account root), so an identity policy of the account —
 * a read-only role's, an administrator's — opens no token; only the roles named below can.
 */
const ADMINISTRATION = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/**
 * Every use for a token names the token's encryption context (the lease and the kind), and only
 * that context's keys: no use without one, none under a context of anything else. (KMS binds a
 * ciphertext to its context, so a token opens only with the very lease and kind it was sealed for.)
 */
const TOKEN_CONTEXT = {
  Null: { 'kms:EncryptionContextKeys': 'false' },
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...TOKEN_CONTEXT_KEYS] },
};

/**
 * The stack's task-token key. A task token answers the workflow (whoever holds one and
 * `states:SendTaskSuccess` approves a lease), so tokens at rest are sealed with it: in the ledger
 * (`adapters/task-tokens.ts`), in the ledger writer's dead-letter queue, and in the workflow's own
 * execution history (its customer-managed key). Reading the table, the queues, the archive or the
 * logs yields no usable token without this key, and its policy names who may use it.
 */
export class TaskTokenKey extends Construct {
  public readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'idc-lease: task tokens at rest (ledger, dead letters, execution history)',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AccountManagesNeverUses',
            principals: [new AccountRootPrincipal()],
            actions: ADMINISTRATION,
            resources: ['*'],
          }),
        ],
      }),
    });
  }

  /** Lets the role seal (`seal`) or open (`open`) task tokens of leases (`LeaseFunction.bindTaskTokens` also tells it the key). */
  grantTokens(role: IRole, use: 'seal' | 'open'): void {
    this.allow(role, use === 'seal' ? ['kms:Encrypt'] : ['kms:Decrypt'], TOKEN_CONTEXT);
  }

  /**
   * Use of the key for the workflow's execution data (Step Functions' customer-managed key):
   * only with the encryption context Step Functions gives this state machine's data. The key
   * policy's half: CDK's `encryptionConfiguration` grants the role's own.
   */
  grantWorkflowData(role: IRole, stateMachineName: string, actions: string[]): void {
    const stateMachineArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      resourceName: stateMachineName,
    });
    this.allowInKeyPolicy(role, actions, {
      StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': stateMachineArn },
    });
  }

  /**
   * Step Functions encrypts the workflow's log deliveries with its role under the state machine's
   * key (CDK grants the role; the key policy must name it too, as it does not delegate to IAM).
   */
  grantLogDelivery(role: IRole): void {
    this.allowInKeyPolicy(role, ['kms:GenerateDataKey'], {
      StringEquals: {
        'kms:EncryptionContext:SourceArn': Stack.of(this).formatArn({
          service: 'logs',
          resource: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    });
  }

  /**
   * A dead-letter queue under this key: the role (a function parking a failed invocation there)
   * may use the key through SQS only. (Naming the queue's ARN would be a cycle: the queue names the
   * key.) The key policy's half: CDK's grant for the on-failure destination gives the role its own.
   */
  grantQueue(role: IRole): void {
    this.allowInKeyPolicy(role, ['kms:GenerateDataKey', 'kms:Decrypt'], {
      StringEquals: { 'kms:ViaService': `sqs.${Stack.of(this).region}.amazonaws.com` },
    });
  }

  /**
   * Lets EventBridge use the key for the dead letters of this stack's rules on the bus (a rule's
   * target names the queue, which names the key: the rules are matched by pattern, not by ARN).
   */
  grantEventBridge(busName: string): void {
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'events',
              resource: 'rule',
              resourceName: `${busName}/*`,
            }),
          },
        },
      }),
    );
  }

  /** The key policy names the role: the one way use of this key is granted. */
  private allowInKeyPolicy(role: IRole, actions: string[], conditions: Record<string, unknown>): void {
    this.key.addToResourcePolicy(
      new PolicyStatement({ principals: [role], actions, resources: ['*'], conditions }),
    );
  }

  /** Both halves, where nothing else grants the role's: the key policy's, and the role's own. */
  private allow(role: IRole, actions: string[], conditions: Record<string, unknown>): void {
    this.allowInKeyPolicy(role, actions, conditions);
    role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [this.key.keyArn], conditions }));
  }
}

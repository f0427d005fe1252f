import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  CustomerManagedEncryptionConfiguration,
  DefinitionBody,
  LogLevel,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { readLeaseDefinition, substitute } from '../statemachines/definition.ts';
import type { IdentityCenterScope, SsoAction } from './identity-center.ts';
import { acknowledge, acknowledgeWildcardResource } from './nag.ts';
import { TaskTokenKey } from './task-token-key.ts';

/** The Identity Center calls the ASL makes: the ownership check, the create, the delete. */
const WORKFLOW_SSO_ACTIONS: readonly SsoAction[] = [
  'sso:ListAccountAssignments',
  'sso:CreateAccountAssignment',
  'sso:DescribeAccountAssignmentCreationStatus',
  'sso:DeleteAccountAssignment',
  'sso:DescribeAccountAssignmentDeletionStatus',
];

export interface LeaseWorkflowProps {
  readonly table: ITable;
  readonly bus: IEventBus;
  /** The instance, permission sets and accounts the workflow may assign. */
  readonly identityCenter: IdentityCenterScope;
  readonly logRetention: RetentionDays;
}

/**
 * One Standard execution per lease, from `statemachines/lease.asl.json` — the same file the local
 * runtime runs — with the deployment's names filled in through definition substitutions.
 */
export class LeaseWorkflow extends Construct {
  public readonly stateMachine: StateMachine;
  public readonly role: Role;
  public readonly logGroup: LogGroup;
  /** Every execution of this workflow: one per lease, named by the lease id. */
  public readonly executionArns: string;
  /** Seals the task tokens at rest: in the ledger, the ledger writer's dead letters, the execution history. */
  public readonly tokenKey: TaskTokenKey;

  constructor(scope: Construct, id: string, props: LeaseWorkflowProps) {
    super(scope, id);
    const { identityCenter } = props;
    const definition = readLeaseDefinition();
    const definitionSubstitutions = {
      LedgerTable: props.table.tableName,
      EventBus: props.bus.eventBusName,
      InstanceArn: identityCenter.props.instanceArn,
    };
    // Throws when the file and the substitutions disagree, at synth rather than at run time.
    substitute(definition, definitionSubstitutions);

    // Only Step Functions acting for this account may assume it (confused-deputy protection).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('states.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    identityCenter.grant(this.role, ...WORKFLOW_SSO_ACTIONS);
    // The workflow writes lease and tuple items by key; it never touches the indexes.
    this.role.addToPolicy(
      new PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [props.table.tableArn] }),
    );
    props.bus.grantPutEventsTo(this.role);

    this.logGroup = new LogGroup(this, 'Logs', {
      // The vendedlogs prefix keeps CloudWatch Logs' resource policy from growing per log group.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-lease-workflow`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stack = Stack.of(this);
    // A known name lets grants on its executions (named by lease id) be written as one ARN pattern.
    const stateMachineName = `${stack.stackName}-lease`;
    this.executionArns = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // Execution history holds task tokens (task parameters): it is kept under the token key, which
    // Step Functions uses with the workflow's role (grantWorkflowData below; the key policy names it).
    this.tokenKey = new TaskTokenKey(this, 'TokenKey');
    this.tokenKey.grantWorkflowData(this.role, stateMachineName, ['kms:Decrypt', 'kms:GenerateDataKey']);
    this.tokenKey.grantLogDelivery(this.role);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      // fromString, not fromFile: the definition stays in the template, where tests can read it.
      definitionBody: DefinitionBody.fromString(definition),
      definitionSubstitutions,
      role: this.role,
      encryptionConfiguration: new CustomerManagedEncryptionConfiguration(
        this.tokenKey.key,
        Duration.minutes(5),
      ),
      tracingEnabled: true,
      logs: {
        destination: this.logGroup,
        level: LogLevel.ALL,
        // Execution data holds task tokens, which would let a log reader answer approvals.
        includeExecutionData: false,
      },
    });

    identityCenter.acknowledgeWildcards(this.role, WORKFLOW_SSO_ACTIONS);
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'logs:CreateLogDelivery and the other log delivery actions, and X-Ray tracing, support only Resource "*".',
    );
  }

  /** Rights on this workflow's executions, whose names (lease ids) are known only at run time. */
  grantOnExecutions(grantee: IGrantable, ...actions: string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions, resources: [this.executionArns] }),
    );
    acknowledgeWildcardResource(
      grantee.grantPrincipal as unknown as IConstruct,
      this.executionArns,
      'Executions are named by lease id, known only at run time; the grant covers this workflow’s executions alone.',
    );
  }
}

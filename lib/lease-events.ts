import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EventConsumer, toCdkPattern } from './consumers.ts';
import { LeaseFunction } from './lease-function.ts';
import type { LeaseWorkflow } from './lease-workflow.ts';
import { acknowledge } from './nag.ts';
import { archivePattern, ledgerWriterPattern } from './rules.ts';

export interface LeaseEventsProps {
  readonly logRetention: RetentionDays;
  /**
   * How long lease events stay replayable in the bus's archive (rebuilding a projection, or
   * showing an auditor exactly what was published).
   * @default Duration.days(365)
   */
  readonly archiveRetention?: Duration;
}

export interface LedgerWriterProps {
  readonly table: ITable;
  readonly workflow: LeaseWorkflow;
}

/**
 * The lease event bus and its consumers. The workflow publishes every step here; each consumer
 * is a function behind a rule with its own dead-letter queue.
 */
export class LeaseEvents extends Construct {
  public readonly bus: EventBus;
  public readonly consumers: EventConsumer[] = [];
  private readonly logRetention: RetentionDays;

  constructor(scope: Construct, id: string, props: LeaseEventsProps) {
    super(scope, id);
    const archiveRetention = props.archiveRetention ?? Duration.days(365);
    if (archiveRetention.toSeconds() < 86_400)
      throw new Error(`${id}: archiveRetention must be at least a day`);
    this.logRetention = props.logRetention;
    this.bus = new EventBus(this, 'Bus', { description: 'idc-lease: one event per lease step' });
    this.bus.archive('Archive', {
      // Not the token-bearing events: an archived token would be a year-long credential.
      description: 'Every lease event but those that carry a task token, replayable',
      eventPattern: toCdkPattern(archivePattern),
      retention: archiveRetention,
    });
  }

  /**
   * Projects lease events into the ledger (status, timeline, the sealed token), and tells a newly
   * arrived token what the ledger decided while none was there to hear it (service/deliveries.ts).
   */
  addLedgerWriter(props: LedgerWriterProps): EventConsumer {
    const handler = new LeaseFunction(this, 'LedgerWriter', {
      entry: 'lambdas/ledger-writer/handler.ts',
      description: 'idc-lease: projects lease events into the ledger',
      serviceName: 'idc-lease-ledger-writer',
      logRetention: this.logRetention,
    })
      // The lease record's read and conditional update, the tuple's release (IAM proof, test/iam/).
      .bindLedger(props.table, ['dynamodb:GetItem', 'dynamodb:UpdateItem'])
      // A decision recorded before its token arrived (or told to a token a retried state replaced)
      // is the writer's to tell: a revoke, rejection or withdrawal fails the token, an approval or
      // an extension answers it (the IAM proof saw both; ledger-writer.test.ts makes the second).
      .bindWorkflow(props.workflow, 'respond')
      .bindTaskTokens(props.workflow, 'seal', 'open');
    // Its dead letters are lease events, task tokens included: kept under the token key.
    const consumer = new EventConsumer(this, 'LedgerWriterConsumer', {
      handler,
      deadLetterKey: props.workflow.tokenKey,
    });
    consumer.on('LeaseEvents', {
      description: 'Every lease event, to the ledger writer',
      bus: this.bus,
      eventPattern: ledgerWriterPattern,
    });
    props.workflow.tokenKey.grantEventBridge(this.bus.eventBusName);
    acknowledge(
      handler.role as Role,
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'CDK’s grant for the on-failure destination, a queue under the token key: SQS asks for data keys of its own choosing; the key policy admits this role through SQS only.',
    );
    acknowledge(
      handler.role as Role,
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      'CDK’s grant for the on-failure destination, a queue under the token key; the key policy admits this role through SQS only.',
    );
    this.consumers.push(consumer);
    return consumer;
  }
}

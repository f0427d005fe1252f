import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { LEDGER_INDEXES, LEDGER_KEYS } from '../adapters/ledger.ts';

export interface LedgerProps {
  /**
   * What happens to the table when the stack is deleted. The ledger is the audit trail and the
   * record of which assignments the tool owns, so it outlives the stack unless told otherwise.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The ownership ledger: leases, their timelines, and the (user, account, permission set) tuples
 * the tool holds. Same keys and indexes as the local runtime's table (`adapters/ledger.ts`).
 */
export class Ledger extends Construct {
  public readonly table: Table;

  constructor(scope: Construct, id: string, props: LedgerProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: LEDGER_KEYS.partition, type: AttributeType.STRING },
      sortKey: { name: LEDGER_KEYS.sort, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Deleting the stack must not delete the audit trail with it.
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy,
    });
    for (const index of LEDGER_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partition, type: AttributeType.STRING },
        sortKey: { name: index.sort, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }
}

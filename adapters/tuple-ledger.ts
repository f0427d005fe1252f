import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TUPLE_SK } from '../core/ledger-keys.ts';

/**
 * The tool's knowledge of one (principal, account, permission set): who holds it, and the
 * evidence of whether the tool created its assignment (`core/ownership.ts`). The workflow writes
 * the holds (Acquire, Join, AcquireStanding, Release*) in the ASL; everything else writes here.
 */
export interface TupleRecord {
  pk: string;
  holders?: Set<string>;
  standing?: boolean;
  deleting?: string;
  deletingAt?: string;
  guard?: boolean;
  creator?: string;
  creatorAt?: string;
  creationPending?: string;
  createdBy?: string;
  createdRequestId?: string;
  principalId?: string;
  accountId?: string;
  permissionSetArn?: string;
}

/** Everything the evidence consists of: cleared together once it no longer describes an assignment. */
const EVIDENCE = 'creator, creatorAt, creationPending, createdBy, createdRequestId';

const isConditionFailure = (err: unknown): boolean =>
  (err as { name?: string }).name === 'ConditionalCheckFailedException';

/** The tuple as the reconciler read it: its writes hold only while the item still reads so. */
export type SeenTuple = Pick<TupleRecord, 'deleting' | 'creator' | 'createdBy'>;

/** Conditions that hold while nobody holds the tuple and it still reads as `seen`. */
function asSeen(seen: SeenTuple): { conditions: string[]; values: Record<string, unknown> } {
  const values: Record<string, unknown> = {};
  const conditions = ['attribute_not_exists(holders)'];
  for (const name of ['deleting', 'creator', 'createdBy'] as const) {
    const value = seen[name];
    if (value === undefined) conditions.push(`attribute_not_exists(${name})`);
    else {
      values[`:${name}`] = value;
      conditions.push(`${name} = :${name}`);
    }
  }
  return { conditions, values };
}

export class TupleLedger {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(pk: string): Promise<TupleRecord | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk: TUPLE_SK }, ConsistentRead: true }),
    );
    return out.Item as TupleRecord | undefined;
  }

  /** One conditional update of the tuple item; false when the condition did not hold (nothing changed). */
  private async update(
    pk: string,
    expression: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk: TUPLE_SK },
          UpdateExpression: expression,
          ConditionExpression: condition,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /**
   * Evidence that the tool created the assignment: the creator's create was reported SUCCEEDED.
   * Only for the creator the tuple names now, so a late event of an earlier lease claims nothing.
   */
  recordCreated(pk: string, leaseId: string, requestId: string | undefined): Promise<boolean> {
    return this.update(
      pk,
      `${requestId ? 'SET createdBy = :id, createdRequestId = :rid' : 'SET createdBy = :id'} REMOVE creationPending`,
      'creator = :id',
      { ':id': leaseId, ...(requestId ? { ':rid': requestId } : {}) },
    );
  }

  /**
   * The deleter (a lease, or a reconciler run) finished: the tool's assignment is gone, and with it
   * the evidence that made it the tool's. Only while the tuple still names this deleter.
   */
  deleted(pk: string, deleter: string): Promise<boolean> {
    return this.update(pk, `REMOVE deleting, deletingAt, ${EVIDENCE}`, 'deleting = :id', { ':id': deleter });
  }

  /** Drops leases that can no longer release the tuple themselves (their execution is over). */
  async dropHolders(pk: string, leaseIds: readonly string[]): Promise<void> {
    if (leaseIds.length === 0) return;
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk, sk: TUPLE_SK },
        UpdateExpression: 'DELETE holders :ids',
        ExpressionAttributeValues: { ':ids': new Set(leaseIds) },
      }),
    );
  }

  /**
   * Clears a stale deletion mark and evidence that describes no assignment, while nobody holds the
   * tuple and it still reads as the reconciler judged it (same deleter, same creator).
   */
  forget(pk: string, seen: SeenTuple): Promise<boolean> {
    const { conditions, values } = asSeen(seen);
    return this.update(pk, `REMOVE deleting, deletingAt, ${EVIDENCE}`, conditions.join(' AND '), values);
  }

  /**
   * The reconciler takes over deletion of an owned assignment nobody holds: the same mark the
   * workflow's ReleaseLast sets, so no lease joins an assignment that is about to disappear. Only
   * while the tuple still reads as the reconciler judged it: the sweep's listing is older than this
   * write, and a lease that deleted its assignment meanwhile has cleared the evidence, so whatever
   * the listing showed is then no longer the tool's to delete.
   */
  claimForDeletion(pk: string, by: string, at: string, seen: SeenTuple): Promise<boolean> {
    const { conditions, values } = asSeen(seen);
    conditions.push('(attribute_not_exists(standing) OR standing = :false)');
    return this.update(pk, 'REMOVE standing SET deleting = :by, deletingAt = :at', conditions.join(' AND '), {
      ...values,
      ':by': by,
      ':at': at,
      ':false': false,
    });
  }
}

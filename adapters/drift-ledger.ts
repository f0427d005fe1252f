import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

const isConditionFailure = (err: unknown): boolean =>
  (err as { name?: string }).name === 'ConditionalCheckFailedException';

/**
 * Drift findings in the ledger table (`DRIFT#<key>`), one per key, with the mark that their
 * `Assignment Drift Detected` event is out, written only after it is.
 */
export class DriftLedger {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /**
   * Records a drift finding once per key. True while its event is still to be published: a new
   * finding, or one recorded by an earlier try whose publish failed (`published` marks it
   * done, after the event is out). A finding already recorded is left as it is (a publisher may
   * hold its claim).
   */
  async record(key: string, finding: Record<string, unknown>): Promise<boolean> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          // `kind` is the item type in this table; the finding's own kind is kept as findingKind.
          Item: {
            ...finding,
            findingKind: finding.kind,
            pk: `DRIFT#${key}`,
            sk: 'FINDING',
            kind: 'drift',
            published: false,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // Recorded before (perhaps by this very call, its answer lost): still to publish unless
      // marked (or recorded before publishing was tracked, which means published).
      return (await this.read(key, 'published'))?.published === false;
    }
  }

  private async read(key: string, projection: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `DRIFT#${key}`, sk: 'FINDING' },
        ConsistentRead: true,
        ProjectionExpression: projection,
      }),
    );
    return out.Item;
  }

  /**
   * One publisher at a time for a finding still to publish, so that two deliveries of one record
   * at once do not both announce it. A claim older than `staleMs` belongs to a publisher that died.
   * False: another publisher holds it (or the finding is published).
   */
  async claimPublish(key: string, claim: string, staleMs = 30_000): Promise<boolean> {
    const now = Date.now();
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `DRIFT#${key}`, sk: 'FINDING' },
          UpdateExpression: 'SET publishClaim = :claim, publishClaimAt = :now',
          ConditionExpression:
            'published = :false AND (attribute_not_exists(publishClaimAt) OR publishClaimAt < :stale)',
          ExpressionAttributeValues: {
            ':claim': claim,
            ':now': now,
            ':false': false,
            ':stale': now - staleMs,
          },
        }),
      );
      return true;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // Our own claim, replayed after its answer was lost.
      return (await this.read(key, 'publishClaim'))?.publishClaim === claim;
    }
  }

  /** Gives a claim back (its publish failed), so that the next delivery may publish. */
  async releasePublish(key: string, claim: string): Promise<void> {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `DRIFT#${key}`, sk: 'FINDING' },
          UpdateExpression: 'REMOVE publishClaim, publishClaimAt',
          ConditionExpression: 'publishClaim = :claim',
          ExpressionAttributeValues: { ':claim': claim },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  /** The finding's event is out: later sightings of the same drift publish nothing. */
  async published(key: string): Promise<void> {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `DRIFT#${key}`, sk: 'FINDING' },
        UpdateExpression: 'SET published = :true REMOVE publishClaim, publishClaimAt',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
  }
}

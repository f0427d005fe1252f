import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

const isConditionFailure = (err: unknown): boolean =>
  (err as { name?: string }).name === 'ConditionalCheckFailedException';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LockBusyError extends Error {
  constructor(name: string) {
    super(`lock ${name} is still held by someone else`);
    this.name = 'LockBusyError';
  }
}

/**
 * A mutual-exclusion item in the ledger table, one per name, taken with a conditional write.
 * It expires on its own, so a holder that dies (Lambda timeout) never blocks the next one for
 * longer than `ttlMs`. Releasing is an update, not a delete: the ledger grants no DeleteItem.
 */
export class LedgerLock {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly ttlMs = 120_000,
    private readonly waitMs = 90_000,
  ) {}

  private key = (name: string) => ({ pk: `LOCK#${name}`, sk: 'LOCK' });

  private async tryAcquire(name: string, owner: string): Promise<boolean> {
    const now = Date.now();
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.key(name), kind: 'lock', owner, expiresAt: now + this.ttlMs },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** Still ours and not expired: checked right before a write the lock protects. */
  async confirm(name: string, owner: string): Promise<void> {
    const now = Date.now();
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(name),
          UpdateExpression: 'SET expiresAt = :until',
          ConditionExpression: '#owner = :owner AND expiresAt > :now',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner, ':now': now, ':until': now + this.ttlMs },
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new LockBusyError(name);
      throw err;
    }
  }

  private async release(name: string, owner: string): Promise<void> {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(name),
          UpdateExpression: 'SET expiresAt = :zero',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner, ':zero': 0 },
        }),
      );
    } catch (err) {
      // Expired and taken by the next holder meanwhile: theirs now, nothing to release.
      if (!isConditionFailure(err)) throw err;
    }
  }

  /** Runs `fn` holding the lock; waits for it (with jitter) up to `waitMs`, then gives up loudly. */
  async with<T>(name: string, fn: (confirm: () => Promise<void>) => Promise<T>): Promise<T> {
    const owner = randomUUID();
    const deadline = Date.now() + this.waitMs;
    while (!(await this.tryAcquire(name, owner))) {
      if (Date.now() > deadline) throw new LockBusyError(name);
      await sleep(100 + Math.random() * 400);
    }
    try {
      return await fn(() => this.confirm(name, owner));
    } finally {
      await this.release(name, owner);
    }
  }
}

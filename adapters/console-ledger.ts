import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionRecord } from '../core/console-session.ts';

/**
 * The console's sign-in state, shared by every instance of the sign-in and API functions:
 * sessions, the assertion ids already accepted, and the AuthnRequests still waiting for an
 * answer. The service talks to this interface; the ledger table below is the one implementation
 * that runs, locally and deployed.
 */
export interface SignInStore {
  createSession(key: string, session: SessionRecord): Promise<void>;
  getSession(key: string): Promise<SessionRecord | undefined>;
  /** Moves the idle expiry on; false when the session ended or expired meanwhile. */
  touchSession(key: string, idleExpiresAt: number, now: number): Promise<boolean>;
  /** Marks the session ended; false when there was no such session. */
  endSession(key: string, now: number): Promise<boolean>;
  /** Remembers an assertion id until `until`; false when it is already remembered (a replay). */
  rememberAssertion(id: string, until: number, now: number): Promise<boolean>;
  savePendingRequest(id: string, expiresAt: number): Promise<void>;
  /** Answers a pending AuthnRequest once; false when unknown, answered before, or expired. */
  answerPendingRequest(id: string, now: number): Promise<boolean>;
}

const isConditionFailure = (err: unknown): boolean =>
  (err as { name?: string }).name === 'ConditionalCheckFailedException';

/** DynamoDB's TTL attribute (epoch seconds), for a table that enables TTL on `ttl`; the checks never rely on it. */
const ttl = (ms: number) => Math.ceil(ms / 1000);

/**
 * Items in the ledger table: `SESSION#<hash of token>`, `SAML-ASSERTION#<id>`,
 * `SAML-REQUEST#<id>`. Every decision is a conditional write on the item's own `expiresAt`-style
 * attributes, so two instances can never both accept one assertion or answer one request, and
 * an expired item counts as gone whether or not the table has deleted it yet (the emulator never
 * does). Nothing is deleted: the table grants no DeleteItem.
 */
export class ConsoleLedger implements SignInStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  private attempt = async (write: () => Promise<unknown>): Promise<boolean> => {
    try {
      await write();
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  };

  async createSession(key: string, session: SessionRecord): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `SESSION#${key}`,
          sk: 'SESSION',
          kind: 'console-session',
          ...session,
          ttl: ttl(session.absoluteExpiresAt),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getSession(key: string): Promise<SessionRecord | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `SESSION#${key}`, sk: 'SESSION' },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { userName, userId, createdAt, absoluteExpiresAt, idleExpiresAt, idleMs, endedAt } = out.Item;
    return {
      userName,
      userId,
      createdAt,
      absoluteExpiresAt,
      idleExpiresAt,
      idleMs,
      ...(endedAt ? { endedAt } : {}),
    };
  }

  touchSession(key: string, idleExpiresAt: number, now: number): Promise<boolean> {
    return this.attempt(() =>
      this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `SESSION#${key}`, sk: 'SESSION' },
          UpdateExpression: 'SET idleExpiresAt = :until',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(endedAt) AND idleExpiresAt > :now AND absoluteExpiresAt > :now',
          ExpressionAttributeValues: { ':until': idleExpiresAt, ':now': now },
        }),
      ),
    );
  }

  endSession(key: string, now: number): Promise<boolean> {
    return this.attempt(() =>
      this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `SESSION#${key}`, sk: 'SESSION' },
          UpdateExpression: 'SET endedAt = if_not_exists(endedAt, :now)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
  }

  rememberAssertion(id: string, until: number, now: number): Promise<boolean> {
    return this.attempt(() =>
      this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `SAML-ASSERTION#${id}`,
            sk: 'SAML',
            kind: 'saml-assertion',
            expiresAt: until,
            ttl: ttl(until),
          },
          // The same rule as mayAcceptAssertion, evaluated atomically by the table.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
  }

  async savePendingRequest(id: string, expiresAt: number): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `SAML-REQUEST#${id}`, sk: 'SAML', kind: 'saml-request', expiresAt, ttl: ttl(expiresAt) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  answerPendingRequest(id: string, now: number): Promise<boolean> {
    return this.attempt(() =>
      this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `SAML-REQUEST#${id}`, sk: 'SAML' },
          UpdateExpression: 'SET answeredAt = :now',
          // The same rule as mayAnswerRequest, evaluated atomically by the table.
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(answeredAt) AND expiresAt > :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
  }
}

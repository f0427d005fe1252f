import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { link } from '../core/audit-chain.ts';
import { ValidationError } from '../core/errors.ts';
import type { LeaseRecord } from '../core/lease.ts';
import { FINISHED_RANK, type HeldToken, TOKEN_ATTRIBUTES, type TokenFor } from '../core/lease-token.ts';
import { leaseKey, TUPLE_SK } from '../core/ledger-keys.ts';
import { DriftLedger } from './drift-ledger.ts';
import { type ChainAppend, type LeaseUpdate, leaseUpdateExpression } from './lease-update.ts';
import type { SealedToken } from './task-tokens.ts';
import { TupleLedger } from './tuple-ledger.ts';

export type { LeaseUpdate } from './lease-update.ts';
export type { TupleRecord } from './tuple-ledger.ts';

/** Key attributes of the ledger table (all strings); the stack and the local runtime create it from these. */
export const LEDGER_KEYS = { partition: 'pk', sort: 'sk' } as const;

/**
 * Secondary indexes of the ledger table (string keys, all attributes projected); the stack and the
 * local runtime create the same. Lists page through them newest first (`adapters/ledger-pages.ts`):
 * a requester's leases, the leases in one status, every lease by request time (`kind` is `lease`
 * on leases only; tuples and tokens have no `requestedAt`, so they stay out), and drift findings by
 * time (`kind` = `drift`, sorted by `at`).
 */
export const LEDGER_INDEXES = [
  { name: 'byRequester', partition: 'requesterId', sort: 'requestedAt' },
  { name: 'byStatus', partition: 'status', sort: 'requestedAt' },
  { name: 'byKind', partition: 'kind', sort: 'requestedAt' },
  { name: 'byKindAt', partition: 'kind', sort: 'at' },
] as const;

export type LedgerIndexName = (typeof LEDGER_INDEXES)[number]['name'];

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

const encodeToken = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

const decodeToken = (token: string | undefined): Record<string, unknown> | undefined => {
  if (!token) return undefined;
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new ValidationError('nextToken', 'is not a token this API issued');
  }
};

const isConditionFailure = (err: unknown): boolean =>
  (err as { name?: string }).name === 'ConditionalCheckFailedException';

/** One of `heads` is the hash of an entry on the lease's timeline: that append was written. */
const hasEntries = (lease: LeaseRecord, heads: readonly string[]): boolean =>
  lease.timeline.some((entry) => heads.includes((entry as { hash?: string }).hash ?? ''));

/**
 * Concurrent appends to one timeline retry on the new head. Each round one writer wins, so N
 * writers at once need up to N rounds; more than this many means a runaway writer.
 */
const MAX_APPEND_ATTEMPTS = 25;

/** A short random pause between rounds, so the writers that lost do not collide again at once. */
const jitter = () => new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 25));

/** Data access to the ledger table. Everything that writes the ledger outside the workflow goes here. */
export class Ledger {
  /** The tuple items: holds and the evidence of who created an assignment. */
  readonly tuples: TupleLedger;
  /** The drift findings of the reconciler and the correlator, and whether each was announced. */
  readonly drift: DriftLedger;

  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {
    this.tuples = new TupleLedger(ddb, tableName);
    this.drift = new DriftLedger(ddb, tableName);
  }

  async getLease(id: string): Promise<LeaseRecord | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: leaseKey(id), ConsistentRead: true }),
    );
    return out.Item as LeaseRecord | undefined;
  }

  /** Writes a new lease and makes sure its tuple item exists with the workflow's `guard`. */
  async createLease(record: LeaseRecord): Promise<void> {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: record.tuplePk, sk: TUPLE_SK },
        UpdateExpression:
          'SET guard = if_not_exists(guard, :false), kind = :kind, principalId = :p, accountId = :a, permissionSetArn = :ps',
        ExpressionAttributeValues: {
          ':false': false,
          ':kind': 'tuple',
          ':p': record.principalId,
          ':a': record.accountId,
          ':ps': record.permissionSetArn,
        },
      }),
    );
    const chained = link(record.id, undefined, record.timeline);
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...record, timeline: chained.entries, timelineHead: chained.head },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      // A retry of a put whose answer was lost meets its own write: lease ids are random, so a
      // record under this id with this chain head is this very write. Anything else is a clash.
      if (!isConditionFailure(err) || (await this.timelineHead(record.id)) !== chained.head) throw err;
    }
  }

  /**
   * Applies an update; returns the new record, or undefined when its condition (status, event
   * already applied, extra condition) did not hold, in which case nothing changed.
   *
   * Timeline entries are appended to the lease's hash chain: linked after the head this call
   * read, written only if the head is still that one. When another writer appended first, the
   * entries are linked again after the new head, so concurrent writers never fork the chain.
   * An append whose answer was lost and whose replay then failed is recognised by its entries in
   * the chain and answered as written. An update without entries cannot tell: its caller checks
   * what it wrote (a reservation id, a token) when it gets undefined.
   */
  async updateLease(id: string, update: LeaseUpdate): Promise<LeaseRecord | undefined> {
    if (!update.timeline || update.timeline.length === 0) return this.applyUpdate(id, update);
    // Every head this call linked its entries to. A write whose answer was lost (committed, then
    // a 500 or a throttle) is replayed by the SDK, and the replay fails its own head condition:
    // finding one of these heads in the chain is how the call learns that its write did land.
    const written: string[] = [];
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const head = await this.timelineHead(id);
      if (head === null) return undefined;
      const chained = link(id, head, update.timeline);
      written.push(chained.head);
      const out = await this.applyUpdate(id, update, {
        entries: chained.entries,
        from: head,
        to: chained.head,
      });
      if (out) return out;
      // Failed: our own earlier write, the lease's own conditions, or the head moved under us
      // (then try again).
      const now = await this.getLease(id);
      if (!now) return undefined;
      if (hasEntries(now, written)) return now;
      if (now.timelineHead === head) return undefined;
      await jitter();
    }
    throw new Error(`lease ${id}: the timeline kept changing while appending to it`);
  }

  /** The lease's chain head; undefined for an empty chain, null when there is no such lease. */
  private async timelineHead(id: string): Promise<string | undefined | null> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: leaseKey(id),
        ConsistentRead: true,
        ProjectionExpression: 'pk, timelineHead',
      }),
    );
    if (!out.Item) return null;
    return out.Item.timelineHead as string | undefined;
  }

  private async applyUpdate(
    id: string,
    update: LeaseUpdate,
    append?: ChainAppend,
  ): Promise<LeaseRecord | undefined> {
    try {
      const out = await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leaseKey(id),
          ...leaseUpdateExpression(update, append),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as LeaseRecord;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  /**
   * Stores a task token of the workflow, sealed, unless the lease holds a newer one (or held: ranks
   * only grow, so a late or redelivered event never brings back a dead token). An unranked token,
   * from an execution started before tokens were ranked, replaces any token of a lease not
   * finished. A plain token left from before tokens were sealed goes in the same write.
   * Returns the record after the write, or undefined when the token was not newer.
   */
  async storeToken(
    id: string,
    token: { sealed: SealedToken; for: TokenFor; rank?: number },
  ): Promise<LeaseRecord | undefined> {
    const ranked = token.rank !== undefined;
    try {
      const out = await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leaseKey(id),
          UpdateExpression: `SET tokenCiphertext = :c, tokenDigest = :d, tokenFor = :f${ranked ? ', tokenRank = :r' : ''} REMOVE taskToken`,
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(tokenRank) OR tokenRank < :r)',
          ExpressionAttributeValues: {
            ':c': token.sealed.ciphertext,
            ':d': token.sealed.digest,
            ':f': token.for,
            ':r': ranked ? token.rank : FINISHED_RANK,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as LeaseRecord;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  /**
   * Forgets a token the workflow has answered (or refused as stale); a newer one is left alone. A
   * sealed token is recognised by its digest (two ciphertexts of one token differ), a plain one by
   * itself.
   */
  async dropToken(id: string, used: HeldToken): Promise<void> {
    await this.applyUpdate(id, {
      remove: [...TOKEN_ATTRIBUTES],
      condition:
        'sealed' in used
          ? { expression: 'tokenDigest = :used', values: { ':used': used.digest } }
          : { expression: 'taskToken = :used', values: { ':used': used.plain } },
    });
  }

  /**
   * Leases by requester or by status, newest first, one page at a time, for the functions' own
   * loops (its token never leaves the process; API lists page with `LedgerPages`).
   */
  async queryLeases(
    index: 'byRequester' | 'byStatus',
    value: string,
    limit: number,
    nextToken?: string,
  ): Promise<Page<LeaseRecord>> {
    const partition = LEDGER_INDEXES.find((i) => i.name === index)?.partition as string;
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: '#p = :v',
        ExpressionAttributeNames: { '#p': partition },
        ExpressionAttributeValues: { ':v': value },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: decodeToken(nextToken),
      }),
    );
    return { items: (out.Items ?? []) as LeaseRecord[], nextToken: encodeToken(out.LastEvaluatedKey) };
  }

  /**
   * Claims an idempotency key for a new lease; returns the lease id already claimed with it (and
   * the fingerprint of that request) when the key was used before.
   */
  async claimClientToken(
    key: string,
    leaseId: string,
    fingerprint: string,
  ): Promise<{ leaseId: string; fingerprint: string } | undefined> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `CLIENT#${key}`, sk: 'CLIENT', kind: 'client-token', leaseId, fingerprint },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return undefined;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const out = await this.ddb.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: `CLIENT#${key}`, sk: 'CLIENT' },
          ConsistentRead: true,
        }),
      );
      const earlier = out.Item as { leaseId: string; fingerprint: string };
      // Our own claim, replayed after its answer was lost: nobody used the key before us.
      return earlier.leaseId === leaseId ? undefined : earlier;
    }
  }

  async scanKind<T>(kind: 'tuple' | 'lease' | 'drift'): Promise<T[]> {
    const items: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.ddb.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'kind = :k',
          ExpressionAttributeValues: { ':k': kind },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      items.push(...((out.Items ?? []) as T[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

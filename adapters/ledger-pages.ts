import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PageCursor } from '../core/page-token.ts';
import { LEDGER_INDEXES, LEDGER_KEYS, type LedgerIndexName } from './ledger.ts';

/** One page of a list read from an index of the ledger, newest first. */
export interface PageQuery<T> {
  index: LedgerIndexName;
  /** Index partition values, read one after the other (each newest first). */
  partitions: readonly string[];
  /** Inclusive bounds on the index's sort attribute (ISO timestamps). */
  range?: { from?: string; to?: string };
  /** Which items of the index the list holds; the rest are read past, not returned. */
  keep?: (item: T) => boolean;
  limit: number;
  cursor?: PageCursor;
}

export interface PageOf<T> {
  items: T[];
  /** Where the next page starts; absent on the last page. */
  next?: PageCursor;
}

/**
 * Items one call may read past before it answers what it has: a selective filter then costs a
 * bounded read per request and a shorter page with a next token, never a scan of the table.
 */
export const READ_BUDGET = 1000;

/**
 * Pages through the ledger's indexes: the one way API lists read many items. A page holds at most
 * `limit` items and a next cursor only when more may follow: it reads one item past the page to
 * know, and starts the next page after the last item it returned. A page may hold fewer than
 * `limit` items (even none) when `keep` drops many; the cursor then says where reading stopped.
 */
export class LedgerPages {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async page<T extends object>(query: PageQuery<T>): Promise<PageOf<T>> {
    const index = LEDGER_INDEXES.find((i) => i.name === query.index);
    if (!index) throw new RangeError(`no ledger index ${query.index}`);
    const keyOf = (item: T): Record<string, string> =>
      Object.fromEntries(
        [LEDGER_KEYS.partition, LEDGER_KEYS.sort, index.partition, index.sort].map((k) => [
          k,
          String((item as Record<string, unknown>)[k]),
        ]),
      );
    const items: T[] = [];
    let partition = query.cursor?.partition ?? 0;
    let start: Record<string, unknown> | undefined = query.cursor?.after;
    let read = 0;
    while (partition < query.partitions.length) {
      const need = query.limit + 1 - items.length;
      const out = await this.ddb.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          ...keyCondition(index, query.partitions[partition] as string, query.range),
          ScanIndexForward: false,
          Limit: Math.min(READ_BUDGET - read, query.keep ? Math.max(need, 100) : need),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      read += out.ScannedCount ?? out.Items?.length ?? 0;
      for (const item of (out.Items ?? []) as T[]) {
        if (query.keep && !query.keep(item)) continue;
        items.push(item);
        if (items.length > query.limit) {
          const page = items.slice(0, query.limit);
          return { items: page, next: { partition, after: keyOf(page.at(-1) as T) } };
        }
      }
      if (out.LastEvaluatedKey) start = out.LastEvaluatedKey;
      else {
        partition += 1;
        start = undefined;
      }
      if (read >= READ_BUDGET && partition < query.partitions.length) {
        return {
          items,
          next: { partition, ...(start ? { after: start as Record<string, string> } : {}) },
        };
      }
    }
    return { items };
  }
}

function keyCondition(
  index: (typeof LEDGER_INDEXES)[number],
  value: string,
  range: PageQuery<never>['range'],
): Pick<
  NonNullable<ConstructorParameters<typeof QueryCommand>[0]>,
  'KeyConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
> {
  const names = { '#p': index.partition, '#s': index.sort };
  const from = range?.from;
  const to = range?.to;
  if (from && to)
    return {
      KeyConditionExpression: '#p = :v AND #s BETWEEN :from AND :to',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':v': value, ':from': from, ':to': to },
    };
  if (from || to)
    return {
      KeyConditionExpression: `#p = :v AND #s ${from ? '>=' : '<='} :bound`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':v': value, ':bound': from ?? to },
    };
  return {
    KeyConditionExpression: '#p = :v',
    ExpressionAttributeNames: { '#p': index.partition },
    ExpressionAttributeValues: { ':v': value },
  };
}

import type { Caller } from '../adapters/directory.ts';
import type { PageQuery } from '../adapters/ledger-pages.ts';
import { ValidationError } from '../core/errors.ts';
import { pageBinding } from '../core/page-token.ts';
import type { ServiceContext } from './context.ts';

export type Query = Readonly<Record<string, string | undefined>>;

export interface ListPage<T> {
  items: T[];
  /** Sent as `x-next-token`; absent on the last page. */
  nextToken?: string;
}

/** `?limit=`: a whole number within the list's bounds, 400 naming `limit` otherwise. */
export function pageLimit(query: Query, bounds: { fallback: number; max: number }): number {
  if (query.limit === undefined) return bounds.fallback;
  const limit = Number(query.limit);
  if (!/^\d+$/.test(query.limit) || !Number.isSafeInteger(limit) || limit < 1 || limit > bounds.max) {
    throw new ValidationError('limit', `must be a whole number from 1 to ${bounds.max}`);
  }
  return limit;
}

/**
 * One page of a list for this caller. The page token is bound to the caller, the list and every
 * value that selects its items (index, partitions, range and `selection`, e.g. the filters applied
 * in code), so it cannot be replayed by someone else or for another query: that is 400 `nextToken`.
 */
export async function listPage<T extends object>(
  ctx: ServiceContext,
  caller: Caller,
  list: string,
  query: Query,
  bounds: { fallback: number; max: number },
  page: Omit<PageQuery<T>, 'cursor' | 'limit'> & { selection?: readonly (string | undefined)[] },
): Promise<ListPage<T>> {
  const limit = pageLimit(query, bounds);
  const { selection = [], ...read } = page;
  const binding = pageBinding(caller.userId, list, [
    read.index,
    ...read.partitions,
    read.range?.from,
    read.range?.to,
    ...selection,
  ]);
  const cursor =
    query.nextToken === undefined ? undefined : await ctx.pageTokens.open(binding, query.nextToken);
  const out = await ctx.pages.page<T>({ ...read, limit, ...(cursor ? { cursor } : {}) });
  return {
    items: out.items,
    ...(out.next ? { nextToken: await ctx.pageTokens.seal(binding, out.next) } : {}),
  };
}

/** `?from=` / `?to=`: ISO 8601 with a time zone, normalised; `to` before `from` is 400 `to`. */
export function timeRange(query: Query): { from?: string; to?: string } {
  const instant = (field: 'from' | 'to') => {
    const value = query[field];
    if (value === undefined) return undefined;
    const time = Date.parse(value);
    if (Number.isNaN(time) || !/[zZ]|[+-]\d\d:?\d\d$/.test(value)) {
      throw new ValidationError(field, 'must be an ISO 8601 timestamp with a time zone');
    }
    return new Date(time).toISOString();
  };
  const from = instant('from');
  const to = instant('to');
  if (from && to && to < from) throw new ValidationError('to', 'must not be before from');
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

import { createHash } from 'node:crypto';
import type { TimelineEntry } from './lease.ts';

/**
 * The lease timeline as a hash chain: each entry's hash covers its content and the hash before
 * it, and the lease record keeps the last hash (its head). Editing, deleting or reordering an
 * entry changes a hash that no longer matches; dropping entries from the end leaves a head that
 * matches nothing. The chain starts from a value derived from the lease id, so entries cannot be
 * moved between leases either.
 */

/** An entry as stored: what the API shows plus the chain link. */
export type ChainedEntry = TimelineEntry & { hash: string };

const VERSION = 'idc-lease/timeline/v1';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * JSON with object keys sorted at every level, so the hash depends on the content alone and not
 * on the order DynamoDB or a JSON encoder returns attributes in. `undefined` members are dropped,
 * as JSON.stringify (and the DynamoDB marshaller) drops them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value instanceof Set) return canonicalJson([...value].sort());
  const members = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${members.join(',')}}`;
}

/** Where a lease's chain starts. */
export const genesis = (leaseId: string): string => sha256(`${VERSION}\n${leaseId}`);

const contentOf = (entry: TimelineEntry | ChainedEntry): TimelineEntry => {
  const { hash: _hash, ...content } = entry as ChainedEntry;
  return content;
};

export const entryHash = (previous: string, entry: TimelineEntry): string =>
  sha256(`${previous}\n${canonicalJson(contentOf(entry))}`);

/** Links new entries after `head` (the genesis when the timeline is empty); returns them and the new head. */
export function link(
  leaseId: string,
  head: string | undefined,
  entries: readonly TimelineEntry[],
): { entries: ChainedEntry[]; head: string } {
  let previous = head ?? genesis(leaseId);
  const linked = entries.map((entry) => {
    const hash = entryHash(previous, entry);
    previous = hash;
    return { ...contentOf(entry), hash };
  });
  return { entries: linked, head: previous };
}

export type ChainProblem =
  | 'missing hash'
  | 'hash mismatch: the entry was edited, removed before it, or moved'
  | 'head mismatch: entries were removed from the end'
  | 'no head: the record lost its chain head';

export interface ChainCheck {
  ok: boolean;
  checkedEntries: number;
  /** The first entry that fails, by its position in the stored timeline (length: the head). */
  bad?: { index: number; problem: ChainProblem };
}

/** Recomputes a lease's chain over its stored timeline, in stored order, and compares the head. */
export function verifyChain(
  leaseId: string,
  timeline: readonly (TimelineEntry | ChainedEntry)[],
  head: string | undefined,
): ChainCheck {
  let previous = genesis(leaseId);
  for (const [index, entry] of timeline.entries()) {
    const stored = (entry as Partial<ChainedEntry>).hash;
    if (typeof stored !== 'string')
      return { ok: false, checkedEntries: index, bad: { index, problem: 'missing hash' } };
    if (stored !== entryHash(previous, entry))
      return {
        ok: false,
        checkedEntries: index,
        bad: { index, problem: 'hash mismatch: the entry was edited, removed before it, or moved' },
      };
    previous = stored;
  }
  const checkedEntries = timeline.length;
  if (head === undefined && timeline.length > 0)
    return {
      ok: false,
      checkedEntries,
      bad: { index: checkedEntries, problem: 'no head: the record lost its chain head' },
    };
  if (head !== undefined && head !== previous)
    return {
      ok: false,
      checkedEntries,
      bad: { index: checkedEntries, problem: 'head mismatch: entries were removed from the end' },
    };
  return { ok: true, checkedEntries };
}

import type { TimelineEntry } from '../core/lease.ts';
import type { LeaseStatus } from '../core/lease-status.ts';

export interface LeaseUpdate {
  status?: LeaseStatus;
  /** The update applies only while the lease is in one of these statuses. */
  from?: readonly LeaseStatus[];
  set?: Record<string, unknown>;
  remove?: readonly string[];
  timeline?: readonly TimelineEntry[];
  /** Idempotency for at-least-once delivery: an event id applies once. */
  eventId?: string;
  /** Extra condition on the record, in DynamoDB syntax, with its own values (and names, if any). */
  condition?: { expression: string; values: Record<string, unknown>; names?: Record<string, string> };
}

/** Timeline entries already linked into the lease's hash chain, and the head they extend. */
export interface ChainAppend {
  entries: readonly TimelineEntry[];
  /** The head the entries were linked after; undefined for an empty chain. */
  from: string | undefined;
  /** The head once they are appended. */
  to: string;
}

/**
 * One UpdateItem for a lease: its SET/REMOVE/ADD clauses and the conditions that must hold
 * (the record exists, its status, the event not yet applied, the chain head unchanged).
 * `update.timeline` is ignored here: timeline entries arrive linked, as `append`.
 */
export function leaseUpdateExpression(update: LeaseUpdate, append?: ChainAppend) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  const adds: string[] = [];
  const conditions = ['attribute_exists(pk)'];
  const name = (path: string) =>
    path
      .split('.')
      .map((part) => {
        const key = `#${part.replace(/[^A-Za-z0-9]/g, '_')}`;
        names[key] = part;
        return key;
      })
      .join('.');
  let i = 0;
  const value = (v: unknown) => {
    const key = `:v${i++}`;
    values[key] = v;
    return key;
  };
  if (update.status) sets.push(`${name('status')} = ${value(update.status)}`);
  for (const [path, v] of Object.entries(update.set ?? {})) sets.push(`${name(path)} = ${value(v)}`);
  if (append) {
    sets.push(
      `${name('timeline')} = list_append(if_not_exists(${name('timeline')}, ${value([])}), ${value(append.entries)})`,
      `${name('timelineHead')} = ${value(append.to)}`,
    );
    conditions.push(
      append.from === undefined
        ? `attribute_not_exists(${name('timelineHead')})`
        : `${name('timelineHead')} = ${value(append.from)}`,
    );
  }
  for (const path of update.remove ?? []) removes.push(name(path));
  if (update.from) conditions.push(`${name('status')} IN (${update.from.map((s) => value(s)).join(', ')})`);
  if (update.eventId) {
    const ev = value(update.eventId);
    conditions.push(`NOT contains(${name('appliedEvents')}, ${ev})`);
    adds.push(`${name('appliedEvents')} ${value(new Set([update.eventId]))}`);
  }
  if (update.condition) {
    conditions.push(`(${update.condition.expression})`);
    Object.assign(values, update.condition.values);
    Object.assign(names, update.condition.names ?? {});
  }
  return {
    UpdateExpression: [
      sets.length ? `SET ${sets.join(', ')}` : '',
      removes.length ? `REMOVE ${removes.join(', ')}` : '',
      adds.length ? `ADD ${adds.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' '),
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    // DynamoDB refuses an empty map (an update that only removes, without values).
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

/** One (principal, account, permission set) as the reconciler sees it. */
export interface ObservedTuple {
  /** The assignment exists in Identity Center right now. */
  assigned: boolean;
  /** Nothing in the ledger: the tool never held or created this tuple. */
  known: boolean;
  /** The tool found it already assigned when a lease first held it: never ours to delete. */
  standing: boolean;
  holders: readonly string[];
  deleting?: string;
}

export type Verdict =
  | { kind: 'ok' }
  | { kind: 'out-of-band' }
  | { kind: 'remove'; deadHolders: string[]; staleDeleter?: string }
  | { kind: 'forget-holders'; deadHolders: string[] };

/**
 * Decides what to do with one tuple, given which leases are still alive (RUNNING execution, lease
 * not terminal). Never removes what the tool does not own: unknown or standing assignments are
 * only reported. Removes an owned assignment only when no live lease holds or deletes it.
 */
export function judge(tuple: ObservedTuple, alive: (leaseId: string) => boolean): Verdict {
  const deadHolders = tuple.holders.filter((id) => !alive(id));
  const liveHolders = tuple.holders.length - deadHolders.length;
  if (tuple.assigned && (!tuple.known || (tuple.standing && tuple.holders.length === 0))) {
    return tuple.known ? { kind: 'ok' } : { kind: 'out-of-band' };
  }
  if (tuple.standing)
    return deadHolders.length > 0 ? { kind: 'forget-holders', deadHolders } : { kind: 'ok' };
  const deleterAlive = tuple.deleting !== undefined && alive(tuple.deleting);
  if (liveHolders > 0 || deleterAlive) {
    return deadHolders.length > 0 ? { kind: 'forget-holders', deadHolders } : { kind: 'ok' };
  }
  if (!tuple.assigned) {
    return deadHolders.length > 0 || tuple.deleting
      ? { kind: 'forget-holders', deadHolders }
      : { kind: 'ok' };
  }
  return { kind: 'remove', deadHolders, ...(tuple.deleting ? { staleDeleter: tuple.deleting } : {}) };
}

import type { LeaseRecord } from '../core/lease.ts';
import { isTerminal } from '../core/lease-status.ts';
import type { StormWorld } from './storm-world.ts';

/**
 * When a lease's access began to end: its revocation's start (the workflow's Delete, or the
 * reconciler's end) as the timeline records it, else its end.
 */
const endOfAccess = (r: LeaseRecord): string | undefined =>
  r.timeline.find((e) => e.type === 'REVOKE_STARTED')?.at ?? r.endedAt;

/**
 * Cut short: a lease nobody revoked that did not get its whole term. It was never granted (or
 * its request never became a lease), its assignment was seen missing while it was ACTIVE before
 * its expiry, or its access began to end before its (last recorded) expiry.
 */
export const cutShort = (r: LeaseRecord, gap: boolean): boolean => {
  const end = endOfAccess(r);
  return !r.grantedAt || !r.expiresAt || gap || !end || Date.parse(end) < Date.parse(r.expiresAt);
};

/** One entry of the emulator's log of Identity Center calls (`/_idc/calls`). */
export interface IdcCall {
  action: string;
  principalId?: string;
  accountId?: string;
  at: number;
  error?: string;
}

/**
 * The figures, from the lease records at the end, what Identity Center holds then, and its log of
 * calls (a foreign assignment deleted and made again would not show in the end state alone).
 */
export function count(world: StormWorld, end: Record<string, Set<string>>, calls: readonly IdcCall[]) {
  let short = world.refused;
  let unfinished = 0;
  let overrun = 0;
  for (const [id, t] of world.tracked) {
    const r = world.records.get(id);
    if (!r || !isTerminal(r.status)) {
      unfinished++;
      continue;
    }
    const access = endOfAccess(r);
    if (t.revokedAt !== undefined) continue;
    if (r.expiresAt && access)
      overrun = Math.max(overrun, (Date.parse(access) - Date.parse(r.expiresAt)) / 1000);
    if (cutShort(r, world.gaps.has(id))) short++;
  }
  const stormUsers = new Set([...world.tracked.values()].map((t) => world.userId(t.user)));
  const held = Object.entries(end).flatMap(([accountId, ids]) => [...ids].map((p) => ({ accountId, p })));
  const leftovers = held.filter(
    ({ accountId, p }) => stormUsers.has(p) && !world.foreign.has(`${accountId}#${p}`),
  );
  const foreignDeleted = [...world.foreign].flatMap(([key, since]) => {
    const [accountId, p] = key.split('#') as [string, string];
    const deleted = calls.some(
      (c) =>
        c.action === 'DeleteAccountAssignment' &&
        !c.error &&
        c.principalId === p &&
        c.accountId === accountId &&
        c.at * 1000 > since,
    );
    return deleted || !end[accountId]?.has(p) ? [key] : [];
  });
  return {
    figures: {
      faultStormLeases: world.requested,
      faultStormLeftovers: leftovers.length,
      faultStormForeignDeleted: foreignDeleted.length,
      faultStormCutShort: short,
      faultStormUnfinished: unfinished,
      faultStormOverrunSecondsMax: Math.round(overrun * 10) / 10,
    },
    leftovers: leftovers.map((l) => `${l.accountId}#${l.p}`),
    foreignDeleted,
  };
}

/** What went wrong, lease by lease, for whoever reads the bench's log. */
export function diagnose(world: StormWorld, log: (line: string) => void, found: ReturnType<typeof count>) {
  const describe = (r: LeaseRecord) =>
    `${r.id} ${world.tracked.get(r.id)?.kind} ${r.status}${r.endReason ? `/${r.endReason}` : ''}` +
    `${r.failure ? ` ${r.failure.stage} ${r.failure.error}: ${r.failure.cause.slice(0, 160)}` : ''}` +
    ` expires ${r.expiresAt} timeline ${r.timeline.map((e) => `${e.type}@${e.at.slice(11, 23)}`).join(' ')}`;
  for (const [id, t] of world.tracked) {
    const r = world.records.get(id);
    if (r && world.reconciled.has(id)) log(`storm: left to the reconciler ${describe(r)}`);
    if (!r) log(`storm: ${id} has no record`);
    else if (!isTerminal(r.status)) log(`storm: unfinished ${describe(r)}`);
    else if (t.revokedAt === undefined && cutShort(r, world.gaps.has(id)))
      log(`storm: cut short ${describe(r)}`);
    else if (r.status === 'FAILED') log(`storm: failed ${describe(r)}`);
    else if (t.extendAsked && !r.extensions)
      log(
        `storm: not extended (answered ${t.extendAnswer}) ${describe(r)} extension ${JSON.stringify(r.extension)} token ${r.tokenFor}/${r.tokenRank}/${r.taskToken ? 'kept' : 'none'}`,
      );
    else {
      const access = endOfAccess(r);
      if (r.expiresAt && access && Date.parse(access) - Date.parse(r.expiresAt) > 5000)
        log(`storm: overran ${describe(r)}`);
    }
  }
  const named = (key: string) => {
    const [accountId, p] = key.split('#') as [string, string];
    const leases = [...world.records.values()].filter(
      (r) => r.principalId === p && r.accountId === accountId,
    );
    return `${accountId}#${world.userOf(p)}: ${leases.map(describe).join('; ')}`;
  };
  for (const key of found.leftovers) log(`storm: leftover assignment ${named(key)}`);
  for (const key of found.foreignDeleted) log(`storm: foreign assignment deleted ${named(key)}`);
}

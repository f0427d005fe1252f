/**
 * The fault storm (issue 10, "Done when"): 100 leases of every kind (`bench/storm-plan.ts`) while
 * every call kind the issue names is committed and then answered with an error at random, and
 * PutEvents also fails entries and delivers some twice, under Identity Center's quotas. Then
 * everything ends, the reconciler runs (and the execution-ended triggers drain), and the storm
 * counts what the engine promises (`bench/storm-count.ts`):
 * - `faultStormLeftovers`: assignments the tool created that are still there;
 * - `faultStormForeignDeleted`: standing or out-of-band assignments that are gone;
 * - `faultStormCutShort`: leases nobody revoked that did not get their whole term;
 * - `faultStormUnfinished`: leases not in a final status at the end;
 * - `faultStormOverrunSecondsMax`: how long after its expiry an expired lease's revocation began;
 * - `faultStormReconcilerRemoved`: assignments the reconciler removed (a workflow left them);
 * - `faultStormFaultsFired`, `faultStormSeconds`: how many answers were lost, and how long it took.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReconcileReport } from '../core/reconcile.ts';
import { NAMES } from '../local/provision.ts';
import { startLocalRuntime } from '../local/runtime.ts';
import { whenQueuesEmpty } from './queues.ts';
import { count, diagnose, type IdcCall } from './storm-count.ts';
import {
  AUTO,
  GATED,
  leaseCount,
  type Play,
  type PlayKind,
  plan,
  STORM_POLICY,
  stormFaults,
  stormSeed,
} from './storm-plan.ts';
import { StormWorld, sleep } from './storm-world.ts';

export interface StormOptions {
  /** The share of each call kind's calls whose answer is lost. @default 0.1 */
  probability?: number;
  seed?: number;
  /** Plays start spread over this long. @default 90 s: the local ledger writer (one poller) falls minutes behind a tighter start */
  spreadMs?: number;
  /** Only these parts (to look at one part's defect alone). @default all */
  kinds?: readonly PlayKind[];
}

/** What each part does with its leases (`PlayKind` says what they are for). */
const PLAYS: Record<
  PlayKind,
  (w: StormWorld, play: Play, index: number, log: (s: string) => void) => Promise<unknown>
> = {
  auto: async (w, p) => w.finished(await w.request(p, AUTO, 'PT25S')),
  standing: async (w, p) => w.finished(await w.request(p, AUTO, 'PT20S')),
  scheduled: async (w, p) =>
    w.finished(await w.request(p, AUTO, 'PT20S', { startAt: new Date(Date.now() + 12_000).toISOString() })),
  approved: async (w, p, _i, log) => {
    const id = await w.request(p, GATED, 'PT25S');
    await w.until(
      id,
      (r) => r.status !== 'PENDING_APPROVAL' || r.timeline.some((e) => e.type === 'APPROVAL_REQUESTED'),
    );
    const res = await w.api('approver', 'POST', `/leases/${id}/approve`, {});
    if (res.status !== 200) log(`storm: approve ${id} answered ${res.status} ${res.body.error?.message}`);
    return w.finished(id);
  },
  extended: async (w, p, _i, log) => {
    // Long enough that the ledger, behind the faults' redeliveries, shows it ACTIVE well before its end.
    const id = await w.request(p, AUTO, 'PT60S');
    await w.until(id, (r) => r.status === 'ACTIVE' && r.expiresAt !== undefined);
    // Asked again while the API says the extension is not applied yet (the retry follows it).
    const t = w.tracked.get(id);
    if (t) t.extendAsked = true;
    for (let attempt = 0; attempt < 6; attempt++) {
      const res = await w.api(p.user, 'POST', `/leases/${id}/extend`, { duration: 'PT15S' });
      if (t) t.extendAnswer = res.status;
      if (res.status === 200) break;
      log(`storm: extend ${id} answered ${res.status} ${res.body.error?.message}`);
      if (res.status !== 409 || !res.body.error?.message.includes('not applied yet')) break;
      await sleep(1000);
    }
    return w.finished(id);
  },
  revoked: async (w, p, _i, log) => {
    const id = await w.request(p, AUTO, 'PT2M');
    await w.until(id, (r) => r.status === 'ACTIVE');
    await sleep(5000);
    const t = w.tracked.get(id);
    if (t) t.revokedAt = Date.now();
    const res = await w.api(p.user, 'POST', `/leases/${id}/revoke`, { reason: 'storm' });
    if (res.status !== 200) log(`storm: revoke ${id} answered ${res.status} ${res.body.error?.message}`);
    return w.finished(id);
  },
  shared: async (w, p, i) => {
    const first = await w.request(p, AUTO, 'PT30S');
    await sleep(4000);
    // Half the joiners outlive the first holder, half end before it.
    const second = await w.request(p, AUTO, i % 2 === 0 ? 'PT40S' : 'PT15S');
    return Promise.all([w.finished(first), w.finished(second)]);
  },
  outOfBand: async (w, p) => {
    await w.finished(await w.request(p, AUTO, 'PT15S'));
    const deadline = Date.now() + 60_000;
    while ((await w.assigned(AUTO)).has(w.userId(p.user)) && Date.now() < deadline) await sleep(1000);
    await w.assignDirectly(p.user);
    return w.finished(await w.request(p, AUTO, 'PT15S'));
  },
  drift: (w, p) => w.assignDirectly(p.user),
};

export async function benchStorm(
  log: (line: string) => void,
  options: StormOptions = {},
): Promise<Record<string, number>> {
  const probability = options.probability ?? 0.1;
  const seed = options.seed ?? 7;
  const plays = plan(seed, options.spreadMs ?? 90_000).filter(
    (p) => !options.kinds || options.kinds.includes(p.kind),
  );
  const dir = mkdtempSync(join(tmpdir(), 'idc-lease-storm-'));
  writeFileSync(join(dir, 'seed.json'), JSON.stringify(stormSeed(plays)));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(STORM_POLICY));
  const runtime = await startLocalRuntime({
    seed: join(dir, 'seed.json'),
    policy: join(dir, 'policy.json'),
    port: 0,
    logLevel: 'SILENT',
    console: false,
  });
  const world = new StormWorld(runtime, log);
  const { awsEndpoint } = runtime.info;
  try {
    for (const p of plays)
      if (p.kind === 'standing') world.foreign.set(`${AUTO.accountId}#${world.userId(p.user)}`, 0);
    await fetch(`${awsEndpoint}/_idc/faults`, {
      method: 'POST',
      body: JSON.stringify({ limits: { tps: 20, outstanding: 10, completionMs: 1000 } }),
    });
    const injected = await fetch(`${awsEndpoint}/_faults`, {
      method: 'POST',
      body: JSON.stringify({ rules: stormFaults(probability, seed) }),
    });
    if (!injected.ok) throw new Error(`fault rules refused: ${await injected.text()}`);
    log(`storm: ${plays.length} plays, ${leaseCount()} leases, answers lost at ${probability} …`);
    const start = Date.now();
    const seen = new Map<PlayKind, number>();
    const results = await Promise.allSettled(
      plays.map(async (play) => {
        const index = seen.get(play.kind) ?? 0;
        seen.set(play.kind, index + 1);
        await sleep(play.offsetMs);
        return PLAYS[play.kind](world, play, index, log);
      }),
    );
    for (const r of results)
      if (r.status === 'rejected') log(`storm: a play failed: ${(r.reason as Error).message}`);
    log(`storm: plays done after ${Math.round((Date.now() - start) / 1000)} s; reconciling …`);
    const reconciled = await settle(world, log);
    await world.refresh();
    const calls = (await (await fetch(`${awsEndpoint}/_idc/calls`)).json()) as { calls: IdcCall[] };
    const found = count(world, await world.holdings(), calls.calls);
    diagnose(world, log, found);
    const rules = ((await (await fetch(`${awsEndpoint}/_faults`)).json()) as { rules: { fired: number }[] })
      .rules;
    return {
      ...found.figures,
      faultStormFaultsFired: rules.reduce((sum, r) => sum + r.fired, 0),
      faultStormReconcilerRemoved: reconciled,
      faultStormSeconds: Math.round((Date.now() - start) / 100) / 10,
    };
  } finally {
    await world.stop();
    await runtime.stop();
  }
}

/**
 * Reconciles (as an administrator would, asked again while a run reports a tuple it could not
 * settle), then lets the execution-ended triggers drain. The faults stay on throughout.
 */
async function settle(world: StormWorld, log: (line: string) => void): Promise<number> {
  let removed = 0;
  for (let run = 1; run <= 6; run++) {
    const res = await world.api('admin', 'POST', '/admin/reconcile');
    const report = res.body as unknown as ReconcileReport;
    removed += report.removed?.length ?? 0;
    for (const f of report.removed ?? []) for (const id of f.leaseIds ?? []) world.reconciled.add(id);
    log(
      `storm: reconcile ${run}: ${res.status}, removed ${JSON.stringify(report.removed?.map((f) => f.leaseIds))}, failed ${JSON.stringify(report.failed)}`,
    );
    if (res.status === 200 && report.failed.length === 0) break;
  }
  if (!(await whenQueuesEmpty(world.aws.sqs, [NAMES.reconcilerQueue], 180_000))) {
    log('storm: execution-ended triggers still queued after 3 minutes');
  }
  return removed;
}

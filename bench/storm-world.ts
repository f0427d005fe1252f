import { randomUUID } from 'node:crypto';
import { CreateAccountAssignmentCommand, paginateListAccountAssignments } from '@aws-sdk/client-sso-admin';
import { type AwsClients, createClients } from '../adapters/clients.ts';
import { Ledger } from '../adapters/ledger.ts';
import type { LeaseRecord } from '../core/lease.ts';
import { isTerminal } from '../core/lease-status.ts';
import type { LocalRuntime } from '../local/runtime.ts';
import { AUTO, GATED, type Play, type PlayKind, type Target } from './storm-plan.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long one lease may take from request to its final status before it counts as unfinished. */
const LEASE_DEADLINE_MS = 360_000;

export interface Tracked {
  kind: PlayKind;
  user: string;
  /** When the storm asked for its revoke: from then on its access may end. */
  revokedAt?: number;
  /** An extension was asked for, and the API's last answer to it. */
  extendAsked?: boolean;
  extendAnswer?: number;
}

export type Reply = { status: number; body: LeaseRecord & { error?: { message: string } } };

/**
 * What the storm knows of the runtime it storms: the API as its users call it (a 5xx asked
 * again, as a client does), the lease records (one ledger scan a second serves every play), what
 * Identity Center holds, and the gaps: an ACTIVE lease, not revoked and not near its expiry,
 * whose assignment was missing.
 */
export class StormWorld {
  readonly aws: AwsClients;
  readonly ledger: Ledger;
  readonly tracked = new Map<string, Tracked>();
  readonly records = new Map<string, LeaseRecord>();
  readonly gaps = new Set<string>();
  /** Leases whose assignment the reconciler had to remove (their workflow left it). */
  readonly reconciled = new Set<string>();
  /**
   * Tuples (`account#principal`) the tool did not create, standing or an administrator's, and
   * since when (ms): no DeleteAccountAssignment of them may follow.
   */
  readonly foreign = new Map<string, number>();
  /** Who each principal id is, for the log. */
  userOf = (principalId: string) =>
    Object.entries(this.runtime.info.userIds).find(([, id]) => id === principalId)?.[0] ?? principalId;
  /** Requests that never got a lease, even asked again. */
  refused = 0;
  requested = 0;
  private watching = true;
  private readonly watcher: Promise<void>;

  constructor(
    readonly runtime: LocalRuntime,
    private readonly log: (line: string) => void,
  ) {
    this.aws = createClients({ region: runtime.info.region, endpoint: runtime.info.awsEndpoint });
    this.ledger = new Ledger(this.aws.ddb, runtime.info.tableName);
    this.watcher = this.watch();
  }

  userId = (user: string) => this.runtime.info.userIds[user] as string;

  async api(user: string, method: string, path: string, body?: unknown): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${this.runtime.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-lease-user': user },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }).catch(() => undefined);
      // A 5xx is worth asking again (the same request, the same clientToken), as a client does.
      if (res && (res.status < 500 || attempt >= 10))
        return { status: res.status, body: (await res.json()) as Reply['body'] };
      if (res) this.log(`storm: ${method} ${path} answered ${res.status}; asking again`);
      await sleep(1000);
    }
  }

  /** Requests a lease with a clientToken, asked again on 5xx and on "still being processed". */
  async request(play: Play, target: Target, duration: string, extra: Record<string, unknown> = {}) {
    this.requested++;
    const body = { ...target, duration, justification: 'storm', clientToken: randomUUID(), ...extra };
    for (let attempt = 1; ; attempt++) {
      const res = await this.api(play.user, 'POST', '/leases', body);
      if (res.status === 201 || res.status === 200) {
        this.tracked.set(res.body.id, { kind: play.kind, user: play.user });
        return res.body.id;
      }
      this.log(`storm: POST /leases for ${play.user} answered ${res.status} ${res.body.error?.message}`);
      if (res.status !== 409 || attempt >= 5) {
        this.refused++;
        throw new Error(`POST /leases ${res.status}`);
      }
      await sleep(2000);
    }
  }

  async until(id: string, done: (r: LeaseRecord) => boolean): Promise<LeaseRecord | undefined> {
    const deadline = Date.now() + LEASE_DEADLINE_MS;
    for (;;) {
      const r = this.records.get(id);
      if (r && done(r)) return r;
      if (Date.now() > deadline) return undefined;
      await sleep(500);
    }
  }

  finished = (id: string) => this.until(id, (r) => isTerminal(r.status));

  /** The USER principals Identity Center assigns the target's permission set on its account. */
  async assigned(target: Target): Promise<Set<string>> {
    const { info } = this.runtime;
    const ids = new Set<string>();
    const pages = paginateListAccountAssignments(
      { client: this.aws.ssoAdmin },
      {
        InstanceArn: info.instanceArn,
        AccountId: target.accountId,
        PermissionSetArn: info.permissionSets[target.permissionSet],
      },
    );
    for await (const page of pages)
      for (const a of page.AccountAssignments ?? []) if (a.PrincipalId) ids.add(a.PrincipalId);
    return ids;
  }

  async holdings(): Promise<Record<string, Set<string>>> {
    return { [AUTO.accountId]: await this.assigned(AUTO), [GATED.accountId]: await this.assigned(GATED) };
  }

  /** An administrator's direct assignment; its call may lose its answer too, so asked until listed. */
  async assignDirectly(user: string): Promise<void> {
    const { info } = this.runtime;
    const principalId = this.userId(user);
    if ((await this.assigned(AUTO)).has(principalId))
      this.log(`storm: ${user}'s assignment is still there before the administrator's`);
    this.foreign.set(`${AUTO.accountId}#${principalId}`, Date.now());
    for (let attempt = 0; attempt < 20 && !(await this.assigned(AUTO)).has(principalId); attempt++) {
      await this.aws.ssoAdmin
        .send(
          new CreateAccountAssignmentCommand({
            InstanceArn: info.instanceArn,
            TargetId: AUTO.accountId,
            TargetType: 'AWS_ACCOUNT',
            PermissionSetArn: info.permissionSets[AUTO.permissionSet],
            PrincipalType: 'USER',
            PrincipalId: principalId,
          }),
        )
        .catch(() => undefined);
      await sleep(1500);
    }
  }

  async refresh(): Promise<void> {
    for (const r of await this.ledger.scanKind<LeaseRecord>('lease')) this.records.set(r.id, r);
  }

  async stop(): Promise<void> {
    this.watching = false;
    await this.watcher.catch(() => undefined);
  }

  private async watch(): Promise<void> {
    for (let round = 0; this.watching; round++) {
      const started = Date.now();
      // Gently: the storm's own reads load the one-process emulator too.
      await this.refresh().catch(() => undefined);
      if (round % 2 === 0) await this.lookForGaps(started).catch(() => undefined);
      await sleep(Math.max(0, 2000 - (Date.now() - started)));
    }
  }

  /** ACTIVE leases granted before this round, not revoked, their expiry more than a second away. */
  private async lookForGaps(started: number): Promise<void> {
    const holding = [...this.records.values()].filter((r) => {
      const t = this.tracked.get(r.id);
      return (
        t?.revokedAt === undefined &&
        t !== undefined &&
        r.status === 'ACTIVE' &&
        r.grantedAt !== undefined &&
        Date.parse(r.grantedAt) < started
      );
    });
    const now = await this.holdings();
    for (const r of holding) {
      if (!r.expiresAt || Date.parse(r.expiresAt) <= Date.now() + 1000) continue;
      if (this.tracked.get(r.id)?.revokedAt !== undefined) continue;
      if (!now[r.accountId]?.has(r.principalId)) {
        this.gaps.add(r.id);
        this.log(`storm: ${r.id} is ACTIVE until ${r.expiresAt} but its assignment is missing`);
      }
    }
  }
}

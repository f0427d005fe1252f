import { needsCreationReport, ownedAtRelease } from '../../core/ownership.ts';
import { judge } from '../../core/reconcile.ts';

/**
 * A model of one tuple: Identity Center's truth, the ledger's tuple item, and the leases acting on
 * it, with the workflow's writes as the ASL makes them (Acquire, Join, AcquireStanding, ReleaseLast,
 * ReleaseShared) and the reconciler's verdicts from the real `judge`/`ownership`. Time is the step.
 */
export type CreateOutcome = 'ok' | 'fail' | 'lostOk' | 'lostFail' | 'stuck';
export type Op =
  | { kind: 'request' }
  | { kind: 'create'; pick: number; outcome: CreateOutcome }
  | { kind: 'complete'; pick: number; ok: boolean }
  | { kind: 'check'; pick: number }
  | { kind: 'activate'; pick: number }
  | { kind: 'end'; pick: number; deleteFails: boolean }
  | { kind: 'writerEnded'; pick: number }
  | { kind: 'die'; pick: number }
  | { kind: 'adminAssign' }
  | { kind: 'reconcile' };

interface Request {
  kind: 'create' | 'delete';
  status: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';
  at: number;
  leaseId?: string;
}

interface Lease {
  id: string;
  role: 'creator' | 'joiner' | 'standing';
  running: boolean;
  holding: boolean;
  /** ACTIVE: the workflow saw the assignment exist (its create SUCCEEDED, or it was listed). */
  active: boolean;
  /** What the lease's own create answered; LOST when the answer never came. */
  own?: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS' | 'LOST';
  request?: Request;
  endedCleanly: boolean;
  acquiredAt?: number;
  stoppedAt?: number;
}

interface Tuple {
  holders: Set<string>;
  standing?: boolean;
  creator?: string;
  creatorAt?: number;
  creators: Set<string>;
  createdBy?: string;
  deleting?: string;
  deletingAt?: number;
}

export class TupleModel {
  t = 0;
  assigned = false;
  /** Ground truth: the assignment that exists now came from a create of the tool's that SUCCEEDED. */
  byTool = false;
  readonly requests: Request[] = [];
  readonly leases: Lease[] = [];
  readonly tuple: Tuple = { holders: new Set(), creators: new Set() };
  readonly violations: string[] = [];

  private pick(n: number, ok: (l: Lease) => boolean): Lease | undefined {
    const candidates = this.leases.filter(ok);
    return candidates[n % Math.max(1, candidates.length)];
  }

  private stop(l: Lease, cleanly: boolean) {
    l.running = false;
    l.endedCleanly = cleanly;
    l.stoppedAt = this.t;
  }

  private toolDeletes(by: string) {
    if (!this.byTool)
      this.violations.push(`${by} deleted an assignment the tool did not create (t=${this.t})`);
    this.assigned = false;
    this.byTool = false;
    this.requests.push({ kind: 'delete', status: 'SUCCEEDED', at: this.t });
  }

  private clear(deleter?: string) {
    const tu = this.tuple;
    if (deleter !== undefined && tu.deleting !== deleter) return;
    tu.deleting = tu.deletingAt = tu.creator = tu.creatorAt = tu.createdBy = undefined;
    tu.creators.clear();
  }

  apply(op: Op): void {
    this.t++;
    const tu = this.tuple;
    switch (op.kind) {
      case 'request': {
        const id = `l${this.leases.length}`;
        const base = { id, running: true, holding: true, active: false, endedCleanly: false };
        if (tu.holders.size === 0 && !tu.deleting && !this.assigned) {
          tu.holders.add(id);
          Object.assign(tu, { standing: false, creator: id, creatorAt: this.t, createdBy: undefined });
          tu.creators.add(id);
          this.leases.push({ ...base, role: 'creator', acquiredAt: this.t });
        } else if (!tu.deleting && (tu.holders.size > 0 || (tu.creator && this.assigned))) {
          tu.holders.add(id);
          this.leases.push({ ...base, role: 'joiner', active: this.assigned });
        } else if (tu.holders.size === 0 && !tu.deleting && !tu.creator && this.assigned) {
          tu.holders.add(id);
          tu.standing = true;
          this.leases.push({ ...base, role: 'standing', active: true });
        }
        // Otherwise the lease waits for a deletion in progress: nothing happens yet.
        return;
      }
      case 'create': {
        const l = this.pick(op.pick, (x) => x.role === 'creator' && x.running && !x.own && x.holding);
        if (!l) return;
        const status =
          op.outcome === 'ok' || op.outcome === 'lostOk'
            ? 'SUCCEEDED'
            : op.outcome === 'stuck'
              ? 'IN_PROGRESS'
              : 'FAILED';
        const request: Request = { kind: 'create', status, at: this.t, leaseId: l.id };
        this.requests.push(request);
        if (status === 'SUCCEEDED' && !this.assigned) this.assigned = true;
        // Identity Center's create is idempotent: a SUCCEEDED create of the tool's makes it the tool's.
        if (status === 'SUCCEEDED') this.byTool = true;
        l.request = request;
        l.own = op.outcome === 'lostOk' || op.outcome === 'lostFail' ? 'LOST' : status;
        if (l.own === 'SUCCEEDED') l.active = true;
        else this.release(l); // CreationFailed, GrantFailed, CreationStuck: the lease fails now.
        return;
      }
      case 'complete': {
        const r = this.requests.filter((x) => x.status === 'IN_PROGRESS')[op.pick % 8];
        if (!r) return;
        r.status = op.ok ? 'SUCCEEDED' : 'FAILED';
        if (op.ok) {
          this.assigned = true;
          this.byTool = true;
        }
        return;
      }
      case 'check': {
        const l = this.pick(op.pick, (x) => x.role === 'joiner' && x.running && x.holding && !x.active);
        if (l && this.assigned) l.active = true;
        return;
      }
      case 'activate': {
        const l = this.pick(op.pick, (x) => x.role === 'creator' && x.own === 'SUCCEEDED');
        if (l && tu.creator === l.id) tu.createdBy = l.id;
        return;
      }
      case 'end': {
        const l = this.pick(op.pick, (x) => x.running && x.holding && (x.active || x.role === 'joiner'));
        if (l) this.release(l, op.deleteFails);
        return;
      }
      case 'writerEnded': {
        const l = this.pick(op.pick, (x) => !x.running && x.endedCleanly);
        if (l) this.clear(l.id);
        return;
      }
      case 'die': {
        const l = this.pick(op.pick, (x) => x.running);
        if (l) this.stop(l, false);
        return;
      }
      case 'adminAssign': {
        // Excluded coincidence (README, known limits): while a creator's own create is unanswered
        // (not yet made, or its answer lost) an administrator's create of the very same assignment
        // cannot be told from the tool's by Identity Center's status list.
        if (this.leases.some((x) => x.role === 'creator' && x.running && (!x.own || x.own === 'LOST')))
          return;
        if (!this.assigned) {
          this.assigned = true;
          this.byTool = false;
          this.requests.push({ kind: 'create', status: 'SUCCEEDED', at: this.t });
        }
        return;
      }
      case 'reconcile':
        this.reconcile();
        return;
    }
  }

  /** The workflow's release: ReleaseLast with evidence, else ReleaseShared. */
  private release(l: Lease, deleteFails = false) {
    const tu = this.tuple;
    const last = tu.holders.size === 1 && tu.holders.has(l.id);
    const evidence = { standing: tu.standing, creator: tu.creator, createdBy: tu.createdBy };
    l.holding = false;
    if (
      last &&
      tu.standing === false &&
      ownedAtRelease(evidence, l.own === 'SUCCEEDED' ? 'SUCCEEDED' : undefined)
    ) {
      tu.holders.clear();
      tu.standing = undefined;
      tu.deleting = l.id;
      tu.deletingAt = this.t;
      // A failed deletion leaves the tuple marked for the reconciler (RevocationFailed).
      if (deleteFails) {
        this.stop(l, false);
        return;
      }
      if (this.assigned) this.toolDeletes(`lease ${l.id}`);
      this.stop(l, true);
      return;
    }
    tu.holders.delete(l.id);
    this.stop(l, l.own !== 'LOST' && l.own !== 'FAILED' && l.own !== 'IN_PROGRESS');
  }

  private alive = (id: string) => {
    const l = this.leases.find((x) => x.id === id);
    return l?.running === true;
  };

  private creationOf(creator: Lease) {
    if (creator.request && creator.own !== 'LOST') return creator.request.status;
    if (creator.running) return undefined;
    const seen = new Set(
      this.requests
        .filter(
          (r) => r.kind === 'create' && r.at >= (creator.acquiredAt ?? 0) && r.at <= (creator.stoppedAt ?? 0),
        )
        .map((r) => r.status),
    );
    if (seen.has('SUCCEEDED')) return 'SUCCEEDED' as const;
    if (seen.has('IN_PROGRESS')) return 'IN_PROGRESS' as const;
    return seen.has('FAILED') ? ('FAILED' as const) : ('NONE' as const);
  }

  private creationReport() {
    const seen = new Set(
      [...this.tuple.creators].map((id) => this.creationOf(this.leases.find((x) => x.id === id) as Lease)),
    );
    if (seen.has('SUCCEEDED')) return 'SUCCEEDED' as const;
    if (seen.has(undefined)) return undefined;
    if (seen.has('IN_PROGRESS')) return 'IN_PROGRESS' as const;
    return seen.has('FAILED') ? ('FAILED' as const) : ('NONE' as const);
  }

  reconcile(): void {
    const tu = this.tuple;
    const deleter = this.leases.find((x) => x.id === tu.deleting);
    const evidence = {
      standing: tu.standing,
      creator: tu.creator,
      creators: [...tu.creators],
      createdBy: tu.createdBy,
    };
    const verdict = judge(
      {
        assigned: this.assigned,
        evidence,
        holders: [...tu.holders],
        ...(tu.deleting ? { deleting: tu.deleting } : {}),
      },
      {
        alive: this.alive,
        deletionDone:
          tu.deleting !== undefined &&
          (deleter?.endedCleanly ||
            this.requests.some(
              (r) => r.kind === 'delete' && r.status === 'SUCCEEDED' && r.at >= (tu.deletingAt ?? 0),
            )),
        ...(needsCreationReport(evidence) ? { creation: this.creationReport() } : {}),
      },
    );
    for (const id of verdict.deadHolders) tu.holders.delete(id);
    if (verdict.remove) {
      if (this.assigned) this.toolDeletes('the reconciler');
      this.clear();
      tu.standing = undefined;
      return;
    }
    if (verdict.staleDeleter || verdict.forgetEvidence) this.clear();
  }

  /** Every live ACTIVE lease still has its assignment. */
  checkLiveLeases(): void {
    for (const l of this.leases)
      if (l.running && l.holding && l.active && !this.assigned)
        this.violations.push(`live lease ${l.id} lost its assignment (t=${this.t})`);
  }

  /** Nothing granted is left behind once every lease is over and every request has completed. */
  settle(): void {
    for (const l of this.leases) if (l.running) this.stop(l, false);
    for (const r of this.requests) if (r.status === 'IN_PROGRESS') r.status = 'FAILED';
    this.t++;
    this.reconcile();
    this.t++;
    this.reconcile();
    if (this.assigned && this.byTool)
      this.violations.push('an assignment the tool created outlived every lease');
  }
}

import type { AssignmentRequest, IdentityCenterAssignments } from '../adapters/assignments.ts';
import type { Engine } from '../adapters/engine.ts';
import type { Ledger, TupleRecord } from '../adapters/ledger.ts';
import type { LeaseRecord } from '../core/lease.ts';
import { isTerminal } from '../core/lease-status.ts';
import type { AssignmentTuple } from '../core/ledger-keys.ts';
import type { CreationReport } from '../core/ownership.ts';

/**
 * A lease's request and the one that answers it may be seconds apart on two clocks: a creation
 * request this much before the creator took the tuple, or after its execution stopped, still
 * counts as the creator's.
 */
const CLOCK_SKEW_MS = 5_000;

interface LeaseState {
  record?: LeaseRecord;
  status: string;
  stoppedAt?: Date;
}

/**
 * What one sweep learns about the leases and Identity Center requests that tuples name, each
 * looked up at most once per sweep (Identity Center's request listings serve every tuple).
 */
export class SweepFacts {
  private readonly leases = new Map<string, Promise<LeaseState>>();
  private creations?: Promise<AssignmentRequest[]>;
  private deletions?: Promise<AssignmentRequest[]>;

  constructor(
    private readonly ledger: Ledger,
    private readonly engine: Engine,
    private readonly assignments: IdentityCenterAssignments,
    private readonly now: () => Date,
  ) {}

  lease(id: string): Promise<LeaseState> {
    let state = this.leases.get(id);
    if (!state) {
      state = this.load(id);
      this.leases.set(id, state);
    }
    return state;
  }

  private async load(id: string): Promise<LeaseState> {
    const record = await this.ledger.getLease(id);
    // A deletion mark of a reconciler run names no lease and no execution.
    if (!record) return { status: 'GONE' };
    const execution = await this.engine.execution(record.executionArn);
    return { record, ...execution };
  }

  /** The lease will still act on its tuple itself: its execution runs and it is not over. */
  async alive(id: string): Promise<boolean> {
    const { record, status } = await this.lease(id);
    return record !== undefined && !isTerminal(record.status) && status === 'RUNNING';
  }

  /**
   * The deleter's deletion of the tool's assignment is known to have succeeded: its workflow
   * reached its end (the Ended state follows a SUCCEEDED deletion), or Identity Center lists a
   * SUCCEEDED deletion of the tuple since the mark was set.
   */
  async deletionDone(tuple: TupleRecord, parsed: AssignmentTuple): Promise<boolean> {
    if (!tuple.deleting) return false;
    const deleter = await this.lease(tuple.deleting);
    if (deleter.status === 'SUCCEEDED' || deleter.record?.status === 'ENDED') return true;
    const since = tuple.deletingAt ? Date.parse(tuple.deletingAt) - CLOCK_SKEW_MS : 0;
    this.deletions ??= this.assignments.deletionRequests();
    for (const r of await this.deletions) {
      if (r.createdAt.getTime() < since || r.status !== 'SUCCEEDED') continue;
      if ((await this.assignments.requestFor('deletion', r.requestId, parsed)) === 'SUCCEEDED') return true;
    }
    return false;
  }

  /**
   * What became of the creators' creates: each by its request id when its lease recorded one, else
   * from the creation requests for this tuple made while that creator lived (its answer was lost).
   * SUCCEEDED when any did; undefined while a creator still runs without an answer.
   */
  async creation(tuple: TupleRecord, parsed: AssignmentTuple): Promise<CreationReport | undefined> {
    const ids = new Set([...(tuple.creators ?? []), ...(tuple.creator ? [tuple.creator] : [])]);
    const seen = new Set<CreationReport | undefined>();
    for (const id of ids)
      seen.add(await this.creationOf(id, id === tuple.creator ? tuple.creatorAt : undefined, parsed));
    if (seen.has('SUCCEEDED')) return 'SUCCEEDED';
    if (seen.has(undefined)) return undefined;
    if (seen.has('IN_PROGRESS')) return 'IN_PROGRESS';
    return seen.has('FAILED') ? 'FAILED' : 'NONE';
  }

  private async creationOf(
    leaseId: string,
    acquiredAt: string | undefined,
    parsed: AssignmentTuple,
  ): Promise<CreationReport | undefined> {
    const creator = await this.lease(leaseId);
    const requestId = creator.record?.assignment.createRequestId;
    if (requestId) return this.assignments.creation(requestId);
    if (creator.status === 'RUNNING') return undefined;
    // An earlier creator's acquire time is not kept: its lease's request is earlier still.
    const from = Date.parse(acquiredAt ?? creator.record?.requestedAt ?? '') - CLOCK_SKEW_MS;
    if (Number.isNaN(from)) return undefined;
    const to = (creator.stoppedAt ?? this.now()).getTime() + CLOCK_SKEW_MS;
    this.creations ??= this.assignments.creationRequests();
    const seen = new Set<string>();
    for (const r of await this.creations) {
      const at = r.createdAt.getTime();
      if (at < from || at > to) continue;
      const status = await this.assignments.requestFor('creation', r.requestId, parsed);
      if (status) seen.add(status);
    }
    if (seen.has('SUCCEEDED')) return 'SUCCEEDED';
    if (seen.has('IN_PROGRESS')) return 'IN_PROGRESS';
    return seen.has('FAILED') ? 'FAILED' : 'NONE';
  }
}

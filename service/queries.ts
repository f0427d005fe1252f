import type { Caller } from '../adapters/directory.ts';
import type { Page } from '../adapters/ledger.ts';
import { eligibleTargets } from '../core/eligibility.ts';
import { ValidationError } from '../core/errors.ts';
import { type Lease, type LeaseRecord, publicLease } from '../core/lease.ts';
import { LeaseStatusSchema } from '../core/lease-status.ts';
import { decidersOf, findRule, isAdmin, isApprover, isAuditor } from '../core/policy.ts';
import { decisionOf } from '../core/quorum.ts';
import type { ServiceContext } from './context.ts';

export type Query = Readonly<Record<string, string | undefined>>;

/** GET /eligibility: the rules the caller may request under, as the CONTRACT shapes them. */
export const eligibility = async (ctx: ServiceContext, caller: Caller) =>
  eligibleTargets(ctx.policy, caller, await ctx.organization?.());

const limitOf = (query: Query): number => {
  if (query.limit === undefined) return 50;
  const limit = Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw new ValidationError('limit', 'must be a whole number from 1 to 200');
  }
  return limit;
};

/**
 * GET /leases: the caller's own leases; admins and auditors see anyone's with `?principal=`,
 * or everyone's without it (unless `?mine=true`). Newest first, `?limit=` and `?nextToken=`.
 */
export async function listLeases(ctx: ServiceContext, caller: Caller, query: Query): Promise<Page<Lease>> {
  const status = query.status === undefined ? undefined : LeaseStatusSchema.safeParse(query.status);
  if (status && !status.success) throw new ValidationError('status', `unknown status ${query.status}`);
  const overseer = isAdmin(ctx.policy, caller) || isAuditor(ctx.policy, caller);
  const limit = limitOf(query);
  let page: Page<LeaseRecord>;
  if (!overseer || query.mine === 'true') {
    page = await ctx.ledger.queryLeases('byRequester', caller.userId, limit, query.nextToken);
  } else if (query.principal) {
    const principal = await ctx.directory.resolve(query.principal);
    page = await ctx.ledger.queryLeases('byRequester', principal.userId, limit, query.nextToken);
  } else if (status?.data) {
    page = await ctx.ledger.queryLeases('byStatus', status.data, limit, query.nextToken);
  } else {
    const all = await ctx.ledger.scanKind<LeaseRecord>('lease');
    page = { items: all.sort((a, b) => b.requestedAt.localeCompare(a.requestedAt)).slice(0, limit) };
  }
  const items = page.items.filter((l) => !status?.data || l.status === status.data).map(publicLease);
  return { items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}

/** GET /approvals: requests and extensions the caller may decide and has not decided yet. */
export async function pendingApprovals(ctx: ServiceContext, caller: Caller): Promise<Lease[]> {
  const waiting: Lease[] = [];
  for (const status of ['PENDING_APPROVAL', 'ACTIVE'] as const) {
    let nextToken: string | undefined;
    do {
      const page = await ctx.ledger.queryLeases('byStatus', status, 100, nextToken);
      for (const lease of page.items) {
        // The approvers of the rule as the policy says now; a lease whose rule is gone waits for no one.
        if (lease.requester.userId === caller.userId || !findRule(ctx.policy, lease.ruleId)) continue;
        if (!isApprover(decidersOf(ctx.policy, lease).approvers, caller)) continue;
        const decided = status === 'ACTIVE' ? lease.pendingExtension?.approvals : lease.approvals;
        if (!decided || decisionOf(decided, caller.userId)) continue;
        waiting.push(publicLease(lease));
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return waiting;
}

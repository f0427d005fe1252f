import type { Caller } from '../adapters/directory.ts';
import { eligibleTargets } from '../core/eligibility.ts';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../core/errors.ts';
import { type Lease, type LeaseRecord, publicLease } from '../core/lease.ts';
import { LeaseStatusSchema } from '../core/lease-status.ts';
import { decidersOf, findRule, isAdmin, isApprover, isAuditor, type Policy } from '../core/policy.ts';
import { decisionOf } from '../core/quorum.ts';
import type { ServiceContext } from './context.ts';
import { type ListPage, listPage, type Query } from './paging.ts';

export type { Query } from './paging.ts';

/** GET /me: the caller, and whether the policy makes them an auditor or an admin (the console's menus). */
export const me = (ctx: ServiceContext, caller: Caller) => ({
  userName: caller.userName,
  userId: caller.userId,
  groups: caller.groups,
  auditor: isAuditor(ctx.policy, caller),
  admin: isAdmin(ctx.policy, caller),
});

/** GET /eligibility: the rules the caller may request under, as the CONTRACT shapes them. */
export const eligibility = async (ctx: ServiceContext, caller: Caller) =>
  eligibleTargets(ctx.policy, caller, await ctx.organization?.(), (id) => ctx.accountNames?.get(id));

/** Everyone's leases, a requester's, or one status: 50 a page by default, at most 200. */
const LEASE_PAGES = { fallback: 50, max: 200 };

/**
 * An admin's or auditor's `?principal=` names an Identity Store user: the leases are looked up by
 * that user's id (a name is never compared as a string). An unknown name is 400 `principal`.
 */
export async function principalId(ctx: ServiceContext, name: string): Promise<string> {
  try {
    return (await ctx.directory.resolve(name)).userId;
  } catch (err) {
    if (err instanceof UnauthorizedError || err instanceof ForbiddenError)
      throw new ValidationError('principal', `no Identity Store user named ${name}`);
    throw err;
  }
}

/**
 * GET /leases: the caller's own leases; admins and auditors see anyone's with `?principal=`,
 * or everyone's without it (unless `?mine=true`). Newest first, `?limit=` and `?nextToken=`.
 */
export async function listLeases(
  ctx: ServiceContext,
  caller: Caller,
  query: Query,
): Promise<ListPage<Lease>> {
  const status = query.status === undefined ? undefined : LeaseStatusSchema.safeParse(query.status);
  if (status && !status.success) throw new ValidationError('status', `unknown status ${query.status}`);
  const wanted = status?.data;
  const overseer = isAdmin(ctx.policy, caller) || isAuditor(ctx.policy, caller);
  const keep = wanted ? (l: LeaseRecord) => l.status === wanted : undefined;
  const read = (index: 'byRequester' | 'byStatus' | 'byKind', partition: string, filtered: boolean) =>
    listPage<LeaseRecord>(ctx, caller, 'GET /leases', query, LEASE_PAGES, {
      index,
      partitions: [partition],
      ...(filtered && keep ? { keep } : {}),
      selection: [filtered ? wanted : undefined],
    });
  let page: ListPage<LeaseRecord>;
  if (!overseer || query.mine === 'true') page = await read('byRequester', caller.userId, true);
  else if (query.principal) page = await read('byRequester', await principalId(ctx, query.principal), true);
  else if (wanted) page = await read('byStatus', wanted, false);
  else page = await read('byKind', 'lease', false);
  return { ...page, items: page.items.map(publicLease) };
}

/** Whether the caller may decide this lease (or its extension) and has not yet. */
const awaitsDecisionOf = (policy: Policy, caller: Caller) => (lease: LeaseRecord) => {
  // The approvers of the rule as the policy says now; a lease whose rule is gone waits for no one.
  if (lease.requester.userId === caller.userId || !findRule(policy, lease.ruleId)) return false;
  if (!isApprover(decidersOf(policy, lease).approvers, caller)) return false;
  const decided = lease.status === 'ACTIVE' ? lease.pendingExtension?.approvals : lease.approvals;
  // Decisions are matched on the approver's id (older ones, recorded without, by name).
  return (
    decided !== undefined &&
    !decisionOf(decided, caller.userId) &&
    !decided.some((a) => !a.userId && a.userName === caller.userName)
  );
};

/** GET /approvals: requests and extensions the caller may decide and has not decided yet. */
export async function pendingApprovals(
  ctx: ServiceContext,
  caller: Caller,
  query: Query,
): Promise<ListPage<Lease>> {
  const page = await listPage<LeaseRecord>(ctx, caller, 'GET /approvals', query, LEASE_PAGES, {
    index: 'byStatus',
    // Requests waiting for approval, then active leases (whose extension may wait).
    partitions: ['PENDING_APPROVAL', 'ACTIVE'],
    keep: awaitsDecisionOf(ctx.policy, caller),
  });
  return { ...page, items: page.items.map(publicLease) };
}

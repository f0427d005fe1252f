import type { Lease, LeaseStatus, Me } from '../api/types.ts';

export interface LeaseActions {
  approve: boolean;
  reject: boolean;
  revoke: boolean;
  extend: boolean;
  /** The access portal link: only while the access exists. */
  openInPortal: boolean;
}

const REVOCABLE: ReadonlySet<LeaseStatus> = new Set(['PENDING_APPROVAL', 'SCHEDULED', 'GRANTING', 'ACTIVE']);

// The server's own lifecycle: what is over is over in the console too.
export { isTerminal } from '../../../core/lease-status.ts';

/** Waiting for a decision: a request, or an extension of an ACTIVE lease. */
export const awaitsDecision = (lease: Lease): boolean =>
  lease.status === 'PENDING_APPROVAL' || (lease.status === 'ACTIVE' && lease.pendingExtension !== undefined);

/**
 * The buttons a caller sees on a lease, as the API would allow them (it still decides). Approve
 * and reject only for a lease waiting for this caller's decision (`GET /approvals` lists it) and
 * never on the caller's own lease; revoke for the requester and admins while it can still end
 * early; extend for the requester of an ACTIVE lease without an extension already waiting.
 */
export function leaseActions(lease: Lease, me: Me, waitingForMe: boolean): LeaseActions {
  const own = lease.requester.userId === me.userId;
  const decide = !own && waitingForMe && awaitsDecision(lease);
  return {
    approve: decide,
    reject: decide,
    revoke: (own || me.admin) && REVOCABLE.has(lease.status),
    extend: own && lease.status === 'ACTIVE' && lease.pendingExtension === undefined,
    openInPortal: lease.status === 'ACTIVE',
  };
}

/** The pages the navigation offers: Audit to auditors and admins, Admin to admins. */
export const visiblePages = (me: Me) => ({ audit: me.auditor || me.admin, admin: me.admin });

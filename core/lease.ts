import type { ExtensionReservation } from './extension.ts';
import type { EndReason, LeaseStatus, TimelineType } from './lease-status.ts';

export interface TimelineEntry {
  at: string;
  type: TimelineType;
  actor?: string;
  detail?: Record<string, unknown>;
}

export interface Approval {
  userName: string;
  /** The Identity Store user id: what quorum and self-approval checks compare. */
  userId: string;
  decision: 'APPROVED' | 'REJECTED';
  comment?: string;
  at: string;
}

export interface Failure {
  stage: string;
  error: string;
  cause: string;
}

/** The CONTRACT's lease object. */
export interface Lease {
  id: string;
  status: LeaseStatus;
  endReason?: EndReason;
  requester: { userName: string; userId: string };
  accountId: string;
  permissionSet: string;
  duration: string;
  justification: string;
  ticket?: string;
  ruleId: string;
  approvalRequired: boolean;
  /** Distinct approvals the lease's rule requires (its quorum; 0 without approval): "1 of 2". */
  requiredApprovals: number;
  approvals: Approval[];
  requestedAt: string;
  startAt?: string;
  grantedAt?: string;
  expiresAt?: string;
  endedAt?: string;
  failure?: Failure;
  assignment: { preExisting: boolean; createRequestId?: string; deleteRequestId?: string };
  /** An extension of a lease whose rule needs approval, waiting for its approvers. */
  pendingExtension?: { duration: string; requestedAt: string; approvals: Approval[] };
  timeline: TimelineEntry[];
}

/**
 * What the ledger keeps beside the public lease. The task token in particular never leaves the
 * server: it is stripped by `publicLease` and never put in an event a consumer other than the
 * ledger writer receives.
 */
export interface LeaseRecord extends Omit<Lease, 'requiredApprovals'> {
  pk: string;
  sk: string;
  kind: 'lease';
  principalId: string;
  /** The requester's user id again, as the key of the ledger's byRequester index. */
  requesterId: string;
  permissionSetArn: string;
  tuplePk: string;
  durationSeconds: number;
  approvers: { users: string[]; groups: string[] };
  required: number;
  executionArn: string;
  clientToken?: string;
  /** The current task token, sealed (`core/lease-token.ts` TOKEN_ATTRIBUTES), and its digest. */
  tokenCiphertext?: string;
  tokenDigest?: string;
  /** A token stored in plain text before tokens were sealed: read and dropped, never written. */
  taskToken?: string;
  tokenFor?: 'APPROVAL' | 'HOLD';
  appliedEvents?: Set<string>;
  /** Orders task tokens (`core/lease-token.ts`): a token is stored only over an older one. */
  tokenRank?: number;
  /** An extension reserved and being handed to the workflow (`core/extension.ts`). */
  extension?: ExtensionReservation;
  /** Extensions applied so far (the policy caps them). */
  extensions?: number;
  /** Set by the workflow when a scheduled start began: from then on a withdrawal is a revoke. */
  startClaimedAt?: string;
  /** The hash of the last timeline entry (`core/audit-chain.ts`). */
  timelineHead?: string;
  /** The expiry the notifier already sent "ending soon" for (an extension re-arms it). */
  endingSoonFor?: string;
}

const INTERNAL = [
  'pk',
  'sk',
  'kind',
  'principalId',
  'requesterId',
  'permissionSetArn',
  'tuplePk',
  'durationSeconds',
  'approvers',
  'required',
  'executionArn',
  'clientToken',
  'tokenCiphertext',
  'tokenDigest',
  'taskToken',
  'tokenFor',
  'appliedEvents',
  'tokenRank',
  'extension',
  'extensions',
  'startClaimedAt',
  'timelineHead',
  'endingSoonFor',
] as const;

export const publicLease = (record: LeaseRecord): Lease => {
  const lease: Record<string, unknown> = { ...record };
  for (const key of INTERNAL) delete lease[key];
  lease.requiredApprovals = record.required;
  // Shown in time order, without the chain links (`GET /audit/verify` checks those in stored order).
  lease.timeline = record.timeline
    .map(({ at, type, actor, detail }) => ({ at, type, actor, detail }))
    .map((entry) => Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)))
    .sort((a, b) => (a.at as string).localeCompare(b.at as string));
  return lease as unknown as Lease;
};

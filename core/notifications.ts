import * as z from 'zod';
import { addSeconds } from './duration.ts';
import { DetailType } from './lease-status.ts';

/**
 * Who hears about which lease event, and what they read. Pure: the notifier handler looks up the
 * lease and the people, then hands the channels what `route` returns.
 */

export const AUDIENCES = ['approvers', 'requester', 'audit'] as const;
export type Audience = (typeof AUDIENCES)[number];

export type NotificationKind =
  | 'REQUESTED'
  | 'APPROVAL_REQUESTED'
  | 'APPROVED'
  | 'REJECTED'
  | 'APPROVAL_TIMED_OUT'
  | 'ACTIVE'
  | 'EXTENDED'
  | 'ENDING_SOON'
  | 'ENDED'
  | 'FAILED'
  | 'DRIFT';

/** A lease event as a consumer receives it; unknown fields are kept for the audit channel. */
export const LeaseEventSchema = z.object({
  id: z.string().min(1),
  'detail-type': z.string().min(1),
  detail: z.looseObject({ leaseId: z.string().optional(), at: z.string().optional() }),
});
export type LeaseEvent = z.infer<typeof LeaseEventSchema>;

/** What a message says about the lease: read from the ledger record, never from a task token. */
export interface LeaseFacts {
  id: string;
  status?: string;
  requester: { userName: string; userId?: string };
  accountId: string;
  permissionSet: string;
  duration: string;
  durationSeconds?: number;
  justification: string;
  ticket?: string;
  ruleId: string;
  expiresAt?: string;
  endReason?: string;
  failure?: { stage: string; error: string; cause?: string };
}

const messageLease = ({
  requester,
  durationSeconds: _seconds,
  ...facts
}: LeaseFacts): Omit<LeaseFacts, 'durationSeconds' | 'requester'> & { requester: string } => ({
  ...facts,
  requester: requester.userName,
});

export interface Recipient {
  userName: string;
  email?: string;
}

export interface Notification {
  /** Stable per event and audience: receivers deduplicate retried deliveries on it. */
  id: string;
  kind: NotificationKind;
  at: string;
  title: string;
  text: string;
  lease?: Omit<LeaseFacts, 'durationSeconds' | 'requester'> & { requester: string };
  /**
   * How an approver answers: the CLI commands, and the lease's page in the web console, which
   * holds Approve and Reject for its approvers (the deployed console by default, or
   * `notifications.consoleUrl`); null when there is no console URL.
   */
  actions?: { approve: string; reject: string; consoleUrl: string | null };
  /** The event's own detail, for the audit channel, with every task token removed. */
  detail?: Record<string, unknown>;
}

export interface Delivery {
  audience: Audience;
  recipients: Recipient[];
  notification: Notification;
}

export interface RouteInput {
  event: LeaseEvent;
  /** Undefined for events about no lease (drift) or a lease the ledger does not know. */
  lease?: LeaseFacts;
  requester?: Recipient;
  /** The rule's approvers, expanded to users; the requester is dropped here whatever the policy says. */
  approvers?: readonly Recipient[];
  audit: boolean;
  consoleUrl?: string;
}

const TOKEN_KEYS = new Set(['taskToken', 'TaskToken', 'token']);

/** Deep copy without any task token, whatever the event's shape (defence behind the rule's filter). */
export function withoutTokens(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTokens);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !TOKEN_KEYS.has(key))
        .map(([key, v]) => [key, withoutTokens(v)]),
    );
  return value;
}

const KIND_OF: Readonly<Record<string, NotificationKind>> = {
  [DetailType.Requested]: 'REQUESTED',
  [DetailType.ApprovalRequested]: 'APPROVAL_REQUESTED',
  [DetailType.Approved]: 'APPROVED',
  [DetailType.Rejected]: 'REJECTED',
  [DetailType.ApprovalTimedOut]: 'APPROVAL_TIMED_OUT',
  [DetailType.Activated]: 'ACTIVE',
  [DetailType.Extended]: 'EXTENDED',
  [DetailType.Ended]: 'ENDED',
  [DetailType.Failed]: 'FAILED',
  [DetailType.RevocationFailed]: 'FAILED',
  [DetailType.DriftDetected]: 'DRIFT',
};

/** The synthetic detail-type of the notifier's own "ending soon" sweep (never put on the bus). */
export const ENDING_SOON = 'Lease Ending Soon';

export const kindOf = (detailType: string): NotificationKind | undefined =>
  detailType === ENDING_SOON ? 'ENDING_SOON' : KIND_OF[detailType];

/** The kinds a requester hears about; everything else about their lease goes to audit only. */
const FOR_REQUESTER: ReadonlySet<NotificationKind> = new Set<NotificationKind>([
  'APPROVED',
  'REJECTED',
  'APPROVAL_TIMED_OUT',
  'ACTIVE',
  'ENDING_SOON',
  'ENDED',
  'FAILED',
]);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

const describe = (lease: LeaseFacts) =>
  `${lease.requester.userName} → ${lease.permissionSet} on ${lease.accountId} for ${lease.duration}`;

function wording(kind: NotificationKind, event: LeaseEvent, lease: LeaseFacts | undefined) {
  const d = event.detail;
  const who = lease ? describe(lease) : '';
  const by = str(d.approver);
  const extension = str(d.extension);
  switch (kind) {
    case 'APPROVAL_REQUESTED':
      return extension
        ? { title: `Approval requested: extend by ${extension}`, text: `${who}, extension by ${extension}` }
        : { title: 'Approval requested', text: who };
    case 'APPROVED':
      // With a quorum above one, an approval is not yet the decision: name the approver.
      return { title: by ? `Approved by ${by}` : 'Lease approved', text: who };
    case 'REJECTED':
      return { title: `Lease rejected${by ? ` by ${by}` : ''}`, text: who };
    case 'APPROVAL_TIMED_OUT':
      return { title: 'Lease not approved in time', text: who };
    case 'ACTIVE':
      return { title: 'Access granted', text: `${who}, until ${lease?.expiresAt ?? 'its expiry'}` };
    case 'ENDING_SOON':
      return { title: 'Access ending soon', text: `${who} ends at ${lease?.expiresAt}` };
    case 'ENDED':
      return { title: `Access ended${lease?.endReason ? ` (${lease.endReason})` : ''}`, text: who };
    case 'FAILED':
      return {
        title: event['detail-type'] === DetailType.RevocationFailed ? 'Revocation failed' : 'Lease failed',
        text: `${who}${lease?.failure ? `: ${lease.failure.error}` : ''}`,
      };
    case 'DRIFT':
      return {
        title: `Assignment drift (${str(d.kind) ?? 'unknown'})`,
        text: `${str(d.permissionSet) ?? '?'} on ${str(d.accountId) ?? '?'}`,
      };
    default:
      return { title: event['detail-type'], text: who };
  }
}

/**
 * The expiry a message states. The ledger writer may not have projected an activation yet when
 * the notifier reads the lease, so a fresh activation counts from the event's own time.
 */
const expiryOf = (kind: NotificationKind, event: LeaseEvent, lease: LeaseFacts): string | undefined => {
  const at = str(event.detail.at);
  if (kind === 'ACTIVE' && !lease.expiresAt && at && lease.durationSeconds)
    return addSeconds(at, lease.durationSeconds);
  return lease.expiresAt;
};

/** The deliveries one event causes: none, or one per audience that hears of it. */
export function route(input: RouteInput): Delivery[] {
  const { event } = input;
  const kind = kindOf(event['detail-type']);
  if (!kind) return [];
  const lease = input.lease ? { ...input.lease, expiresAt: expiryOf(kind, event, input.lease) } : undefined;
  const { title, text } = wording(kind, event, lease);
  const at = str(event.detail.at) ?? new Date(0).toISOString();
  const base = {
    kind,
    at,
    title,
    text,
    // What a message says of the lease: its facts, the requester by name, no internal sizes.
    ...(lease ? { lease: messageLease(lease) } : {}),
  };
  const deliveries: Delivery[] = [];
  const requesterName = lease?.requester.userName ?? input.requester?.userName;
  if (kind === 'APPROVAL_REQUESTED' && lease) {
    const seen = new Set<string>();
    const approvers = (input.approvers ?? []).filter((r) => {
      // Nobody approves their own lease, so the requester is never asked to.
      if (r.userName === requesterName || seen.has(r.userName)) return false;
      seen.add(r.userName);
      return true;
    });
    if (approvers.length > 0)
      deliveries.push({
        audience: 'approvers',
        recipients: approvers,
        notification: {
          id: `${event.id}/approvers`,
          ...base,
          actions: {
            approve: `lease approve ${lease.id}`,
            reject: `lease reject ${lease.id}`,
            consoleUrl: input.consoleUrl ? `${input.consoleUrl.replace(/\/$/, '')}/leases/${lease.id}` : null,
          },
        },
      });
  }
  if (FOR_REQUESTER.has(kind) && lease && input.requester)
    deliveries.push({
      audience: 'requester',
      recipients: [input.requester],
      notification: { id: `${event.id}/requester`, ...base },
    });
  if (input.audit)
    deliveries.push({
      audience: 'audit',
      recipients: [],
      notification: {
        id: `${event.id}/audit`,
        ...base,
        detail: { detailType: event['detail-type'], ...(withoutTokens(event.detail) as object) },
      },
    });
  return deliveries;
}

export interface SweepCandidate {
  id: string;
  status: string;
  expiresAt?: string;
  /** The expiry an "ending soon" message was already sent for; an extension re-arms it. */
  endingSoonFor?: string;
}

/** ACTIVE leases that expire within `leadSeconds` from `now` and were not told so for this expiry. */
export function dueForEndingSoon<T extends SweepCandidate>(
  leases: readonly T[],
  now: Date,
  leadSeconds: number,
): T[] {
  return leases.filter((lease) => {
    if (lease.status !== 'ACTIVE' || !lease.expiresAt) return false;
    const left = (Date.parse(lease.expiresAt) - now.getTime()) / 1000;
    return left > 0 && left <= leadSeconds && lease.endingSoonFor !== lease.expiresAt;
  });
}

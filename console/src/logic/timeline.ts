import type { TimelineEntry } from '../api/types.ts';

const TITLES: Record<TimelineEntry['type'], string> = {
  REQUESTED: 'Requested',
  APPROVAL_REQUESTED: 'Approval requested',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  APPROVAL_TIMED_OUT: 'Approval timed out',
  CANCELLED: 'Cancelled',
  SCHEDULED: 'Scheduled',
  GRANT_STARTED: 'Grant started',
  ACTIVATED: 'Access granted',
  EXTENDED: 'Extended',
  REVOKE_REQUESTED: 'Revoke requested',
  REVOKE_STARTED: 'Revoke started',
  ENDED: 'Ended',
  FAILED: 'Failed',
  SESSIONS_ENDED: 'Live sessions ended',
  CLOUDTRAIL_EVENT: 'CloudTrail record',
};

const text = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/** A timeline entry as one line: its title and the details that matter for its type. */
export function describeEntry(entry: TimelineEntry): { title: string; detail: string } {
  const d = entry.detail ?? {};
  const pick = (...keys: string[]) =>
    keys.flatMap((k) => (text(d[k]) !== undefined ? [`${k}: ${text(d[k])}`] : [])).join(', ');
  switch (entry.type) {
    case 'CLOUDTRAIL_EVENT':
      // Identity Center's own record of the lease's create or delete call.
      return {
        title: `${TITLES[entry.type]}: ${text(d.eventName) ?? 'event'}`,
        detail: pick('eventId', 'requestId'),
      };
    case 'APPROVED':
    case 'REJECTED':
    case 'CANCELLED':
    case 'REVOKE_REQUESTED':
      return { title: TITLES[entry.type], detail: pick('comment', 'reason') };
    case 'ENDED':
      return { title: TITLES[entry.type], detail: pick('endReason', 'requestId') };
    case 'FAILED':
      return { title: TITLES[entry.type], detail: pick('stage', 'error', 'cause') };
    default:
      return { title: TITLES[entry.type] ?? entry.type, detail: pick('requestId', 'expiresAt', 'duration') };
  }
}

import type { KeyValuePairsProps } from '@cloudscape-design/components/key-value-pairs';
import type { TableProps } from '@cloudscape-design/components/table';
import type { Lease, TimelineEntry } from '../../api/types.ts';
import { timeLeft } from '../../logic/countdown.ts';
import { quorumText } from '../../logic/quorum.ts';
import { describeEntry } from '../../logic/timeline.ts';

const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '–');

/** The lease's facts, as key-value pairs. */
export function leaseFacts(lease: Lease, accountName: string, now: number): KeyValuePairsProps.Item[] {
  return [
    { label: 'Requester', value: lease.requester.userName },
    { label: 'Account', value: accountName },
    { label: 'Permission set', value: lease.permissionSet },
    { label: 'Duration', value: lease.duration },
    ...(lease.status === 'ACTIVE' ? [{ label: 'Time left', value: timeLeft(lease.expiresAt, now) }] : []),
    { label: 'Expires', value: when(lease.expiresAt) },
    { label: 'Rule', value: lease.ruleId },
    {
      label: 'Approvals',
      value: lease.approvalRequired ? `${quorumText(lease)} required` : 'Not required',
    },
    { label: 'Justification', value: lease.justification },
    { label: 'Ticket', value: lease.ticket ?? '–' },
    { label: 'Requested', value: when(lease.requestedAt) },
    ...(lease.startAt ? [{ label: 'Starts', value: when(lease.startAt) }] : []),
    { label: 'Granted', value: when(lease.grantedAt) },
    {
      label: 'Ended',
      value: lease.endedAt ? `${when(lease.endedAt)}${lease.endReason ? ` (${lease.endReason})` : ''}` : '–',
    },
    {
      label: 'Assignment',
      value: lease.assignment.preExisting
        ? 'Already held (standing access or another lease): this lease neither created nor deletes it'
        : 'Created for this lease',
    },
    ...(lease.failure
      ? [
          {
            label: 'Failure',
            value: `${lease.failure.stage}: ${lease.failure.error} — ${lease.failure.cause}`,
          },
        ]
      : []),
  ];
}

export const timelineColumns: TableProps.ColumnDefinition<TimelineEntry>[] = [
  { id: 'at', header: 'Time', cell: (e) => new Date(e.at).toLocaleString() },
  { id: 'what', header: 'What', cell: (e) => describeEntry(e).title, isRowHeader: true },
  { id: 'who', header: 'By', cell: (e) => e.actor ?? '–' },
  { id: 'detail', header: 'Detail', cell: (e) => describeEntry(e).detail || '–' },
];

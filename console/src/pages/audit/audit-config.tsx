import type { TableProps } from '@cloudscape-design/components/table';
import type { DriftFinding, Lease } from '../../api/types.ts';
import { LeaseLink } from '../../commons/lease-link.tsx';
import { LeaseStatusBadge } from '../../commons/status.tsx';

const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '–');

export const auditColumns: TableProps.ColumnDefinition<Lease>[] = [
  { id: 'id', header: 'Lease', cell: (l) => <LeaseLink id={l.id} />, isRowHeader: true },
  {
    id: 'status',
    header: 'Status',
    cell: (l) => <LeaseStatusBadge status={l.status} />,
    sortingField: 'status',
  },
  { id: 'requester', header: 'Principal', cell: (l) => l.requester.userName },
  { id: 'accountId', header: 'Account', cell: (l) => l.accountId, sortingField: 'accountId' },
  {
    id: 'permissionSet',
    header: 'Permission set',
    cell: (l) => l.permissionSet,
    sortingField: 'permissionSet',
  },
  { id: 'ruleId', header: 'Rule', cell: (l) => l.ruleId },
  { id: 'requestedAt', header: 'Requested', cell: (l) => when(l.requestedAt), sortingField: 'requestedAt' },
  { id: 'endedAt', header: 'Ended', cell: (l) => when(l.endedAt) },
];

export const driftColumns: TableProps.ColumnDefinition<DriftFinding>[] = [
  { id: 'at', header: 'Time', cell: (d) => when(d.at), sortingField: 'at' },
  { id: 'kind', header: 'Kind', cell: (d) => d.kind, sortingField: 'kind', isRowHeader: true },
  { id: 'source', header: 'Found by', cell: (d) => d.source },
  { id: 'accountId', header: 'Account', cell: (d) => d.accountId },
  { id: 'permissionSet', header: 'Permission set', cell: (d) => d.permissionSet },
  {
    id: 'principal',
    header: 'Principal',
    cell: (d) => d.principal.userName ?? `${d.principal.type} ${d.principal.id}`,
  },
  { id: 'actor', header: 'Actor', cell: (d) => d.actor?.userName ?? d.actor?.arn ?? '–' },
  { id: 'leaseId', header: 'Lease', cell: (d) => (d.leaseId ? <LeaseLink id={d.leaseId} /> : '–') },
];

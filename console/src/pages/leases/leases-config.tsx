import type { TableProps } from '@cloudscape-design/components/table';
import type { Lease } from '../../api/types.ts';
import { LeaseLink } from '../../commons/lease-link.tsx';
import { LeaseStatusBadge } from '../../commons/status.tsx';
import { timeLeft } from '../../logic/countdown.ts';

/** The leases table as plain data (the Cloudscape demos' `*-config` shape). */
export const leaseColumns = (
  accountName: (id: string) => string,
  now: number,
): TableProps.ColumnDefinition<Lease>[] => [
  {
    id: 'id',
    header: 'Lease',
    cell: (l) => <LeaseLink id={l.id} />,
    sortingField: 'id',
    isRowHeader: true,
  },
  {
    id: 'status',
    header: 'Status',
    cell: (l) => <LeaseStatusBadge status={l.status} />,
    sortingField: 'status',
  },
  { id: 'account', header: 'Account', cell: (l) => accountName(l.accountId), sortingField: 'accountId' },
  {
    id: 'permissionSet',
    header: 'Permission set',
    cell: (l) => l.permissionSet,
    sortingField: 'permissionSet',
  },
  {
    id: 'timeLeft',
    header: 'Time left',
    cell: (l) => (l.status === 'ACTIVE' ? timeLeft(l.expiresAt, now) : '–'),
    sortingField: 'expiresAt',
  },
  { id: 'duration', header: 'Duration', cell: (l) => l.duration },
  {
    id: 'requestedAt',
    header: 'Requested',
    cell: (l) => new Date(l.requestedAt).toLocaleString(),
    sortingField: 'requestedAt',
  },
];

/** What the text filter looks through. */
export const LEASE_FILTER_FIELDS = [
  'id',
  'status',
  'accountId',
  'permissionSet',
  'justification',
  'ticket',
  'ruleId',
];

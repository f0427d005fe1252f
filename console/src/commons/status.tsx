import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import type { LeaseStatus } from '../api/types.ts';

const TYPES: Record<LeaseStatus, StatusIndicatorProps.Type> = {
  PENDING_APPROVAL: 'pending',
  SCHEDULED: 'pending',
  GRANTING: 'in-progress',
  ACTIVE: 'success',
  REVOKING: 'in-progress',
  ENDED: 'stopped',
  REJECTED: 'error',
  CANCELLED: 'stopped',
  APPROVAL_TIMED_OUT: 'warning',
  FAILED: 'error',
};

/** A lease status shown as the CONTRACT's word (tests read `ACTIVE`), with Cloudscape's icon. */
export const LeaseStatusBadge = ({ status }: { status: LeaseStatus }) => (
  <StatusIndicator type={TYPES[status]}>{status}</StatusIndicator>
);

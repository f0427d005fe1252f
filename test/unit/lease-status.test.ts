import { describe, expect, it } from 'vitest';
import {
  canReconcilerEnd,
  canTransition,
  DetailType,
  EVENT_SOURCE,
  isTerminal,
  LEASE_STATUSES,
  type LeaseStatus,
  LeaseStatusSchema,
  TERMINAL,
  TIMELINE_TYPES,
} from '../../core/lease-status.ts';

const ALLOWED: Record<LeaseStatus, LeaseStatus[]> = {
  PENDING_APPROVAL: ['SCHEDULED', 'GRANTING', 'REJECTED', 'CANCELLED', 'APPROVAL_TIMED_OUT', 'FAILED'],
  SCHEDULED: ['GRANTING', 'CANCELLED', 'FAILED'],
  GRANTING: ['ACTIVE', 'FAILED', 'REVOKING'],
  ACTIVE: ['ACTIVE', 'REVOKING', 'ENDED', 'FAILED'],
  REVOKING: ['ENDED', 'FAILED'],
  ENDED: [],
  REJECTED: [],
  CANCELLED: [],
  APPROVAL_TIMED_OUT: [],
  FAILED: [],
};

const pairs = LEASE_STATUSES.flatMap((from) =>
  LEASE_STATUSES.map((to) => [from, to, ALLOWED[from].includes(to)] as const),
);

describe('canTransition', () => {
  it.each(pairs)('%s -> %s is %s', (from, to, expected) => {
    // Act
    const result = canTransition(from, to);

    // Assess
    expect(result).toBe(expected);
  });

  it('lets nothing leave a terminal status', () => {
    // Act
    const exits = [...TERMINAL].flatMap((from) => LEASE_STATUSES.filter((to) => canTransition(from, to)));

    // Assess
    expect(exits).toEqual([]);
    expect([...TERMINAL].sort()).toEqual(['APPROVAL_TIMED_OUT', 'CANCELLED', 'ENDED', 'FAILED', 'REJECTED']);
    expect(isTerminal('FAILED')).toBe(true);
    expect(isTerminal('ACTIVE')).toBe(false);
  });
});

describe('canReconcilerEnd', () => {
  it.each(
    LEASE_STATUSES.map((s) => [s, ['ACTIVE', 'GRANTING', 'REVOKING', 'FAILED'].includes(s)] as const),
  )('%s -> %s', (status, expected) => {
    // Act
    const result = canReconcilerEnd(status);

    // Assess
    expect(result).toBe(expected);
  });
});

describe('contract vocabulary', () => {
  it('spells statuses, timeline types and events as the CONTRACT does', () => {
    // Assess
    expect(LeaseStatusSchema.safeParse('ACTIVE').success).toBe(true);
    expect(LeaseStatusSchema.safeParse('active').success).toBe(false);
    expect(TIMELINE_TYPES).toHaveLength(16);
    expect(TIMELINE_TYPES).toContain('CLOUDTRAIL_EVENT');
    expect(EVENT_SOURCE).toBe('idc-lease');
    expect(Object.values(DetailType)).toEqual([
      'Lease Requested',
      'Lease Approval Requested',
      'Lease Approved',
      'Lease Rejected',
      'Lease Approval Timed Out',
      'Lease Activated',
      'Lease Extended',
      'Lease Ended',
      'Lease Failed',
      'Lease Revocation Failed',
      'Assignment Drift Detected',
    ]);
  });
});

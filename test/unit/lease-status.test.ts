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
  sourcesOf,
  TERMINAL,
  TIMELINE_TYPES,
} from '../../core/lease-status.ts';

describe('canTransition', () => {
  it('lets every live status reach a terminal one, so no lease is stuck by the model itself', () => {
    // Act
    const reachable = (from: LeaseStatus, seen = new Set<LeaseStatus>()): boolean =>
      isTerminal(from) ||
      LEASE_STATUSES.some(
        (to) =>
          to !== from && canTransition(from, to) && !seen.has(to) && reachable(to, new Set([...seen, from])),
      );

    // Assess
    expect(LEASE_STATUSES.filter((s) => !reachable(s))).toEqual([]);
  });

  it('allows exactly the moves the API makes, and no step back', () => {
    expect(sourcesOf('REVOKING')).toEqual(['SCHEDULED', 'GRANTING', 'ACTIVE']);
    expect(sourcesOf('CANCELLED')).toEqual(['PENDING_APPROVAL', 'SCHEDULED']);
    expect(sourcesOf('REJECTED')).toEqual(['PENDING_APPROVAL']);
    expect(canTransition('ACTIVE', 'ACTIVE')).toBe(true);
    expect(canTransition('ACTIVE', 'GRANTING')).toBe(false);
    expect(canTransition('REVOKING', 'ACTIVE')).toBe(false);
    expect(canTransition('SCHEDULED', 'PENDING_APPROVAL')).toBe(false);
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

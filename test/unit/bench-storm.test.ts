import { describe, expect, it } from 'vitest';
import { cutShort } from '../../bench/storm-count.ts';
import { leaseCount, plan, stormFaults } from '../../bench/storm-plan.ts';
import type { LeaseRecord } from '../../core/lease.ts';

const lease = (over: Partial<LeaseRecord>): LeaseRecord =>
  ({
    grantedAt: '2026-12-01T10:00:00.000Z',
    expiresAt: '2026-12-01T10:00:30.000Z',
    endedAt: '2026-12-01T10:00:32.000Z',
    timeline: [{ at: '2026-12-01T10:00:30.500Z', type: 'REVOKE_STARTED' }],
    ...over,
  }) as LeaseRecord;

describe('the fault storm (bench/storm.ts)', () => {
  it('plays 100 leases, every user once, in the same order for the same seed', () => {
    // Act
    const plays = plan(7, 90_000);

    // Assess
    expect(leaseCount()).toBe(100);
    expect(new Set(plays.map((p) => p.user)).size).toBe(plays.length);
    expect(plan(7, 90_000)).toEqual(plays);
    expect(plan(8, 90_000)).not.toEqual(plays);
  });

  it('loses answers on every call kind issue 10 names, and fails and doubles PutEvents entries', () => {
    // Act
    const rules = stormFaults(0.1, 7);

    // Assess
    expect(rules.filter((r) => r.mode === 'lost').map((r) => r.action)).toEqual([
      'UpdateItem',
      'PutItem',
      'DeleteItem',
      'SendTaskSuccess',
      'SendTaskFailure',
      'StartExecution',
      'StopExecution',
      'PutEvents',
      'CreateAccountAssignment',
      'DeleteAccountAssignment',
    ]);
    expect(rules.map((r) => r.mode)).toEqual(expect.arrayContaining(['failedEntry', 'duplicate']));
    expect(new Set(rules.map((r) => r.seed)).size).toBe(rules.length);
  });

  it('counts a lease cut short when it was never granted, went missing, or began to end before its expiry', () => {
    expect(cutShort(lease({}), false)).toBe(false);
    expect(cutShort(lease({ grantedAt: undefined }), false)).toBe(true);
    expect(cutShort(lease({}), true)).toBe(true);
    expect(
      cutShort(lease({ timeline: [{ at: '2026-12-01T10:00:20.000Z', type: 'REVOKE_STARTED' }] }), false),
    ).toBe(true);
    // A joiner or a standing lease ends without a revocation of its own: its end counts.
    expect(cutShort(lease({ timeline: [], endedAt: '2026-12-01T10:00:29.000Z' }), false)).toBe(true);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExtensionReservation } from '../../core/extension.ts';
import type { LeaseRecord } from '../../core/lease.ts';
import {
  FINISHED_RANK,
  heldToken,
  holdGeneration,
  pendingDelivery,
  type TokenPosition,
  tokenDigest,
  tokenRank,
} from '../../core/lease-token.ts';

const position = fc.oneof(
  fc.record({ for: fc.constant('APPROVAL' as const), extensions: fc.constant(0), attempt: fc.nat(10) }),
  fc.record({ for: fc.constant('HOLD' as const), extensions: fc.nat(120), attempt: fc.nat(10) }),
);

/** The order the ledger must keep: hold over approval, then later period, then later attempt. */
const newer = (a: TokenPosition, b: TokenPosition): boolean => {
  if (a.for !== b.for) return a.for === 'HOLD';
  if (a.extensions !== b.extensions) return a.extensions > b.extensions;
  return a.attempt > b.attempt;
};

describe('tokenRank', () => {
  it('orders tokens as the workflow puts them: hold over approval, period, then attempt', () => {
    fc.assert(
      fc.property(position, position, (a, b) => {
        expect(tokenRank(a) > tokenRank(b)).toBe(newer(a, b));
        expect(tokenRank(a) < FINISHED_RANK).toBe(true);
      }),
    );
  });

  it('keeps the newest whatever order the events arrive in (the ledger writer stores only a higher rank)', () => {
    fc.assert(
      fc.property(fc.array(position, { minLength: 1, maxLength: 12 }), (arrivals) => {
        let stored: number | undefined;
        for (const p of arrivals) if (stored === undefined || tokenRank(p) > stored) stored = tokenRank(p);
        const newest = arrivals.reduce((best, p) => (newer(p, best) ? p : best));
        expect(stored).toBe(tokenRank(newest));
      }),
    );
  });

  it('reads back the hold period of a hold token, nothing for an approval token', () => {
    expect(holdGeneration(tokenRank({ for: 'HOLD', extensions: 7, attempt: 3 }))).toBe(7);
    expect(holdGeneration(tokenRank({ for: 'HOLD', extensions: 0, attempt: 0 }))).toBe(0);
    expect(holdGeneration(tokenRank({ for: 'APPROVAL', extensions: 0, attempt: 5 }))).toBeUndefined();
    expect(holdGeneration(FINISHED_RANK)).toBeUndefined();
    expect(holdGeneration(undefined)).toBeUndefined();
  });

  it('refuses positions it cannot order', () => {
    expect(() => tokenRank({ for: 'HOLD', extensions: -1, attempt: 0 })).toThrow(RangeError);
    expect(() => tokenRank({ for: 'HOLD', extensions: 0, attempt: 1.5 })).toThrow(RangeError);
    expect(() => tokenRank({ for: 'APPROVAL', extensions: 1, attempt: 0 })).toThrow(RangeError);
  });
});

const NOW = new Date('2026-01-01T10:00:00.000Z');
const lease = (over: Partial<LeaseRecord>): LeaseRecord =>
  ({
    id: 'l-1',
    status: 'ACTIVE',
    approvals: [],
    durationSeconds: 600,
    tokenCiphertext: 'c2VhbGVk',
    tokenDigest: tokenDigest('tok'),
    tokenFor: 'HOLD',
    ...over,
  }) as LeaseRecord;
const reservation = (extensions: number): ExtensionReservation => ({
  id: 'x-1',
  requesterId: 'u-1',
  addedSeconds: 300,
  durationSeconds: 900,
  expiresAt: '2026-01-01T10:15:00.000Z',
  extensions,
  reservedAt: NOW.toISOString(),
  actor: 'alice',
  approved: false,
});
const approved = [{ userName: 'bob', userId: 'u-2', decision: 'APPROVED' as const, at: NOW.toISOString() }];

describe('pendingDelivery', () => {
  it('tells an approval token the decision recorded while it was not there', () => {
    const approval = { tokenFor: 'APPROVAL' as const, approvals: approved };
    expect(pendingDelivery(lease({ ...approval, status: 'PENDING_APPROVAL' }), NOW)).toBeUndefined();
    expect(pendingDelivery(lease({ ...approval, status: 'GRANTING' }), NOW)).toEqual({
      kind: 'approve',
      output: { approvedBy: ['bob'], at: NOW.toISOString() },
    });
    expect(pendingDelivery(lease({ ...approval, status: 'SCHEDULED' }), NOW)?.kind).toBe('approve');
    expect(pendingDelivery(lease({ ...approval, status: 'CANCELLED' }), NOW)).toMatchObject({
      kind: 'fail',
      error: 'Lease.Cancelled',
    });
    expect(pendingDelivery(lease({ ...approval, status: 'REJECTED' }), NOW)).toMatchObject({
      error: 'Lease.Rejected',
    });
  });

  it('tells a hold token a revoke first, then an extension reserved for its period only', () => {
    const hold = (extensions: number) => tokenRank({ for: 'HOLD', extensions, attempt: 2 });
    expect(pendingDelivery(lease({ status: 'REVOKING', extension: reservation(1) }), NOW)).toMatchObject({
      error: 'Lease.Revoked',
    });
    expect(pendingDelivery(lease({ tokenRank: hold(0), extension: reservation(1) }), NOW)).toEqual({
      kind: 'extend',
      reservationId: 'x-1',
      output: {
        eventType: 'Lease Extended',
        seconds: 900,
        expiresAt: '2026-01-01T10:15:00.000Z',
        extensionId: 'x-1',
        extensions: 1,
      },
    });
    // A hold of the next period already took it: sending it there would extend twice.
    expect(pendingDelivery(lease({ tokenRank: hold(1), extension: reservation(1) }), NOW)).toBeUndefined();
    expect(pendingDelivery(lease({ tokenRank: hold(0) }), NOW)).toBeUndefined();
    expect(
      pendingDelivery(lease({ tokenCiphertext: undefined, tokenDigest: undefined, status: 'REVOKING' }), NOW),
    ).toBeUndefined();
  });
});

describe('heldToken', () => {
  it('is the sealed token and its digest; a plain one stored before tokens were sealed, with its digest', () => {
    expect(heldToken(lease({}))).toEqual({ for: 'HOLD', digest: tokenDigest('tok'), sealed: 'c2VhbGVk' });
    const plain = lease({ tokenCiphertext: undefined, tokenDigest: undefined, taskToken: 'old' });
    expect(heldToken(plain)).toEqual({ for: 'HOLD', digest: tokenDigest('old'), plain: 'old' });
    // A revoke recorded before the upgrade still reaches a plain token.
    expect(pendingDelivery({ ...plain, status: 'REVOKING' }, NOW)?.kind).toBe('fail');
  });

  it('is nothing without a kind, or without a digest beside the ciphertext', () => {
    expect(heldToken(lease({ tokenFor: undefined }))).toBeUndefined();
    expect(heldToken(lease({ tokenDigest: undefined }))).toBeUndefined();
  });

  it('digests to a fixed-length hash, the same for the same token only', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 16, maxLength: 1024 }), (token) => {
        const digest = tokenDigest(token);
        expect(digest).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(digest).toBe(tokenDigest(token));
        expect(digest).not.toBe(tokenDigest(`${token}x`));
      }),
    );
  });
});

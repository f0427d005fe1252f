import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../core/errors.ts';
import {
  checkExtension,
  type ExtensionRule,
  generationFor,
  holdPeriodOf,
  isApplied,
  reserveExtension,
} from '../../core/extension.ts';

const RULE: ExtensionRule = { id: 'r', maxDuration: 'PT1H', maxDurationSeconds: 3600, maxExtensions: 3 };
const lease = { id: 'l-1', durationSeconds: 1800, expiresAt: '2026-01-01T10:30:00.000Z', extensions: 0 };
const by = { id: 'x-1', requesterId: 'u-1', actor: 'alice', at: '2026-01-01T10:05:00.000Z', approved: false };

describe('extension arithmetic', () => {
  it('lets an extension up to the maximum through, and refuses one second more naming duration', () => {
    expect(() => checkExtension(lease, 1800, RULE)).not.toThrow();
    const over = (() => {
      try {
        checkExtension(lease, 1801, RULE);
      } catch (err) {
        return err;
      }
    })();
    expect(over).toBeInstanceOf(ValidationError);
    expect((over as ValidationError).message).toMatch(
      /^duration: the lease would last PT1H1S, over the maximum PT1H/,
    );
  });

  it("caps the count of extensions at the rule's maxExtensions (409)", () => {
    expect(() => checkExtension({ ...lease, extensions: 2 }, 60, RULE)).not.toThrow();
    expect(() => checkExtension({ ...lease, extensions: 3 }, 60, RULE)).toThrow(ConflictError);
    expect(() => checkExtension({ ...lease, extensions: 0 }, 60, { ...RULE, maxExtensions: 0 })).toThrow(
      /maxExtensions 0/,
    );
  });

  it('reserves the next period: total, expiry and count move together', () => {
    const r = reserveExtension(lease, 600, by);
    expect(r).toMatchObject({ durationSeconds: 2400, expiresAt: '2026-01-01T10:40:00.000Z', extensions: 1 });
    expect(generationFor(r)).toBe(0);
    expect(isApplied({ extensions: 0 }, r)).toBe(false);
    expect(isApplied({ extensions: 1 }, r)).toBe(true);
    expect(holdPeriodOf(r, new Date('2026-01-01T10:39:59.500Z'))).toEqual({
      eventType: 'Lease Extended',
      seconds: 1,
      expiresAt: '2026-01-01T10:40:00.000Z',
      extensionId: 'x-1',
      extensions: 1,
    });
  });

  it('never lets the applied extensions of a lease exceed the maximum, however they are asked', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2400 }), { maxLength: 20 }), (asks) => {
        let current = { ...lease };
        for (const added of asks) {
          try {
            checkExtension(current, added, RULE);
          } catch {
            continue;
          }
          const r = reserveExtension(current, added, by);
          current = {
            ...current,
            durationSeconds: r.durationSeconds,
            expiresAt: r.expiresAt,
            extensions: r.extensions,
          };
        }
        expect(current.durationSeconds).toBeLessThanOrEqual(RULE.maxDurationSeconds);
        expect(current.extensions).toBeLessThanOrEqual(RULE.maxExtensions);
        expect(Date.parse(current.expiresAt) - Date.parse(lease.expiresAt)).toBe(
          (current.durationSeconds - lease.durationSeconds) * 1000,
        );
      }),
    );
  });
});

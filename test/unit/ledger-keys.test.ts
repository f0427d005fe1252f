import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AssignmentTuple,
  EXECUTION_NAME_RE,
  isLeaseId,
  leaseKey,
  newLeaseId,
  parseTuplePk,
  TUPLE_SK,
  tupleKey,
  tuplePk,
} from '../../core/ledger-keys.ts';

const ARN = 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-0123456789abcdef';
const tuple: AssignmentTuple = {
  principalType: 'USER',
  principalId: '906715c2a4-1b2c3d4e-5f60-7081-92a3-b4c5d6e7f809',
  accountId: '111111111111',
  permissionSetArn: ARN,
};

describe('leaseKey', () => {
  it('builds the lease item key', () => {
    // Act
    const key = leaseKey('l-20250131T090000-abcdefghij');

    // Assess
    expect(key).toEqual({ pk: 'LEASE#l-20250131T090000-abcdefghij', sk: 'LEASE' });
  });
});

describe('tuplePk', () => {
  it('builds the hold key of an assignment tuple', () => {
    // Act
    const key = tupleKey(tuple);

    // Assess
    expect(key).toEqual({ pk: `TUPLE#USER#${tuple.principalId}#111111111111#${ARN}`, sk: TUPLE_SK });
    expect(TUPLE_SK).toBe('HOLD');
  });

  it('round-trips through parseTuplePk', () => {
    // Assess
    fc.assert(
      fc.property(
        fc.constantFrom('USER' as const, 'GROUP' as const),
        fc.stringMatching(/^[a-z0-9-]{1,40}$/),
        fc.stringMatching(/^\d{12}$/),
        fc.stringMatching(/^arn:aws:sso:::permissionSet\/[a-z0-9/-]{1,40}$/),
        (principalType, principalId, accountId, permissionSetArn) => {
          const value = { principalType, principalId, accountId, permissionSetArn };
          expect(parseTuplePk(tuplePk(value))).toEqual(value);
        },
      ),
    );
  });

  it.each([
    { ...tuple, principalId: 'a#b' },
    { ...tuple, principalId: '' },
    { ...tuple, accountId: '1111' },
    { ...tuple, permissionSetArn: '' },
    { ...tuple, principalType: 'ROLE' as 'USER' },
  ])('refuses parts that would make the key ambiguous: %j', (bad) => {
    // Act
    const act = () => tuplePk(bad);

    // Assess
    expect(act).toThrow(RangeError);
  });

  it.each([
    'LEASE#l-20250131T090000-abcdefghij',
    'TUPLE#ROLE#u#111111111111#arn',
    'TUPLE#USER#u#1111#arn',
    'TUPLE#USER##111111111111#arn',
    'TUPLE#USER#u#111111111111#',
    'TUPLE#USER#u#111111111111#arn#extra',
    '',
  ])('parseTuplePk returns null for %j', (pk) => {
    // Act
    const result = parseTuplePk(pk);

    // Assess
    expect(result).toBeNull();
  });
});

describe('newLeaseId', () => {
  it('stamps the UTC time and appends the random part', () => {
    // Act
    const id = newLeaseId(new Date('2025-01-31T09:08:07.654Z'), () => 'abcdefgh23');

    // Assess
    expect(id).toBe('l-20250131T090807-abcdefgh23');
    expect(isLeaseId(id)).toBe(true);
  });

  it('draws a fresh random part by default', () => {
    // Prepare
    const now = new Date('2025-01-31T09:08:07Z');

    // Act
    const ids = new Set(Array.from({ length: 50 }, () => newLeaseId(now)));

    // Assess
    expect(ids.size).toBe(50);
    for (const id of ids) expect(isLeaseId(id)).toBe(true);
  });

  it('is always a valid Step Functions execution name and sorts by time', () => {
    // Prepare
    const date = fc.date({
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    });
    const random = fc.stringMatching(/^[a-z2-7]{10}$/);

    // Assess
    fc.assert(
      fc.property(date, date, random, random, (d1, d2, r1, r2) => {
        const [a, b] = [newLeaseId(d1, () => r1), newLeaseId(d2, () => r2)];
        expect(a).toMatch(EXECUTION_NAME_RE);
        expect(isLeaseId(a)).toBe(true);
        if (Math.floor(d1.getTime() / 1000) < Math.floor(d2.getTime() / 1000)) expect(a < b).toBe(true);
      }),
    );
  });

  it.each(['ABCDEFGHIJ', 'abc', 'abcdefghi1', 'abcdefghij#'])('refuses the random part %j', (bad) => {
    // Act
    const act = () => newLeaseId(new Date(), () => bad);

    // Assess
    expect(act).toThrow(RangeError);
  });

  it.each([
    'l-20250131T090807-abcdefgh2',
    'L-20250131T090807-abcdefgh23',
    'l-20250131090807-abcdefgh23',
    'l-20250131T090807-abcdefgh231',
    42,
    undefined,
  ])('isLeaseId rejects %j', (value) => {
    // Act
    const result = isLeaseId(value);

    // Assess
    expect(result).toBe(false);
  });
});

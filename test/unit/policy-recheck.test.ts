import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError } from '../../core/errors.ts';
import { decidersOf, loadPolicy, recheckLease } from '../../core/policy.ts';
import { contractExample, devReadonly, prodAdmin } from './policy-fixtures.ts';

const lease = { ruleId: 'prod-admin', accountId: '222222222222', permissionSet: 'AdministratorAccess' };
const alice = { userName: 'alice', groups: ['sre'] };

describe('recheckLease: the policy as it is now', () => {
  it('passes a lease its rule still allows', () => {
    expect(recheckLease(loadPolicy(contractExample()), alice, lease).id).toBe('prod-admin');
  });

  it("refuses a requester who left the rule's principals", () => {
    const policy = loadPolicy(contractExample());
    expect(() => recheckLease(policy, { userName: 'alice', groups: ['developers'] }, lease)).toThrow(
      new ForbiddenError('alice is no longer among the principals of rule prod-admin'),
    );
  });

  it('refuses a target that became protected, or that the rule no longer covers', () => {
    const protectedNow = loadPolicy(
      contractExample([devReadonly, { ...prodAdmin, accounts: ['222222222222', '333333333333'] }], {
        protected: { accounts: ['999999999999', '222222222222'], permissionSets: [] },
      }),
    );
    const narrowed = loadPolicy(contractExample([devReadonly, { ...prodAdmin, accounts: ['333333333333'] }]));
    expect(() => recheckLease(protectedNow, alice, lease)).toThrow(/is protected now/);
    expect(() => recheckLease(narrowed, alice, lease)).toThrow(
      /no longer covers AdministratorAccess in 222222222222/,
    );
  });

  it('is a conflict when the rule is gone', () => {
    expect(() => recheckLease(loadPolicy(contractExample([devReadonly])), alice, lease)).toThrow(
      ConflictError,
    );
  });
});

describe('decidersOf', () => {
  it('takes the approvers and quorum of the rule now, not those recorded at request time', () => {
    const policy = loadPolicy(
      contractExample([
        devReadonly,
        { ...prodAdmin, approval: { approvers: { users: ['dana', 'erin'] }, required: 2, timeout: 'PT1H' } },
      ]),
    );
    const recorded = { ruleId: 'prod-admin', approvers: { users: [], groups: ['sre-leads'] }, required: 1 };
    expect(decidersOf(policy, recorded)).toEqual({
      approvers: { users: ['dana', 'erin'], groups: [] },
      required: 2,
    });
    // A rule that stopped needing approval leaves a pending lease with the approvers it had.
    expect(decidersOf(policy, { ...recorded, ruleId: 'dev-readonly' })).toEqual({
      approvers: recorded.approvers,
      required: 1,
    });
  });
});

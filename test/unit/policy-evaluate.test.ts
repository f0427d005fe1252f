import { describe, expect, it } from 'vitest';
import { ForbiddenError, ValidationError } from '../../core/errors.ts';
import { evaluateRequest, type Identity } from '../../core/policy.ts';
import { evaluationPolicy as policy } from './policy-fixtures.ts';

const HOUR = 3_600;

const alice: Identity = { userName: 'alice', groups: ['developers'] };
const bob: Identity = { userName: 'bob', groups: ['sre'] };

describe('evaluateRequest', () => {
  it('grants a matching rule without approval', () => {
    // Act
    const decision = evaluateRequest(policy, alice, {
      accountId: '111111111111',
      permissionSet: 'ReadOnly',
      durationSeconds: HOUR,
    });

    // Assess
    expect(decision).toEqual({
      ruleId: 'dev-readonly',
      approvalRequired: false,
      approvers: { users: [], groups: [] },
      required: 0,
      approvalTimeoutSeconds: 0,
      maxDurationSeconds: 8 * HOUR,
      endSessions: false,
    });
  });

  it('falls back to the rule whose maximum fits, even when it needs approval', () => {
    // Act
    const decision = evaluateRequest(policy, alice, {
      accountId: '111111111111',
      permissionSet: 'ReadOnly',
      durationSeconds: 12 * HOUR,
    });

    // Assess
    expect(decision).toMatchObject({
      ruleId: 'dev-readonly-long',
      approvalRequired: true,
      approvers: { users: [], groups: ['sre-leads'] },
      required: 1,
      approvalTimeoutSeconds: 24 * HOUR,
    });
  });

  it('matches through a group and returns the approval settings of the rule', () => {
    // Act
    const decision = evaluateRequest(policy, bob, {
      accountId: '222222222222',
      permissionSet: 'AdministratorAccess',
      durationSeconds: 2 * HOUR,
    });

    // Assess
    expect(decision).toEqual({
      ruleId: 'prod-admin',
      approvalRequired: true,
      approvers: { users: ['frank'], groups: ['sre-leads'] },
      required: 2,
      approvalTimeoutSeconds: 4 * HOUR,
      maxDurationSeconds: 2 * HOUR,
      endSessions: true,
    });
  });

  it('matches a user listed by name and an account through its OU', () => {
    // Act
    const decision = evaluateRequest(
      policy,
      { userName: 'erin', groups: [] },
      {
        accountId: '333333333333',
        permissionSet: 'AdministratorAccess',
        durationSeconds: HOUR,
        accountOus: ['ou-ab12-prod0001'],
      },
    );

    // Assess
    expect(decision.ruleId).toBe('prod-admin');
  });

  it('checks the duration against the matched rule only', () => {
    // Prepare: bob is also a developer, whose ReadOnly rules allow up to PT24H
    const both: Identity = { userName: 'bob', groups: ['sre', 'developers'] };

    // Act
    const act = () =>
      evaluateRequest(policy, both, {
        accountId: '222222222222',
        permissionSet: 'AdministratorAccess',
        durationSeconds: 3 * HOUR,
      });

    // Assess
    expect(act).toThrow(ValidationError);
    expect(act).toThrow('duration: PT3H exceeds the maximum PT2H of rule prod-admin');
  });

  it('names the longest maximum when no matching rule allows the duration', () => {
    // Act
    const act = () =>
      evaluateRequest(policy, alice, {
        accountId: '111111111111',
        permissionSet: 'ReadOnly',
        durationSeconds: 25 * HOUR,
      });

    // Assess
    expect(act).toThrow('duration: P1DT1H exceeds the maximum PT24H of rule dev-readonly-long');
  });

  it.each([
    [
      'a protected account, even one a rule lists',
      '999999999999',
      'AdministratorAccess',
      /account 999999999999 is protected/,
    ],
    [
      'a protected permission set, even one a rule lists',
      '222222222222',
      'BillingFull',
      /permission set BillingFull is protected/,
    ],
    ['an account no rule lists', '333333333333', 'AdministratorAccess', /no rule allows bob/],
    ['a permission set no rule lists', '222222222222', 'ReadOnly', /no rule allows bob/],
  ])('refuses %s with 403', (_case, accountId, permissionSet, message) => {
    // Act
    const act = () => evaluateRequest(policy, bob, { accountId, permissionSet, durationSeconds: HOUR });

    // Assess
    expect(act).toThrow(ForbiddenError);
    expect(act).toThrow(message);
  });

  it('refuses a protected account even when it is reached through an OU', () => {
    // Act
    const act = () =>
      evaluateRequest(policy, bob, {
        accountId: '999999999999',
        permissionSet: 'AdministratorAccess',
        durationSeconds: HOUR,
        accountOus: ['ou-ab12-prod0001'],
      });

    // Assess
    expect(act).toThrow(ForbiddenError);
  });

  it('refuses a user who matches no rule, checking the principal before the duration', () => {
    // Act
    const act = () =>
      evaluateRequest(
        policy,
        { userName: 'mallory', groups: ['sre-leads'] },
        {
          accountId: '222222222222',
          permissionSet: 'AdministratorAccess',
          durationSeconds: 100 * HOUR,
        },
      );

    // Assess
    expect(act).toThrow(ForbiddenError);
  });

  it.each([0, -5, 1.5])('rejects a duration of %d seconds', (durationSeconds) => {
    // Act
    const act = () =>
      evaluateRequest(policy, alice, {
        accountId: '111111111111',
        permissionSet: 'ReadOnly',
        durationSeconds,
      });

    // Assess
    expect(act).toThrow(/^duration: /);
  });
});

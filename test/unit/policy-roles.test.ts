import { describe, expect, it } from 'vitest';
import { eligibleRules, findRule, isAdmin, isApprover, isAuditor } from '../../core/policy.ts';
import { evaluationPolicy as policy } from './policy-fixtures.ts';

describe('approvers, admins and auditors', () => {
  const approval = findRule(policy, 'prod-admin')?.approval;
  const approvers =
    approval === undefined || approval === 'none' ? { users: [], groups: [] } : approval.approvers;

  it.each([
    [{ userName: 'frank', groups: [] }, true],
    [{ userName: 'gina', groups: ['sre-leads'] }, true],
    [{ userName: 'bob', groups: ['sre'] }, false],
    [{ userName: 'sre-leads', groups: [] }, false],
  ])('isApprover(%j) is %s', (identity, expected) => {
    // Act
    const result = isApprover(approvers, identity);

    // Assess
    expect(result).toBe(expected);
  });

  it('recognises admins and auditors by user or group', () => {
    // Assess
    expect(isAdmin(policy, { userName: 'root-admin', groups: [] })).toBe(true);
    expect(isAdmin(policy, { userName: 'x', groups: ['lease-admins'] })).toBe(true);
    expect(isAdmin(policy, { userName: 'x', groups: ['security-auditors'] })).toBe(false);
    expect(isAuditor(policy, { userName: 'x', groups: ['security-auditors'] })).toBe(true);
    expect(isAuditor(policy, { userName: 'root-admin', groups: ['lease-admins'] })).toBe(false);
  });

  it('lists the eligible rules without protected targets', () => {
    // Act
    const rules = eligibleRules(policy, { userName: 'erin', groups: [] });

    // Assess
    expect(rules).toEqual([
      {
        ruleId: 'prod-admin',
        accounts: ['222222222222'],
        ous: ['ou-ab12-prod0001'],
        permissionSets: ['AdministratorAccess'],
        maxDuration: 'PT2H',
        approvalRequired: true,
      },
    ]);
  });
});

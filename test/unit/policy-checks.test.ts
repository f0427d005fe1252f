import { describe, expect, it } from 'vitest';
import { contractExample, devReadonly, problemsOf, prodAdmin } from './policy-fixtures.ts';

describe('loadPolicy: semantic problems', () => {
  it('reports a duplicate rule id at the second use', () => {
    // Prepare
    const input = contractExample();
    input.rules[1] = { ...prodAdmin, id: 'dev-readonly' };

    // Assess
    expect(problemsOf(input)).toEqual([
      'rules[1].id: duplicate rule id "dev-readonly" (first used by rules[0])',
    ]);
  });

  it('reports a rule whose every account is protected', () => {
    // Prepare
    const input = contractExample();
    input.rules[0] = { ...devReadonly, accounts: ['999999999999'] };

    // Assess
    expect(problemsOf(input)).toEqual([
      'rules[0].accounts: every account is protected, so this rule can never grant anything',
    ]);
  });

  it('accepts protected accounts in a rule that also names an OU', () => {
    // Prepare
    const input = contractExample();
    input.rules[0] = { ...devReadonly, accounts: ['999999999999'], ous: ['ou-ab12-cdef3456'] };

    // Assess
    expect(problemsOf(input)).toEqual([]);
  });

  it('reports a rule with neither accounts nor OUs', () => {
    // Prepare
    const input = contractExample();
    input.rules[1] = { ...prodAdmin, accounts: [] };

    // Assess
    expect(problemsOf(input)).toEqual(['rules[1].accounts: must list at least one account or OU']);
  });

  it('reports a rule whose permission sets are all protected', () => {
    // Prepare
    const input = contractExample();
    input.protected = { accounts: [], permissionSets: ['AdministratorAccess'] };

    // Assess
    expect(problemsOf(input)).toEqual([
      'rules[1].permissionSets: every permission set is protected, so this rule can never grant anything',
    ]);
  });

  it('reports an approval without approvers', () => {
    // Prepare
    const input = contractExample();
    input.rules[1] = { ...prodAdmin, approval: { approvers: { users: [], groups: [] } } };

    // Assess
    expect(problemsOf(input)).toEqual([
      'rules[1].approval.approvers: must list at least one approver user or group',
    ]);
  });

  it('reports a quorum larger than the listed approver users', () => {
    // Prepare
    const input = contractExample();
    input.rules[1] = {
      ...prodAdmin,
      approval: { approvers: { users: ['carol', 'dan', 'carol'] }, required: 3 },
    };

    // Assess
    expect(problemsOf(input)).toEqual([
      'rules[1].approval.required: 3 distinct approvers required but only 2 users listed',
    ]);
  });

  it('does not count group members against the quorum', () => {
    // Prepare
    const input = contractExample();
    input.rules[1] = {
      ...prodAdmin,
      approval: { approvers: { users: ['carol'], groups: ['sre-leads'] }, required: 3 },
    };

    // Assess
    expect(problemsOf(input)).toEqual([]);
  });

  it('reports a rule without principals', () => {
    // Prepare
    const input = contractExample();
    input.rules[0] = { ...devReadonly, principals: { users: [], groups: [] } };

    // Assess
    expect(problemsOf(input)).toEqual(['rules[0].principals: must list at least one user or group']);
  });

  it('reports several semantic problems together, ordered by rule', () => {
    // Prepare
    const input = contractExample();
    input.rules[1] = { ...prodAdmin, id: 'dev-readonly', accounts: ['999999999999'] };
    input.rules[0] = { ...devReadonly, principals: {} };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toEqual([
      'rules[0].principals: must list at least one user or group',
      'rules[1].accounts: every account is protected, so this rule can never grant anything',
      'rules[1].id: duplicate rule id "dev-readonly" (first used by rules[0])',
    ]);
  });
});

describe('loadPolicy: a lease must fit in one workflow execution', () => {
  it('refuses a maxDuration that, after the furthest start, outlives the execution, naming it', () => {
    // Prepare: a start up to 90 days ahead plus 280 days is more than 364 − 7 days.
    const input = contractExample();
    input.rules[0] = { ...devReadonly, maxDuration: 'P280D' };

    // Assess
    expect(problemsOf(input)).toEqual([
      expect.stringMatching(/^rules\[0\]\.maxDuration: a lease could live P370D .*more than the P357D/),
    ]);
  });

  it('counts the approval timeout, and names it when it is the larger part', () => {
    const input = contractExample();
    input.rules[1] = {
      ...prodAdmin,
      maxDuration: 'PT2H',
      approval: { ...(prodAdmin.approval as object), timeout: 'P300D' },
    } as typeof prodAdmin;
    expect(problemsOf(input)).toEqual([expect.stringMatching(/^rules\[1\]\.approval\.timeout: /)]);
  });

  it('accepts the longest life that still fits', () => {
    const input = contractExample();
    input.rules[0] = { ...devReadonly, maxDuration: 'P267D' };
    expect(problemsOf(input)).toEqual([]);
  });

  it('is measured against the timeout the workflow really has', async () => {
    const { EXECUTION_TIMEOUT_SECONDS } = await import('../../core/workflow-limits.ts');
    const { readLeaseDefinition } = await import('../../statemachines/definition.ts');
    expect(JSON.parse(readLeaseDefinition()).TimeoutSeconds).toBe(EXECUTION_TIMEOUT_SECONDS);
  });
});

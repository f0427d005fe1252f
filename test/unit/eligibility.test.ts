import { describe, expect, it } from 'vitest';
import { eligibleTargets } from '../../core/eligibility.ts';
import { OrgTree } from '../../core/org-tree.ts';
import { loadPolicy } from '../../core/policy.ts';

const policy = loadPolicy({
  version: 1,
  rules: [
    {
      id: 'prod',
      principals: { groups: ['ops'] },
      accounts: ['444444444444', '555555555555'],
      permissionSets: ['Admin'],
      maxDuration: 'PT1H',
      approval: { approvers: { users: ['lead'], groups: ['leads'] }, required: 2 },
    },
    {
      id: 'nonprod',
      principals: { groups: ['devs'] },
      accounts: ['111111111111'],
      ous: ['ou-abcd-11111111'],
      permissionSets: ['ReadOnly'],
      maxDuration: 'PT4H',
      approval: 'none',
    },
  ],
  protected: { accounts: ['333333333333'], permissionSets: [] },
});
const tree = new OrgTree([
  { id: 'r-abcd', kind: 'ROOT' },
  { id: 'ou-abcd-11111111', kind: 'OU', parentId: 'r-abcd' },
  { id: 'ou-abcd-22222222', kind: 'OU', parentId: 'ou-abcd-11111111' },
  { id: '222222222222', kind: 'ACCOUNT', parentId: 'ou-abcd-22222222', name: 'staging' },
  { id: '333333333333', kind: 'ACCOUNT', parentId: 'ou-abcd-11111111' },
]);

describe('eligibleTargets', () => {
  it('expands OUs to every account below them and leaves protected accounts out', () => {
    const [rule] = eligibleTargets(policy, { userName: 'a', groups: ['devs'] }, tree);
    expect(rule?.accounts).toEqual(['111111111111', '222222222222']);
    expect(rule?.ous).toEqual(['ou-abcd-11111111']);
  });

  it('lists only named accounts without an organization tree, and nothing for others', () => {
    expect(eligibleTargets(policy, { userName: 'a', groups: ['devs'] })[0]?.accounts).toEqual([
      '111111111111',
    ]);
    expect(eligibleTargets(policy, { userName: 'b', groups: ['nobody'] })).toEqual([]);
  });

  it('names the accounts it knows and says who approves each rule, and how many must', () => {
    // Act
    const [nonprod] = eligibleTargets(policy, { userName: 'a', groups: ['devs'] }, tree, (id) =>
      id === '111111111111' ? 'dev' : undefined,
    );
    const [prod] = eligibleTargets(policy, { userName: 'b', groups: ['ops'] });

    // Assess: the tree's name and the given one; an account without one is left to show its id.
    expect(nonprod?.accountNames).toEqual({ '111111111111': 'dev', '222222222222': 'staging' });
    expect(nonprod).toMatchObject({ approvers: { users: [], groups: [] }, requiredApprovals: 0 });
    expect(prod).toMatchObject({
      accountNames: {},
      approvers: { users: ['lead'], groups: ['leads'] },
      requiredApprovals: 2,
    });
  });
});

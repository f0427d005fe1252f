import { describe, expect, it } from 'vitest';
import { OrgTree } from '../../core/org-tree.ts';

// root ─ ou-a ─ ou-b ─ 111111111111
//      │      └ 222222222222
//      └ 333333333333
const tree = () =>
  new OrgTree([
    { id: 'r-1', kind: 'ROOT' },
    { id: 'ou-a', kind: 'OU', parentId: 'r-1' },
    { id: 'ou-b', kind: 'OU', parentId: 'ou-a' },
    { id: '111111111111', kind: 'ACCOUNT', parentId: 'ou-b' },
    { id: '222222222222', kind: 'ACCOUNT', parentId: 'ou-a' },
    { id: '333333333333', kind: 'ACCOUNT', parentId: 'r-1' },
  ]);

describe('OrgTree', () => {
  it('finds every OU above an account, innermost first', () => {
    expect(tree().ousOf('111111111111')).toEqual(['ou-b', 'ou-a']);
    expect(tree().ousOf('333333333333')).toEqual([]);
    expect(tree().ousOf('444444444444')).toEqual([]);
  });

  it('finds every account below an OU, recursively', () => {
    expect(tree().accountsUnder('ou-a')).toEqual(['111111111111', '222222222222']);
    expect(tree().accountsUnder('ou-b')).toEqual(['111111111111']);
    expect(tree().accountsUnder('ou-unknown')).toEqual([]);
  });

  it('survives a cycle in bad data instead of looping forever', () => {
    const cyclic = new OrgTree([
      { id: 'ou-x', kind: 'OU', parentId: 'ou-y' },
      { id: 'ou-y', kind: 'OU', parentId: 'ou-x' },
      { id: '555555555555', kind: 'ACCOUNT', parentId: 'ou-x' },
    ]);
    expect(cyclic.ousOf('555555555555')).toEqual(['ou-x', 'ou-y']);
    expect(cyclic.accountsUnder('ou-y')).toEqual(['555555555555']);
  });
});

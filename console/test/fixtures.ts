import type { EligibleRule, Lease, Me } from '../src/api/types.ts';

export const rule = (over: Partial<EligibleRule> = {}): EligibleRule => ({
  ruleId: 'dev-readonly',
  accounts: ['111111111111'],
  permissionSets: ['ReadOnly'],
  maxDuration: 'PT8H',
  approvalRequired: false,
  accountNames: {},
  approvers: { users: [], groups: [] },
  requiredApprovals: 0,
  ...over,
});

export const me = (over: Partial<Me> = {}): Me => ({
  userName: 'alice',
  userId: 'u-alice',
  groups: [],
  auditor: false,
  admin: false,
  ...over,
});

export const lease = (over: Partial<Lease> = {}): Lease => ({
  id: 'l-1',
  status: 'ACTIVE',
  requester: { userName: 'alice', userId: 'u-alice' },
  accountId: '111111111111',
  permissionSet: 'ReadOnly',
  duration: 'PT1H',
  justification: 'INC-1',
  ruleId: 'dev-readonly',
  approvalRequired: false,
  requiredApprovals: 0,
  approvals: [],
  requestedAt: '2026-11-22T10:00:00.000Z',
  assignment: { preExisting: false },
  timeline: [],
  ...over,
});

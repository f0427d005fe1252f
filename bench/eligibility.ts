/**
 * Policy evaluation at scale, pure code: 5,000 accounts in 200 nested OUs, 1,000 permission
 * sets, 500 rules, a user in 20 groups. TEAM's eligibility Lambda times out at ~120–277 accounts.
 */
import { performance } from 'node:perf_hooks';
import { eligibleTargets } from '../core/eligibility.ts';
import { type OrgNode, OrgTree } from '../core/org-tree.ts';
import { evaluateRequest, loadPolicy } from '../core/policy.ts';

const ACCOUNTS = 5000;
const OUS = 200;
const PERMISSION_SETS = 1000;
const RULES = 500;
const GROUPS = 100;

/** A small deterministic generator, so runs compare. */
const random = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1] as number;

export function benchEligibility(samples = 500) {
  const rnd = random(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  // 200 OUs nested up to 5 deep under one root; accounts spread over them.
  const ous = Array.from({ length: OUS }, (_, i) => `ou-bnch-${String(i).padStart(8, '0')}`);
  const nodes: OrgNode[] = [{ id: 'r-root', kind: 'ROOT' }];
  ous.forEach((id, i) => {
    nodes.push({ id, kind: 'OU', parentId: i < 10 ? 'r-root' : (ous[Math.floor(i / 5)] as string) });
  });
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => String(100_000_000_000 + i));
  for (const id of accounts) nodes.push({ id, kind: 'ACCOUNT', parentId: pick(ous) });
  const tree = new OrgTree(nodes);
  const permissionSets = Array.from({ length: PERMISSION_SETS }, (_, i) => `PermissionSet${i}`);
  const groups = Array.from({ length: GROUPS }, (_, i) => `group-${i}`);
  const policy = loadPolicy({
    version: 1,
    rules: Array.from({ length: RULES }, (_, i) => ({
      id: `rule-${i}`,
      principals: { groups: [pick(groups), pick(groups)] },
      accounts: Array.from({ length: 5 }, () => pick(accounts)),
      ous: rnd() < 0.5 ? [pick(ous)] : [],
      permissionSets: Array.from({ length: 4 }, () => pick(permissionSets)),
      maxDuration: pick(['PT1H', 'PT4H', 'PT8H']),
      approval: rnd() < 0.5 ? 'none' : { approvers: { groups: [pick(groups)] }, required: 1 },
    })),
    protected: { accounts: [accounts[0]], permissionSets: [] },
  });
  const identity = { userName: 'bench', groups: Array.from({ length: 20 }, () => pick(groups)) };

  const decisions: number[] = [];
  const lists: number[] = [];
  for (let i = 0; i < samples; i++) {
    const accountId = pick(accounts);
    let start = performance.now();
    try {
      evaluateRequest(policy, identity, {
        accountId,
        permissionSet: pick(permissionSets),
        durationSeconds: 3600,
        accountOus: tree.ousOf(accountId),
      });
    } catch {
      // Most random requests are refused: the refusal is the decision being timed.
    }
    decisions.push(performance.now() - start);
    if (i % 5 === 0) {
      // A fresh tree each time: a cold cache is the worst case for expanding OUs.
      const cold = new OrgTree(nodes);
      start = performance.now();
      eligibleTargets(policy, identity, cold);
      lists.push(performance.now() - start);
    }
  }
  return {
    eligibilityDecisionMsP95: Math.round(p95(decisions) * 1000) / 1000,
    eligibilityListMsP95: Math.round(p95(lists) * 1000) / 1000,
  };
}

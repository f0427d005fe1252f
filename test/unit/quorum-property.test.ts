import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Approval } from '../../core/lease.ts';
import { evaluateRequest, isApprover, loadPolicy } from '../../core/policy.ts';
import { countingApprovers, quorumReached } from '../../core/quorum.ts';

const users = ['ana', 'ben', 'cy', 'dee', 'eve'];
const approvalArb = fc.record({
  userName: fc.constantFrom(...users),
  decision: fc.constantFrom('APPROVED' as const, 'REJECTED' as const),
  at: fc.constant('2026-01-01T00:00:00.000Z'),
}) as fc.Arbitrary<Approval>;

describe('quorum', () => {
  it('needs `required` distinct approving users, never counting the requester, duplicates or rejections', () => {
    fc.assert(
      fc.property(
        fc.array(approvalArb, { maxLength: 12 }),
        fc.constantFrom(...users),
        fc.integer({ min: 1, max: 4 }),
        (approvals, requester, required) => {
          const distinct = new Set(
            approvals
              .filter((a) => a.decision === 'APPROVED' && a.userName !== requester)
              .map((a) => a.userName),
          );
          expect(quorumReached(approvals, requester, required)).toBe(distinct.size >= required);
          expect(countingApprovers(approvals, requester)).not.toContain(requester);
        },
      ),
    );
  });

  it('is never reached by one user approving many times', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 2, max: 5 }), (times, required) => {
        const approvals = Array.from({ length: times }, () => ({
          userName: 'ana',
          decision: 'APPROVED' as const,
          at: '2026-01-01T00:00:00.000Z',
        }));
        expect(quorumReached(approvals, 'ben', required)).toBe(false);
      }),
    );
  });
});

describe('approvers', () => {
  it("come from the matched rule only: another rule's approvers never count", () => {
    const policy = loadPolicy({
      version: 1,
      rules: [
        {
          id: 'prod',
          principals: { groups: ['devs'] },
          accounts: ['222222222222'],
          permissionSets: ['Admin'],
          maxDuration: 'PT1H',
          approval: { approvers: { groups: ['prod-leads'] }, required: 1 },
        },
        {
          id: 'dev',
          principals: { groups: ['devs'] },
          accounts: ['111111111111'],
          permissionSets: ['Admin'],
          maxDuration: 'PT1H',
          approval: { approvers: { groups: ['dev-leads'] }, required: 1 },
        },
      ],
    });
    fc.assert(
      fc.property(fc.subarray(['prod-leads', 'dev-leads', 'devs', 'ops']), (groups) => {
        const decision = evaluateRequest(
          policy,
          { userName: 'requester', groups: ['devs'] },
          {
            accountId: '222222222222',
            permissionSet: 'Admin',
            durationSeconds: 600,
          },
        );
        expect(isApprover(decision.approvers, { userName: 'x', groups })).toBe(groups.includes('prod-leads'));
      }),
    );
  });
});

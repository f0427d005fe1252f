import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Approval } from '../../core/lease.ts';
import { evaluateRequest, isApprover, loadPolicy } from '../../core/policy.ts';
import { countingApprovers, quorumReached } from '../../core/quorum.ts';

const users = ['ana', 'ben', 'cy', 'dee', 'eve'];
const approvalArb = fc.record({
  userName: fc.constantFrom(...users),
  // Ids are what counts; names may repeat across ids (a rename), so they are drawn apart.
  userId: fc.constantFrom(...users.map((u) => `id-${u}`)),
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
              .filter((a) => a.decision === 'APPROVED' && a.userId !== `id-${requester}`)
              .map((a) => a.userId),
          );
          expect(quorumReached(approvals, `id-${requester}`, required)).toBe(distinct.size >= required);
          expect(countingApprovers(approvals, `id-${requester}`)).not.toContain(`id-${requester}`);
        },
      ),
    );
  });

  it('is never reached by one user approving many times', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 2, max: 5 }), (times, required) => {
        const approvals = Array.from({ length: times }, () => ({
          userName: 'ana',
          userId: 'id-ana',
          decision: 'APPROVED' as const,
          at: '2026-01-01T00:00:00.000Z',
        }));
        expect(quorumReached(approvals, 'id-ben', required)).toBe(false);
      }),
    );
  });

  it('counts users by id: one user under two names is one approver, two users of one name are two', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const renamed = [
      { userName: 'ana', userId: 'id-ana', decision: 'APPROVED' as const, at },
      { userName: 'ana.new', userId: 'id-ana', decision: 'APPROVED' as const, at },
    ];
    const sameName = [
      { userName: 'ana', userId: 'id-ana', decision: 'APPROVED' as const, at },
      { userName: 'ana', userId: 'id-ana-2', decision: 'APPROVED' as const, at },
    ];
    expect(quorumReached(renamed, 'id-ben', 2)).toBe(false);
    expect(quorumReached(sameName, 'id-ben', 2)).toBe(true);
    // The requester is known by id too: a different name does not make them an approver.
    expect(
      quorumReached([{ userName: 'someone', userId: 'id-ana', decision: 'APPROVED', at }], 'id-ana', 1),
    ).toBe(false);
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

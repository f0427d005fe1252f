import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eligibleTargets } from '../../core/eligibility.ts';
import { evaluateRequest, loadPolicy } from '../../core/policy.ts';
import {
  approvalText,
  chosenRule,
  longestMaximum,
  permissionSetChoices,
  rulesFor,
} from '../src/logic/rules.ts';
import { rule } from './fixtures.ts';

const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const SETS = ['ReadOnly', 'Admin'];
const subset = <T>(xs: T[]) => fc.subarray(xs, { minLength: 1 });

describe('the rule shown before submitting', () => {
  it('is the one the server picks (core evaluateRequest), for any policy and request', () => {
    const ruleArb = fc.record({
      accounts: subset(ACCOUNTS),
      permissionSets: subset(SETS),
      maxDuration: fc.constantFrom('PT1H', 'PT2H', 'PT4H'),
      approval: fc.oneof(
        fc.constant('none' as const),
        fc.record({
          approvers: fc.constant({ groups: ['leads'] }),
          required: fc.integer({ min: 1, max: 3 }),
        }),
      ),
    });
    fc.assert(
      fc.property(
        fc.array(ruleArb, { minLength: 1, maxLength: 5 }),
        fc.constantFrom(...ACCOUNTS),
        fc.constantFrom(...SETS),
        fc.constantFrom(1800, 3600, 5400, 10_800, 20_000),
        (rules, accountId, permissionSet, seconds) => {
          // Prepare
          const policy = loadPolicy({
            version: 1,
            rules: rules.map((r, i) => ({ ...r, id: `r${i}`, principals: { groups: ['devs'] } })),
          });
          const identity = { userName: 'alice', groups: ['devs'] };
          let server: string | undefined;
          try {
            server = evaluateRequest(policy, identity, {
              accountId,
              permissionSet,
              durationSeconds: seconds,
            }).ruleId;
          } catch {
            server = undefined;
          }

          // Act
          const shown = chosenRule(
            rulesFor(eligibleTargets(policy, identity), accountId, permissionSet),
            seconds,
          );

          // Assess
          expect(shown?.ruleId).toBe(server);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('what the form offers', () => {
  const rules = [
    rule({
      ruleId: 'ro',
      accounts: ['111111111111', '222222222222'],
      permissionSets: ['ReadOnly'],
      maxDuration: 'PT8H',
    }),
    rule({
      ruleId: 'admin',
      accounts: ['222222222222'],
      permissionSets: ['Admin', 'ReadOnly'],
      maxDuration: 'PT12H',
    }),
  ];

  it('offers the permission sets of the chosen account only, or of all accounts before one is chosen', () => {
    expect(permissionSetChoices(rules, '111111111111')).toEqual(['ReadOnly']);
    expect(permissionSetChoices(rules, '222222222222')).toEqual(['Admin', 'ReadOnly']);
    expect(permissionSetChoices(rules)).toEqual(['Admin', 'ReadOnly']);
  });

  it('bounds the duration by the longest maximum of the matching rules', () => {
    expect(longestMaximum(rulesFor(rules, '222222222222', 'ReadOnly'))).toBe('PT12H');
    expect(longestMaximum(rulesFor(rules, '111111111111', 'ReadOnly'))).toBe('PT8H');
    expect(longestMaximum([])).toBeUndefined();
  });
});

describe('the approval notice', () => {
  it('says when nothing is to be approved', () => {
    expect(approvalText(rule({ ruleId: 'dev' }))).toBe(
      'No approval needed (rule dev): access is granted right away.',
    );
  });

  it('says how many approvals, from whom, and that the requester is not one of them', () => {
    const text = approvalText(
      rule({
        ruleId: 'prod',
        approvalRequired: true,
        approvers: { users: ['carol'], groups: ['sre-leads', 'security'] },
        requiredApprovals: 2,
      }),
    );
    expect(text).toBe(
      'Needs 2 approvals by different people (rule prod) from user carol, a member of sre-leads or a member of security; you cannot approve your own request.',
    );
    expect(
      approvalText(
        rule({ approvalRequired: true, approvers: { users: [], groups: ['sre'] }, requiredApprovals: 1 }),
      ),
    ).toContain('Needs 1 approval (rule dev-readonly) from a member of sre');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../core/duration.ts';
import { ForbiddenError, ValidationError } from '../../core/errors.ts';
import {
  type AccessRequest,
  evaluateRequest,
  type Identity,
  type Policy,
  type Rule,
} from '../../core/policy.ts';

const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '999999999999'];
const PERMISSION_SETS = ['ReadOnly', 'AdministratorAccess', 'Billing'];
const USERS = ['alice', 'bob', 'carol'];
const GROUPS = ['developers', 'sre', 'sre-leads'];
const OUS = ['ou-ab12-aaaaaaaa', 'ou-ab12-bbbbbbbb'];

const subset = (values: string[], minLength = 0) => fc.subarray(values, { minLength });
const seconds = fc.integer({ min: 60, max: 48 * 3_600 });

const ruleArb = (id: string): fc.Arbitrary<Rule> =>
  fc.record({
    id: fc.constant(id),
    principals: fc.record({ users: subset(USERS), groups: subset(GROUPS) }),
    accounts: subset(ACCOUNTS),
    ous: fc.option(subset(OUS), { nil: undefined }),
    permissionSets: subset(PERMISSION_SETS, 1),
    maxDuration: seconds.map(formatDuration),
    approval: fc.oneof(
      fc.constant('none' as const),
      fc.record({
        approvers: fc.record({ users: subset(USERS), groups: subset(GROUPS) }),
        required: fc.integer({ min: 1, max: 3 }),
        timeout: seconds.map(formatDuration),
      }),
    ),
    endSessions: fc.boolean(),
    maxExtensions: fc.integer({ min: 0, max: 50 }),
  });

const policyArb: fc.Arbitrary<Policy> = fc.record({
  version: fc.constant(1 as const),
  rules: fc
    .integer({ min: 0, max: 5 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ruleArb(`r${i}`)))),
  protected: fc.record({ accounts: subset(ACCOUNTS), permissionSets: subset(PERMISSION_SETS) }),
  auditors: fc.constant({ users: [], groups: [] }),
  admins: fc.constant({ users: [], groups: [] }),
});

const identityArb: fc.Arbitrary<Identity> = fc.record({
  userName: fc.constantFrom(...USERS, 'mallory'),
  groups: subset(GROUPS),
});

const requestArb: fc.Arbitrary<AccessRequest> = fc.record({
  accountId: fc.constantFrom(...ACCOUNTS),
  permissionSet: fc.constantFrom(...PERMISSION_SETS),
  durationSeconds: seconds,
  accountOus: subset(OUS),
});

/** An independent reading of the CONTRACT: which rules match, ignoring the duration. */
function matchingRules(policy: Policy, identity: Identity, request: AccessRequest): Rule[] {
  return policy.rules.filter(
    (r) =>
      (r.principals.users.includes(identity.userName) ||
        r.principals.groups.some((g) => identity.groups.includes(g))) &&
      (r.accounts.includes(request.accountId) ||
        (r.ous ?? []).some((o) => request.accountOus?.includes(o))) &&
      r.permissionSets.includes(request.permissionSet),
  );
}

describe('evaluateRequest properties', () => {
  it('never grants a protected target or a duration over the chosen rule', () => {
    // Assess
    fc.assert(
      fc.property(policyArb, identityArb, requestArb, (policy, identity, request) => {
        const isProtected =
          policy.protected.accounts.includes(request.accountId) ||
          policy.protected.permissionSets.includes(request.permissionSet);
        const matching = matchingRules(policy, identity, request);
        const fitting = matching.filter((r) => parseDuration(r.maxDuration) >= request.durationSeconds);
        let outcome: unknown;
        try {
          outcome = evaluateRequest(policy, identity, request);
        } catch (err) {
          outcome = err;
        }

        if (isProtected || matching.length === 0) {
          expect(outcome).toBeInstanceOf(ForbiddenError);
        } else if (fitting.length === 0) {
          expect(outcome).toBeInstanceOf(ValidationError);
          expect((outcome as ValidationError).field).toBe('duration');
        } else {
          const decision = outcome as ReturnType<typeof evaluateRequest>;
          const rule = fitting.find((r) => r.id === decision.ruleId);
          expect(rule).toBeDefined();
          expect(decision.maxDurationSeconds).toBe(parseDuration(rule?.maxDuration));
          expect(decision.maxDurationSeconds).toBeGreaterThanOrEqual(request.durationSeconds);
          expect(decision.approvalRequired).toBe(!fitting.some((r) => r.approval === 'none'));
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

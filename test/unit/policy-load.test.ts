import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_EXTENSIONS,
  loadPolicy,
  MAX_EXTENSIONS_LIMIT,
  managedAccounts,
  managedPermissionSets,
  type PolicyInput,
} from '../../core/policy.ts';
import { contractExample, devReadonly, problemsOf, prodAdmin } from './policy-fixtures.ts';

describe('loadPolicy: valid files', () => {
  it('loads the CONTRACT example and fills in defaults', () => {
    // Act
    const policy = loadPolicy(contractExample());

    // Assess
    expect(policy.rules[0]).toMatchObject({
      endSessions: false,
      maxExtensions: DEFAULT_MAX_EXTENSIONS,
      principals: { users: [], groups: ['developers'] },
    });
    expect(policy.rules[1]?.approval).toEqual({
      approvers: { users: [], groups: ['sre-leads'] },
      required: 1,
      timeout: 'PT4H',
    });
  });

  it('defaults approval quorum and timeout, and the optional top-level sections', () => {
    // Prepare
    const input = contractExample();
    input.rules[1] = { ...prodAdmin, approval: { approvers: { users: ['carol'] } } };
    delete input.protected;
    delete input.auditors;
    delete input.admins;

    // Act
    const policy = loadPolicy(input);

    // Assess
    expect(policy.rules[1]?.approval).toEqual({
      approvers: { users: ['carol'], groups: [] },
      required: 1,
      timeout: 'PT24H',
    });
    expect(policy.protected).toEqual({ accounts: [], permissionSets: [] });
    expect(policy.admins).toEqual({ users: [], groups: [] });
  });

  it("takes a rule's own maxExtensions, 0 included (no extensions at all)", () => {
    const policy = loadPolicy(
      contractExample([
        { ...devReadonly, maxExtensions: 0 },
        { ...prodAdmin, maxExtensions: 3 },
      ]),
    );
    expect(policy.rules.map((r) => r.maxExtensions)).toEqual([0, 3]);
  });

  it('loads policies/access.example.json', () => {
    // Prepare
    const file = new URL('../../policies/access.example.json', import.meta.url);
    const json: unknown = JSON.parse(readFileSync(file, 'utf8'));

    // Act
    const policy = loadPolicy(json, 'policies/access.example.json');

    // Assess
    expect(policy.rules.slice(0, 2).map((r) => r.id)).toEqual(['dev-readonly', 'prod-admin']);
    expect(managedAccounts(policy)).toEqual(['111111111111', '222222222222']);
    expect(managedPermissionSets(policy)).toEqual(['AdministratorAccess', 'ReadOnly']);
  });
});

describe('loadPolicy: schema problems', () => {
  it('reports every problem at once, each with its path', () => {
    // Prepare
    const input = contractExample() as Record<string, unknown> & PolicyInput;
    input.version = 2 as 1;
    input.extra = true;
    input.rules[0] = { ...devReadonly, maxDuration: 'P1Y', accounts: ['1111'] };
    input.rules[1] = {
      ...prodAdmin,
      approval: { approvers: {}, required: 0, timeot: 'PT1H' } as never,
    };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        'version: must be 1',
        'extra: unknown key',
        'rules[0].accounts[0]: must be a 12-digit AWS account id',
        expect.stringMatching(/^rules\[0\]\.maxDuration: must be an ISO 8601 duration/),
        'rules[1].approval.required: must be at least 1',
        'rules[1].approval.timeot: unknown key',
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it.each([
    [
      { approval: 'auto' },
      'rules[0].approval: must be "none" or {approvers: {users?, groups?}, required?, timeout?}',
    ],
    [{ maxDuration: 'PT0S' }, 'rules[0].maxDuration: must be longer than zero'],
    [{ maxDuration: 'P400D' }, 'rules[0].maxDuration: must not exceed 366 days (P366D)'],
    [{ maxDuration: undefined }, 'rules[0].maxDuration: is required'],
    [{ permissionSets: [] }, 'rules[0].permissionSets: must list at least one permission set'],
    [
      { permissionSets: ['Read Only'] },
      expect.stringMatching(/^rules\[0\]\.permissionSets\[0\]: must be a permission set/),
    ],
    [{ ous: ['engineering'] }, expect.stringMatching(/^rules\[0\]\.ous\[0\]: must be an OU id/)],
    [{ endSessions: 'yes' }, expect.stringMatching(/^rules\[0\]\.endSessions: /)],
    [{ principals: { group: ['x'] } }, 'rules[0].principals.group: unknown key'],
    [{ maxDuraton: 'PT1H' }, 'rules[0].maxDuraton: unknown key'],
    [{ maxExtensions: -1 }, 'rules[0].maxExtensions: must be 0 or more'],
    [{ maxExtensions: 2.5 }, 'rules[0].maxExtensions: must be a whole number'],
    [
      { maxExtensions: MAX_EXTENSIONS_LIMIT + 1 },
      `rules[0].maxExtensions: must be at most ${MAX_EXTENSIONS_LIMIT}`,
    ],
    [{ maxExtensions: '3' }, expect.stringMatching(/^rules\[0\]\.maxExtensions: /)],
  ])('rejects the rule change %j', (change, expected) => {
    // Prepare
    const input = contractExample();
    input.rules[0] = { ...devReadonly, ...change } as never;

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toEqual([expected]);
  });

  it('says what is wrong with a document that is not an object', () => {
    // Act
    const problems = problemsOf([]);

    // Assess
    expect(problems).toEqual([expect.stringMatching(/^\(root\): /)]);
  });
});

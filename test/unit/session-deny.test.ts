import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accessKeptBy,
  addDeny,
  checkSize,
  type DenyTarget,
  denyStatement,
  parsePolicy,
  pruneExpired,
  removableAt,
  renderPolicy,
  SessionPolicyError,
  targetOf,
} from '../../core/session-deny.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const target: DenyTarget = {
  userId: '9067-user-1',
  accountId: '111111111111',
  issuedBefore: '2026-03-01T12:00:00.250Z',
  removeAfter: '2026-03-01T13:00:00.250Z',
};
const OPERATOR = { Sid: 'ReadLogs', Effect: 'Allow', Action: ['logs:Get*'], Resource: '*' };

describe('the deny statement', () => {
  it('denies the user on that account for sessions issued before the end, rounded up to the second', () => {
    // Act
    const statement = denyStatement(target);

    // Assess
    expect(statement).toEqual({
      Sid: expect.stringMatching(/^IdcLease20260301T130001Z[0-9a-f]{10}$/),
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: {
        StringEquals: { 'identitystore:userId': '9067-user-1', 'aws:PrincipalAccount': '111111111111' },
        DateLessThan: { 'aws:TokenIssueTime': '2026-03-01T12:00:01Z' },
      },
    });
    expect(removableAt(statement.Sid)).toBe('2026-03-01T13:00:01Z');
    expect(targetOf(statement)).toEqual({
      ...target,
      issuedBefore: '2026-03-01T12:00:01Z',
      removeAfter: '2026-03-01T13:00:01Z',
    });
  });

  it('has an alphanumeric Sid that reads back as the same target, for any target', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.stringMatching(/^\d{12}$/),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2099-01-01'), noInvalidDate: true }),
        fc.integer({ min: 3600, max: 43_200 }),
        (userId, accountId, end, seconds) => {
          // Prepare
          const t = {
            userId,
            accountId,
            issuedBefore: end.toISOString(),
            removeAfter: new Date(end.getTime() + seconds * 1000).toISOString(),
          };
          // Act
          const statement = denyStatement(t);
          // Assess
          expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/);
          const back = targetOf(statement) as DenyTarget;
          expect(back.userId).toBe(userId);
          expect(Date.parse(back.issuedBefore) - end.getTime()).toBeGreaterThanOrEqual(0);
          expect(Date.parse(back.issuedBefore) - end.getTime()).toBeLessThan(1000);
          expect(Date.parse(back.removeAfter)).toBeGreaterThanOrEqual(Date.parse(t.removeAfter));
        },
      ),
    );
  });
});

describe('adding a deny to an inline policy', () => {
  it('keeps the operator’s statements and keys and appends ours', () => {
    // Prepare
    const original = JSON.stringify({ Version: '2012-10-17', Id: 'ops', Statement: [OPERATOR] });

    // Act
    const change = addDeny(parsePolicy(original), target, NOW);
    const written = JSON.parse(renderPolicy(change.doc));

    // Assess
    expect(change.changed).toBe(true);
    expect(change.accounts).toEqual(['111111111111']);
    expect(Object.keys(written)).toEqual(['Version', 'Id', 'Statement']);
    expect(written.Statement).toEqual([OPERATOR, denyStatement(target)]);
  });

  it('starts a policy when the permission set has none', () => {
    // Act
    const written = JSON.parse(renderPolicy(addDeny(parsePolicy(''), target, NOW).doc));

    // Assess
    expect(written).toEqual({ Version: '2012-10-17', Statement: [denyStatement(target)] });
  });

  it('keeps one statement per user and account, with the later end, and changes nothing when replayed', () => {
    // Prepare
    const first = addDeny(parsePolicy(''), target, NOW).doc;
    const laterEnd = { ...target, issuedBefore: '2026-03-01T12:30:00Z', removeAfter: '2026-03-01T13:30:00Z' };

    // Act
    const merged = addDeny(first, laterEnd, NOW);
    const replayed = addDeny(merged.doc, target, NOW);

    // Assess
    expect(merged.doc.statements).toEqual([denyStatement(laterEnd)]);
    expect(replayed.changed).toBe(false);
    expect(replayed.accounts).toEqual([]);
  });

  it('keeps both users when two leases end on the same permission set', () => {
    // Prepare
    const other = { ...target, userId: '9067-user-2' };

    // Act
    const both = addDeny(addDeny(parsePolicy(''), target, NOW).doc, other, NOW);

    // Assess
    expect(both.doc.statements).toEqual([denyStatement(target), denyStatement(other)]);
  });

  it('refuses to write a policy over the size IAM allows a role, rather than drop a statement', () => {
    // Prepare
    let doc = parsePolicy('');
    for (let i = 0; i < 60; i++) doc = addDeny(doc, { ...target, userId: `user-${i}` }, NOW).doc;

    // Act
    const write = () => checkSize(renderPolicy(doc));

    // Assess
    expect(write).toThrow(SessionPolicyError);
    expect(write).toThrow(/over the 10240 .* sessions were NOT ended/);
    expect(() => checkSize(renderPolicy(addDeny(parsePolicy(''), target, NOW).doc))).not.toThrow();
  });

  it('refuses a policy it cannot parse instead of overwriting it', () => {
    // Act
    const parse = () => parsePolicy('{"Statement": [');

    // Assess
    expect(parse).toThrow(SessionPolicyError);
  });
});

describe('pruning expired denies', () => {
  it('drops ours once the session duration has passed, names its account, and keeps the rest', () => {
    // Prepare
    const other = { ...target, userId: 'u2', accountId: '222222222222', removeAfter: '2026-03-01T15:00:00Z' };
    const doc = addDeny(
      addDeny(parsePolicy(JSON.stringify({ Statement: [OPERATOR] })), target, NOW).doc,
      other,
      NOW,
    ).doc;

    // Act
    const early = pruneExpired(doc, new Date('2026-03-01T13:00:00Z'));
    const later = pruneExpired(doc, new Date('2026-03-01T13:00:01Z'));

    // Assess
    expect(early.changed).toBe(false);
    expect(later.changed).toBe(true);
    expect(later.accounts).toEqual(['111111111111']);
    expect(later.doc.statements).toEqual([OPERATOR, denyStatement(other)]);
  });

  it('keeps a statement with our prefix it cannot read back (never guesses an expiry)', () => {
    // Prepare
    const odd = { Sid: 'IdcLeaseHandWritten', Effect: 'Deny', Action: '*', Resource: '*' };

    // Act
    const pruned = pruneExpired(parsePolicy(JSON.stringify({ Statement: [odd] })), new Date('2100-01-01'));

    // Assess
    expect(pruned.doc.statements).toEqual([odd]);
    expect(pruned.changed).toBe(false);
  });

  const json = fc.jsonValue({ maxDepth: 2 });
  const foreign = fc.oneof(
    fc.record({ Sid: fc.stringMatching(/^[A-HJ-Za-z0-9]{0,12}$/), Effect: fc.constant('Allow'), x: json }),
    fc.record({ Effect: fc.constantFrom('Allow', 'Deny'), Action: json, Resource: json }),
  );
  const doc = fc.record(
    {
      Version: fc.constant('2012-10-17'),
      Id: fc.string(),
      Statement: fc.oneof(foreign, fc.array(foreign, { maxLength: 5 })),
    },
    { requiredKeys: ['Statement'] },
  );
  const targets = fc.array(
    fc.record({
      userId: fc.constantFrom('a', 'b', 'c'),
      accountId: fc.constantFrom('111111111111', '222222222222'),
      issuedBefore: fc.constant('2026-03-01T12:00:00Z'),
      removeAfter: fc.constantFrom('2026-03-01T13:00:00Z', '2026-03-01T14:00:00Z'),
    }),
    { maxLength: 6 },
  );

  it('gives back the operator’s policy exactly once every deny has expired, whatever it held', () => {
    fc.assert(
      fc.property(doc, targets, (original, added) => {
        // Prepare
        const text = JSON.stringify(original);
        let current = parsePolicy(text);
        for (const t of added) current = addDeny(current, t, NOW).doc;

        // Act
        const restored = pruneExpired(current, new Date('2026-03-02T00:00:00Z'));

        // Assess
        expect(renderPolicy(restored.doc)).toBe(text);
        const ours = current.statements.filter((s) => targetOf(s) !== null);
        expect(ours).toHaveLength(new Set(added.map((t) => `${t.userId}/${t.accountId}`)).size);
      }),
    );
  });
});

describe('whether the user keeps access', () => {
  const base = {
    leaseId: 'l-1',
    userId: 'u1',
    holders: [] as string[],
    standing: false,
    assignments: [] as { principalType?: string; principalId?: string }[],
    groupIds: new Set<string>(),
  };

  it('is null only when no lease, standing, user or group assignment remains', () => {
    // Act / Assess
    expect(accessKeptBy({ ...base, holders: ['l-1'] })).toBeNull();
    expect(accessKeptBy({ ...base, assignments: [{ principalType: 'USER', principalId: 'u2' }] })).toBeNull();
    expect(accessKeptBy({ ...base, holders: ['l-1', 'l-2'] })).toBe('other-lease');
    expect(accessKeptBy({ ...base, standing: true })).toBe('standing');
    expect(accessKeptBy({ ...base, assignments: [{ principalType: 'USER', principalId: 'u1' }] })).toBe(
      'user-assignment',
    );
    const group = [{ principalType: 'GROUP', principalId: 'g1' }];
    expect(accessKeptBy({ ...base, assignments: group })).toBeNull();
    expect(accessKeptBy({ ...base, assignments: group, groupIds: new Set(['g1']) })).toBe('group-assignment');
  });
});

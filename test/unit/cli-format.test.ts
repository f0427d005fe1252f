import { describe, expect, it } from 'vitest';
import {
  eligibilityTable,
  json,
  type LeaseView,
  leaseDetail,
  leaseTable,
  meDetail,
  statusOf,
  table,
} from '../../cli/format.ts';
import { joinCsvPages } from '../../cli/main.ts';
import { printable, printableLines } from '../../core/text.ts';

const lease = (over: Partial<LeaseView> = {}): LeaseView => ({
  id: 'l-1',
  status: 'ACTIVE',
  requester: { userName: 'alice', userId: 'u-1' },
  accountId: '111111111111',
  permissionSet: 'ReadOnly',
  duration: 'PT1H',
  justification: 'debugging',
  ruleId: 'dev-readonly',
  approvalRequired: false,
  approvals: [],
  requestedAt: '2030-01-01T00:00:00.000Z',
  grantedAt: '2030-01-01T00:00:01.000Z',
  expiresAt: '2030-01-01T01:00:01.000Z',
  assignment: { preExisting: false },
  timeline: [],
  ...over,
});

describe('lease output formatting', () => {
  it('aligns table columns to the widest cell and leaves no trailing spaces', () => {
    // Act
    const text = table(
      ['A', 'BB', 'C'],
      [
        ['xxx', 'y', ''],
        ['x', 'yyyy', 'z'],
      ],
    );

    // Assess
    expect(text.split('\n')).toEqual(['A    BB    C', 'xxx  y', 'x    yyyy  z']);
  });

  it('lists leases with id, status, requester, account, permission set and expiry', () => {
    // Act
    const text = leaseTable([
      lease(),
      lease({
        id: 'l-22',
        status: 'ENDED',
        endReason: 'REVOKED',
        expiresAt: undefined,
        permissionSet: 'Admin',
      }),
    ]);

    // Assess
    expect(text.split('\n')).toEqual([
      'ID    STATUS           REQUESTER  ACCOUNT       PERMISSION SET  EXPIRES',
      'l-1   ACTIVE           alice      111111111111  ReadOnly        2030-01-01T01:00:01.000Z',
      'l-22  ENDED (REVOKED)  alice      111111111111  Admin           -',
    ]);
  });

  it('says so when a list is empty', () => {
    // Act & Assess
    expect(leaseTable([])).toBe('(no leases)');
    expect(eligibilityTable([])).toContain('no rules');
  });

  it('shows one lease as key: value lines followed by its timeline', () => {
    // Prepare
    const one = lease({
      status: 'ENDED',
      endReason: 'EXPIRED',
      ticket: 'INC-7',
      approvalRequired: true,
      approvals: [{ userName: 'bob', decision: 'APPROVED', comment: 'ok', at: '2030-01-01T00:00:00.500Z' }],
      timeline: [
        {
          at: '2030-01-01T00:00:00.000Z',
          type: 'REQUESTED',
          actor: 'alice',
          detail: { ruleId: 'dev-readonly' },
        },
        { at: '2030-01-01T00:00:01.000Z', type: 'ACTIVATED' },
      ],
    });

    // Act
    const text = leaseDetail(one);

    // Assess
    expect(text).toContain('id:             l-1\n');
    expect(text).toContain('status:         ENDED (EXPIRED)\n');
    expect(text).toContain('ticket:         INC-7\n');
    expect(text).toContain('approval:       required\n');
    expect(text).toContain('approvals:      bob APPROVED at 2030-01-01T00:00:00.500Z (ok)\n');
    expect(text).toContain('assignment:     created by this lease\n');
    expect(text).not.toContain('ended:');
    expect(text.split('timeline:\n')[1]?.split('\n')).toEqual([
      '  AT                        EVENT      ACTOR  DETAIL',
      '  2030-01-01T00:00:00.000Z  REQUESTED  alice  ruleId=dev-readonly',
      '  2030-01-01T00:00:01.000Z  ACTIVATED',
    ]);
  });

  it('shows a failure and a pre-existing assignment', () => {
    // Act
    const text = leaseDetail(
      lease({
        status: 'FAILED',
        failure: { stage: 'GRANT', error: 'ConflictException', cause: 'boom' },
        assignment: { preExisting: true },
      }),
    );

    // Assess
    expect(text).toContain('failure:        GRANT: ConflictException: boom');
    expect(text).toContain('assignment:     pre-existing');
    expect(text).not.toContain('timeline:');
  });

  it('shows the caller and the rules they may use', () => {
    // Act
    const me = meDetail({ userName: 'alice', userId: 'u-1', groups: ['dev', 'sre'] });
    const rules = eligibilityTable([
      {
        ruleId: 'r1',
        accounts: ['111111111111', '222222222222'],
        permissionSets: ['ReadOnly'],
        maxDuration: 'PT8H',
        approvalRequired: true,
      },
    ]);

    // Assess
    expect(me).toBe('user:    alice\nuser id: u-1\ngroups:  dev, sre');
    expect(rules.split('\n')[1]).toBe(
      'r1    111111111111,222222222222  ReadOnly         PT8H          required',
    );
  });

  it('joins CSV pages under a single header', () => {
    // Act
    const csv = joinCsvPages(['id,status\na,ACTIVE\n', 'id,status\nb,ENDED']);

    // Assess
    expect(csv).toBe('id,status\na,ACTIVE\nb,ENDED\n');
    expect(statusOf({ status: 'PENDING_APPROVAL' })).toBe('PENDING_APPROVAL');
  });
});

describe('text from the API on a terminal', () => {
  // Each would act on a terminal, or make the listing say what the data does not.
  const HOSTILE = {
    escape: 'ok\u001b[2J\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007',
    newline: 'ok\nid:            l-forged\nstatus:        APPROVED',
    carriageReturn: 'ok\rstatus: APPROVED',
    c1: 'ok\u009b31m',
    bidi: 'ok \u202edevorppa',
    separator: 'ok\u2028approved',
  };
  const unsafe = {
    test: (out: string) =>
      [...out].some((c) => {
        const n = c.codePointAt(0) as number;
        return n < 0x20 || (n >= 0x7f && n <= 0x9f) || n === 0x2028 || n === 0x2029 || n === 0x202e;
      }),
  };

  it.each(Object.entries(HOSTILE))('renders %s inert in the detail, the table and JSON', (_what, text) => {
    // Act
    const detail = leaseDetail(
      lease({
        justification: text,
        ticket: text,
        approvals: [{ userName: 'bob', decision: 'APPROVED', comment: text, at: '2030-01-01T00:00:00Z' }],
        timeline: [{ at: '2030-01-01T00:00:00Z', type: 'REQUESTED', actor: text, detail: { reason: text } }],
      }),
    );
    const listing = leaseTable([lease({ requester: { userName: text, userId: 'u' } })]);
    const asJson = json(lease({ justification: text }));

    // Assess: no unsafe character is printed, and the detail has only the lines it builds itself.
    for (const out of [detail, listing]) expect(unsafe.test(out.replaceAll('\n', ''))).toBe(false);
    expect(detail.split('\n').filter((l) => l.startsWith('id:'))).toHaveLength(1);
    expect(listing.split('\n')).toHaveLength(2);
    expect(unsafe.test(asJson.replaceAll('\n', ''))).toBe(false);
    expect(JSON.parse(asJson).justification).toBe(text);
  });

  it('shows what was escaped, so nothing is silently lost', () => {
    expect(printable('a\u001b[31mb\nc\t\u202e')).toBe('a\\u{1b}[31mb\\nc\\t\\u{202e}');
    expect(printableLines('a,"b\r\nc"\r\n\u001b[2J')).toBe('a,"b\r\nc"\r\n\\u{1b}[2J');
  });
});

import { describe, expect, it } from 'vitest';
import {
  eligibilityTable,
  type LeaseView,
  leaseDetail,
  leaseTable,
  meDetail,
  statusOf,
  table,
} from '../../cli/format.ts';
import { joinCsvPages } from '../../cli/main.ts';

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

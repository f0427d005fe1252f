import { describe, expect, it } from 'vitest';
import { activityQueries, activityWindow, MAX_SESSION_SECONDS } from '../../core/activity.ts';
import type { Lease } from '../../core/lease.ts';

const lease = (over: Partial<Lease> = {}): Lease => ({
  id: 'l-20261122T100000-abcdefghij',
  status: 'ENDED',
  requester: { userName: 'alice', userId: 'u-1' },
  accountId: '111111111111',
  permissionSet: 'ReadOnly',
  duration: 'PT1H',
  justification: 'INC-1',
  ruleId: 'dev-readonly',
  approvalRequired: false,
  requiredApprovals: 0,
  approvals: [],
  requestedAt: '2026-11-22T09:59:58.000Z',
  grantedAt: '2026-11-22T10:00:00.500Z',
  endedAt: '2026-11-22T11:00:00.000Z',
  assignment: { preExisting: false },
  timeline: [],
  ...over,
});
const NOW = new Date('2026-11-23T12:00:00.000Z');

describe('the activity window', () => {
  it('runs from the grant to the end plus the longest session a permission set can issue', () => {
    expect(activityWindow(lease(), NOW)).toEqual({
      from: '2026-11-22T10:00:00.500Z',
      to: new Date(Date.parse('2026-11-22T11:00:00.000Z') + MAX_SESSION_SECONDS * 1000).toISOString(),
    });
  });

  it('ends with the lease when its live sessions were ended too', () => {
    const ended = lease({ timeline: [{ at: '2026-11-22T11:00:01.000Z', type: 'SESSIONS_ENDED' }] });
    expect(activityWindow(ended, NOW)?.to).toBe('2026-11-22T11:00:00.000Z');
  });

  it('ends now for a lease still active, and does not exist for one never granted', () => {
    const active = lease({ status: 'ACTIVE', endedAt: undefined, grantedAt: '2026-11-23T11:30:00.000Z' });
    expect(activityWindow(active, NOW)?.to).toBe(NOW.toISOString());
    expect(activityWindow(lease({ status: 'REJECTED', grantedAt: undefined }), NOW)).toBeUndefined();
  });
});

describe('the activity queries', () => {
  const window = { from: '2026-11-22T10:00:00.500Z', to: '2026-11-22T23:00:00.000Z' };

  it('select the permission set’s reserved role in the lease’s account, the user’s session and the window', () => {
    // Act
    const out = activityQueries(lease(), window, {
      athena: { database: 'security', table: 'org_trail', workGroup: 'audit' },
      logGroupNames: ['org-trail'],
    });

    // Assess
    expect(out.roleNamePattern).toBe('AWSReservedSSO_ReadOnly_*');
    expect(out.sessionName).toBe('alice');
    expect(out.window).toEqual(window);
    expect(out.queries.athena).toEqual({
      database: 'security',
      workGroup: 'audit',
      queryString: [
        'SELECT eventtime, eventsource, eventname, awsregion, sourceipaddress, useragent, errorcode, requestparameters',
        'FROM "security"."org_trail"',
        "WHERE recipientaccountid = '111111111111'",
        "  AND useridentity.sessioncontext.sessionissuer.username LIKE 'AWSReservedSSO\\_ReadOnly\\_%' ESCAPE '\\'",
        "  AND useridentity.arn LIKE '%/alice' ESCAPE '\\'",
        "  AND eventtime BETWEEN '2026-11-22T10:00:00Z' AND '2026-11-22T23:00:00Z'",
        'ORDER BY eventtime',
      ].join('\n'),
    });
    expect(out.queries.logsInsights).toEqual({
      logGroupNames: ['org-trail'],
      startTime: Date.parse('2026-11-22T10:00:00.000Z') / 1000,
      endTime: Date.parse('2026-11-22T23:00:00.000Z') / 1000,
      queryString: [
        'fields @timestamp, eventName, eventSource, awsRegion, sourceIPAddress, errorCode, @message',
        '| filter recipientAccountId = "111111111111"',
        '| filter userIdentity.sessionContext.sessionIssuer.userName like /^AWSReservedSSO_ReadOnly_[0-9a-f]+$/',
        '| filter userIdentity.arn like /\\/alice$/',
        '| sort @timestamp asc',
        '| limit 10000',
      ].join('\n'),
    });
  });

  it('quote what users control, so a userName cannot change the query', () => {
    // Act
    const out = activityQueries(
      lease({ requester: { userName: "o'brien+x.y@example.com", userId: 'u-2' } }),
      window,
    );

    // Assess
    expect(out.queries.athena.queryString).toContain(
      "useridentity.arn LIKE '%/o''brien+x.y@example.com' ESCAPE",
    );
    expect(out.queries.athena.queryString).toContain('FROM "<database>"."<cloudtrail table>"');
    expect(out.queries.logsInsights.queryString).toContain("/\\/o'brien\\+x\\.y@example\\.com$/");
    expect(out.queries.logsInsights.logGroupNames).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/errors.ts';
import { exportFileName, joinExportPages } from '../src/logic/audit-export.ts';
import { basePathOf, routerBase, signInUrl } from '../src/logic/base-path.ts';
import { explain } from '../src/logic/failures.ts';
import { localToIso } from '../src/logic/time.ts';
import { describeEntry } from '../src/logic/timeline.ts';

describe('the base path', () => {
  it('comes from the document’s base, so one build serves under /console/ and under /', () => {
    expect(basePathOf('http://127.0.0.1:8787/console/')).toBe('/console/');
    expect(basePathOf('https://d111.cloudfront.net/')).toBe('/');
    expect(basePathOf('http://127.0.0.1:8787/console/index.html')).toBe('/console/');
    expect(routerBase('/console/')).toBe('/console');
    expect(routerBase('/')).toBe('');
  });

  it('returns to the page the person was on after signing in again', () => {
    expect(signInUrl('/console/leases/l-1?x=1')).toBe(
      '/auth/login?returnTo=%2Fconsole%2Fleases%2Fl-1%3Fx%3D1',
    );
  });
});

describe('an error, as the console says it', () => {
  it('says what went wrong and what to do, by what the API answered', () => {
    const e = (status: number, message: string) => explain(new ApiError(status, 'X', message));
    expect(e(400, 'duration: too long')).toEqual({
      what: 'duration: too long',
      todo: 'Correct the field it names and submit again.',
    });
    expect(e(403, 'no rule allows alice').todo).toContain('Ask an idc-lease admin');
    expect(e(403, 'csrf check failed').todo).toContain('Reload the console');
    expect(e(404, 'no lease l-9').todo).toContain('My leases');
    expect(e(409, 'lease l-1 is ENDED').todo).toContain('current status');
    expect(e(0, 'Failed to fetch').what).toContain('could not be reached');
    expect(e(503, 'unavailable')).toMatchObject({ what: 'unavailable (HTTP 503)' });
  });
});

describe('the audit export', () => {
  it('joins CSV pages under one header, and JSON Lines pages as they are', () => {
    const header = 'id,status\r\n';
    expect(joinExportPages('csv', [`${header}l-1,ACTIVE\r\n`, `${header}l-2,ENDED\r\n`, header])).toBe(
      `${header}l-1,ACTIVE\r\nl-2,ENDED\r\n`,
    );
    expect(joinExportPages('jsonl', ['{"id":"l-1"}\n', '{"id":"l-2"}\n'])).toBe(
      '{"id":"l-1"}\n{"id":"l-2"}\n',
    );
    expect(exportFileName('csv', new Date('2026-11-22T10:00:00.123Z'))).toBe(
      'idc-lease-audit-2026-11-22T10-00-00Z.csv',
    );
  });
});

describe('form times', () => {
  it('reads a local date and time as the ISO timestamp with a zone the API wants', () => {
    const iso = localToIso('2026-11-22', '09:30');
    expect(iso).toBe(new Date(2026, 10, 22, 9, 30).toISOString());
    expect(localToIso('2026-11-22', '')).toBe(new Date(2026, 10, 22).toISOString());
    expect(localToIso('22/11/2026', '09:30')).toBeUndefined();
  });
});

describe('a timeline entry', () => {
  it('shows CloudTrail correlation with its event and request ids', () => {
    expect(
      describeEntry({
        at: '2026-11-22T10:00:00Z',
        type: 'CLOUDTRAIL_EVENT',
        detail: { eventName: 'CreateAccountAssignment', eventId: 'e-1', requestId: 'r-1' },
      }),
    ).toEqual({
      title: 'CloudTrail record: CreateAccountAssignment',
      detail: 'eventId: e-1, requestId: r-1',
    });
    expect(
      describeEntry({
        at: '2026-11-22T10:00:00Z',
        type: 'APPROVED',
        actor: 'carol',
        detail: { comment: 'go' },
      }),
    ).toEqual({
      title: 'Approved',
      detail: 'comment: go',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { FINISHED_RANK, tokenRank } from '../../core/lease-token.ts';
import { type EngineEvent, project } from '../../core/projection.ts';

const event = (detailType: string, detail: Record<string, unknown>): EngineEvent => ({
  id: 'e-1',
  'detail-type': detailType,
  detail: { leaseId: 'l-1', at: '2026-01-01T10:00:00.123456+00:00', ...detail },
});

describe('project', () => {
  it('activates with the expiry counted from the hold, keeps the token server-side', () => {
    // Act
    const change = project(
      event('Lease Activated', {
        taskToken: 'tok',
        holdSeconds: 1800,
        expiresAt: null,
        requestId: 'req-1',
        grantStartedAt: '2026-01-01T09:59:59.5+00:00',
        preExisting: false,
      }),
    );

    // Assess
    expect(change?.status).toBe('ACTIVE');
    expect(change?.set).toMatchObject({
      grantedAt: '2026-01-01T10:00:00.123Z',
      expiresAt: '2026-01-01T10:30:00.123Z',
      'assignment.preExisting': false,
      'assignment.createRequestId': 'req-1',
    });
    expect(change?.token).toEqual({ value: 'tok', for: 'HOLD' });
    expect(change?.timeline.map((t) => [t.type, t.at])).toEqual([
      ['GRANT_STARTED', '2026-01-01T09:59:59.500Z'],
      ['ACTIVATED', '2026-01-01T10:00:00.123Z'],
    ]);
  });

  it('marks a joined or standing assignment as pre-existing', () => {
    const change = project(
      event('Lease Activated', { taskToken: 't', holdSeconds: 60, requestId: null, preExisting: true }),
    );
    expect(change?.set['assignment.preExisting']).toBe(true);
    expect(change?.set).not.toHaveProperty(['assignment.createRequestId']);
  });

  it.each([
    ['States.Timeout', 'EXPIRED'],
    ['Lease.Revoked', 'REVOKED'],
  ])('ends with %s as %s and releases the tuple', (error, endReason) => {
    const change = project(
      event('Lease Ended', {
        requestId: 'del-1',
        revokeStartedAt: '2026-01-01T10:00:00Z',
        end: { Error: error },
      }),
    );
    expect(change?.status).toBe('ENDED');
    expect(change?.set.endReason).toBe(endReason);
    expect(change?.set['assignment.deleteRequestId']).toBe('del-1');
    expect(change?.releaseTuple).toBe(true);
    expect(change?.remove).toContain('taskToken');
  });

  it('records a failure with its stage and cause', () => {
    const change = project(
      event('Lease Failed', {
        failure: {
          failed: true,
          stage: 'GRANT',
          error: { Error: 'AssignmentCreationFailed', Cause: 'quota' },
        },
      }),
    );
    expect(change?.status).toBe('FAILED');
    expect(change?.set.failure).toEqual({
      stage: 'GRANT',
      error: 'AssignmentCreationFailed',
      cause: 'quota',
    });
  });

  it('keeps the tuple marked when revocation failed, so the reconciler finishes it', () => {
    const change = project(
      event('Lease Revocation Failed', { error: { Error: 'AssignmentDeletionFailed', Cause: 'x' } }),
    );
    expect(change?.status).toBe('FAILED');
    expect(change?.set.failure).toMatchObject({ stage: 'REVOKE' });
    expect(change?.releaseTuple).toBe(false);
  });

  it('ignores what the API and the reconciler record themselves', () => {
    expect(project(event('Lease Requested', {}))).toBeNull();
    expect(project(event('Lease Approved', {}))).toBeNull();
    expect(project(event('Lease Ended', { recordedBy: 'reconciler', end: {} }))).toBeNull();
  });
});

describe('the task tokens of the waiting states', () => {
  it('ranks each token by its hold period and the attempt that put it', () => {
    // Act
    const approval = project(event('Lease Approval Requested', { taskToken: 'a', tokenAttempt: 2 }));
    const activated = project(
      event('Lease Activated', {
        taskToken: 'h',
        holdSeconds: 60,
        tokenAttempt: 1,
        extensions: 0,
        extensionId: null,
      }),
    );
    const extended = project(
      event('Lease Extended', {
        taskToken: 'e',
        holdSeconds: 60,
        tokenAttempt: 0,
        extensions: 3,
        extensionId: 'x-9',
      }),
    );

    // Assess
    expect(approval?.token).toEqual({
      value: 'a',
      for: 'APPROVAL',
      rank: tokenRank({ for: 'APPROVAL', extensions: 0, attempt: 2 }),
    });
    expect(activated?.token).toEqual({
      value: 'h',
      for: 'HOLD',
      rank: tokenRank({ for: 'HOLD', extensions: 0, attempt: 1 }),
    });
    expect(extended?.token?.rank).toBe(tokenRank({ for: 'HOLD', extensions: 3, attempt: 0 }));
    expect(activated?.extensionId).toBeUndefined();
  });

  it('names the extension the hold took, and leaves applying it to the reservation', () => {
    const change = project(
      event('Lease Extended', {
        taskToken: 'e',
        holdSeconds: 60,
        expiresAt: '2026-01-01T11:00:00Z',
        tokenAttempt: 0,
        extensions: 1,
        extensionId: 'x-1',
      }),
    );
    expect(change?.extensionId).toBe('x-1');
    expect(change?.set).toEqual({});
    expect(change?.timeline).toEqual([]);
  });

  it('applies once per workflow event, not per attempt: every attempt of a retried hold shares its key', () => {
    const attempt = (n: number, id: string) =>
      project({
        ...event('Lease Activated', { taskToken: `t${n}`, holdSeconds: 60, tokenAttempt: n, extensions: 0 }),
        id,
      });
    expect(attempt(0, 'e-a')?.key).toBe(attempt(1, 'e-b')?.key);
    const extension = (x: string) =>
      project(event('Lease Extended', { taskToken: 't', tokenAttempt: 0, extensions: 1, extensionId: x }))
        ?.key;
    expect(extension('x-1')).not.toBe(extension('x-2'));
    expect(extension('x-1')).not.toBe(attempt(0, 'e-a')?.key);
  });

  it('gives a finished lease the top rank, so no late event stores a token on it again', () => {
    for (const [type, detail] of [
      ['Lease Ended', { end: { Error: 'States.Timeout' } }],
      ['Lease Failed', { failure: { stage: 'GRANT' } }],
      ['Lease Revocation Failed', { error: {} }],
      ['Lease Approval Timed Out', {}],
    ] as const) {
      expect(project(event(type, detail))?.set.tokenRank).toBe(FINISHED_RANK);
    }
  });
});

describe('an approval that raced the approval timeout', () => {
  it('still ends the lease APPROVAL_TIMED_OUT, as the workflow did', () => {
    const change = project(event('Lease Approval Timed Out', {}));
    expect(change?.status).toBe('APPROVAL_TIMED_OUT');
    expect(change?.from).toEqual(expect.arrayContaining(['PENDING_APPROVAL', 'GRANTING', 'SCHEDULED']));
  });
});

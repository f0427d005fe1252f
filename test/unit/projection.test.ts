import { describe, expect, it } from 'vitest';
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

describe('an approval that raced the approval timeout', () => {
  it('still ends the lease APPROVAL_TIMED_OUT, as the workflow did', () => {
    const change = project(event('Lease Approval Timed Out', {}));
    expect(change?.status).toBe('APPROVAL_TIMED_OUT');
    expect(change?.from).toEqual(expect.arrayContaining(['PENDING_APPROVAL', 'GRANTING', 'SCHEDULED']));
  });
});

import { describe, expect, it } from 'vitest';
import type { AssignmentCall } from '../../core/cloudtrail.ts';
import { type CandidateLease, type CorrelationContext, correlate } from '../../core/correlate.ts';

const INSTANCE = 'arn:aws:sso:::instance/ssoins-1';
const READ_ONLY = 'arn:aws:sso:::permissionSet/ssoins-1/ps-readonly';
const WORKFLOW = 'arn:aws:iam::123456789012:role/idc-lease-workflow';

const ctx = (over: Partial<CorrelationContext> = {}): CorrelationContext => ({
  instanceArn: INSTANCE,
  managed: new Map([[READ_ONLY, 'ReadOnly']]),
  toolRoleArns: new Set([WORKFLOW]),
  now: new Date('2026-01-01T10:00:30Z'),
  graceMs: 120_000,
  ...over,
});

const call = (over: Partial<AssignmentCall> = {}): AssignmentCall => ({
  eventId: 'ev-1',
  eventName: 'CreateAccountAssignment',
  eventTime: '2026-01-01T10:00:00.000Z',
  requestId: 'req-1',
  instanceArn: INSTANCE,
  accountId: '111111111111',
  permissionSetArn: READ_ONLY,
  principal: { type: 'USER', id: 'u-1' },
  actor: { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/idc-lease-workflow/s' },
  issuerArn: WORKFLOW,
  ...over,
});

const lease = (over: Partial<CandidateLease> = {}): CandidateLease => ({
  id: 'l-a',
  status: 'ACTIVE',
  requestedAt: '2026-01-01T09:59:58.000Z',
  preExisting: false,
  ...over,
});

const consoleAdmin = {
  issuerArn: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0a1b',
  actor: { type: 'AssumedRole', userName: 'frank' },
};

describe('correlate', () => {
  it('adds the call to the lease that recorded its request id, once per CloudTrail event', () => {
    // Act
    const verdict = correlate(call(), [lease({ id: 'l-other' }), lease({ createRequestId: 'req-1' })], ctx());

    // Assess
    expect(verdict).toEqual({
      kind: 'timeline',
      leaseId: 'l-a',
      matchedBy: 'requestId',
      entry: {
        at: '2026-01-01T10:00:00.000Z',
        type: 'CLOUDTRAIL_EVENT',
        detail: { eventName: 'CreateAccountAssignment', eventId: 'ev-1', requestId: 'req-1' },
      },
    });
  });

  it('matches a deletion against deleteRequestId, not createRequestId', () => {
    // Prepare
    const candidates = [
      lease({ id: 'l-created', createRequestId: 'req-1' }),
      lease({ id: 'l-deleted', deleteRequestId: 'req-1' }),
    ];

    // Act
    const verdict = correlate(call({ eventName: 'DeleteAccountAssignment' }), candidates, ctx());

    // Assess
    expect(verdict).toMatchObject({ kind: 'timeline', leaseId: 'l-deleted' });
  });

  it('lets the tool’s own call wait for the ledger writer instead of calling it drift', () => {
    // Act: CloudTrail overtook the Lease Activated event; the lease has no request id yet
    const verdict = correlate(call(), [lease({ status: 'GRANTING', preExisting: undefined })], ctx());

    // Assess
    expect(verdict).toEqual({ kind: 'retry', reason: 'no lease has recorded this request id yet' });
  });

  it('after the grace period attaches the tool’s own call to the one lease whose life covers it', () => {
    // Prepare
    const later = ctx({ now: new Date('2026-01-01T10:03:00Z') });
    const candidates = [
      lease({ id: 'l-old', requestedAt: '2026-01-01T08:00:00.000Z', endedAt: '2026-01-01T09:00:00.000Z' }),
      lease({ id: 'l-joined', preExisting: true }),
      lease({ id: 'l-made-it' }),
    ];

    // Act
    const verdict = correlate(call(), candidates, later);

    // Assess
    expect(verdict).toMatchObject({
      kind: 'timeline',
      leaseId: 'l-made-it',
      matchedBy: 'window',
      entry: { detail: { matchedBy: 'window', requestId: 'req-1' } },
    });
  });

  it('never reports the tool’s own call as drift, even when no single lease explains it', () => {
    // Prepare
    const later = ctx({ now: new Date('2026-01-01T10:03:00Z') });

    // Act
    const none = correlate(call(), [], later);
    const two = correlate(call(), [lease({ id: 'l-1' }), lease({ id: 'l-2' })], later);

    // Assess
    expect(none.kind).toBe('ignore');
    expect(two).toEqual({
      kind: 'ignore',
      reason: "the tool's own call; 2 leases cover its time, none recorded its request id",
    });
  });

  it('reports a call on a managed permission set that no lease made as out-of-band drift', () => {
    // Act: an admin in the console re-creates the very tuple a lease holds
    const verdict = correlate(
      call({ ...consoleAdmin, requestId: 'req-console' }),
      [lease({ createRequestId: 'req-1' })],
      ctx(),
    );

    // Assess
    expect(verdict).toEqual({
      kind: 'drift',
      key: 'OUT_OF_BAND#CLOUDTRAIL#ev-1',
      finding: {
        at: '2026-01-01T10:00:00.000Z',
        kind: 'OUT_OF_BAND',
        source: 'CLOUDTRAIL',
        accountId: '111111111111',
        permissionSet: 'ReadOnly',
        principal: { type: 'USER', id: 'u-1' },
        eventId: 'ev-1',
        eventName: 'CreateAccountAssignment',
        requestId: 'req-console',
        actor: { type: 'AssumedRole', userName: 'frank' },
      },
    });
  });

  it('reports a group assignment and a deletion by someone else as drift too', () => {
    // Act
    const group = correlate(call({ ...consoleAdmin, principal: { type: 'GROUP', id: 'g-1' } }), [], ctx());
    const deletion = correlate(
      call({ ...consoleAdmin, eventName: 'DeleteAccountAssignment', requestId: 'req-x' }),
      [lease({ createRequestId: 'req-1' })],
      ctx(),
    );

    // Assess
    expect(group).toMatchObject({ kind: 'drift', finding: { principal: { type: 'GROUP', id: 'g-1' } } });
    expect(deletion).toMatchObject({ kind: 'drift', finding: { eventName: 'DeleteAccountAssignment' } });
  });

  it('ignores other instances and permission sets the policy does not manage', () => {
    // Act
    const otherInstance = correlate(
      call({ ...consoleAdmin, instanceArn: 'arn:aws:sso:::instance/ssoins-2' }),
      [],
      ctx(),
    );
    const unmanaged = correlate(
      call({ ...consoleAdmin, permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-billing' }),
      [],
      ctx(),
    );

    // Assess
    expect(otherInstance).toEqual({ kind: 'ignore', reason: 'another Identity Center instance' });
    expect(unmanaged).toEqual({ kind: 'ignore', reason: 'a permission set the policy does not manage' });
  });
});

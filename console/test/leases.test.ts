import { describe, expect, it } from 'vitest';
import { leaseActions, visiblePages } from '../src/logic/actions.ts';
import { portalLink } from '../src/logic/portal.ts';
import { quorumText } from '../src/logic/quorum.ts';
import { lease, me } from './fixtures.ts';

const bob = { userName: 'bob', userId: 'u-bob' };
const at = '2026-11-22T10:00:00.000Z';

describe('quorum progress', () => {
  it('counts distinct approvals, never the requester nor a rejection, of those the rule requires', () => {
    const waiting = lease({
      status: 'PENDING_APPROVAL',
      requester: bob,
      requiredApprovals: 2,
      approvals: [
        { userName: 'carol', userId: 'u-carol', decision: 'APPROVED', at },
        { userName: 'carol', userId: 'u-carol', decision: 'APPROVED', at },
        { userName: 'bob', userId: 'u-bob', decision: 'APPROVED', at },
        { userName: 'dave', userId: 'u-dave', decision: 'REJECTED', at },
      ],
    });
    expect(quorumText(waiting)).toBe('1 of 2');
    expect(quorumText(lease({ requiredApprovals: 1, approvals: [] }))).toBe('0 of 1');
  });

  it('counts an extension waiting for approval on its own', () => {
    const extending = lease({
      requiredApprovals: 2,
      approvals: [
        { userName: 'carol', userId: 'u-carol', decision: 'APPROVED', at },
        { userName: 'dave', userId: 'u-dave', decision: 'APPROVED', at },
      ],
      pendingExtension: {
        duration: 'PT1H',
        requestedAt: at,
        approvals: [{ userName: 'dave', userId: 'u-dave', decision: 'APPROVED', at }],
      },
    });
    expect(quorumText(extending)).toBe('1 of 2');
  });
});

describe('the actions a caller sees on a lease', () => {
  it('never offers Approve or Reject on the caller’s own lease, even to an approver it waits for', () => {
    const own = lease({ status: 'PENDING_APPROVAL', approvalRequired: true, requiredApprovals: 1 });
    expect(leaseActions(own, me(), true)).toMatchObject({ approve: false, reject: false, revoke: true });
  });

  it('offers Approve and Reject to an approver it waits for, on someone else’s pending lease or extension', () => {
    const pending = lease({ status: 'PENDING_APPROVAL', requester: bob });
    expect(leaseActions(pending, me(), true)).toMatchObject({
      approve: true,
      reject: true,
      revoke: false,
      extend: false,
    });
    expect(leaseActions(pending, me(), false)).toMatchObject({ approve: false, reject: false });
    const extension = lease({
      requester: bob,
      pendingExtension: { duration: 'PT1H', requestedAt: at, approvals: [] },
    });
    expect(leaseActions(extension, me(), true)).toMatchObject({ approve: true });
    expect(leaseActions(lease({ requester: bob }), me(), true)).toMatchObject({ approve: false });
  });

  it('offers Revoke to the requester and admins while the lease can still end early, Extend to the requester of an ACTIVE lease', () => {
    const others = lease({ requester: bob });
    expect(leaseActions(others, me(), false)).toMatchObject({ revoke: false, extend: false });
    expect(leaseActions(others, me({ admin: true }), false)).toMatchObject({ revoke: true, extend: false });
    expect(leaseActions(lease(), me(), false)).toMatchObject({
      revoke: true,
      extend: true,
      openInPortal: true,
    });
    for (const status of [
      'ENDED',
      'REVOKING',
      'REJECTED',
      'CANCELLED',
      'FAILED',
      'APPROVAL_TIMED_OUT',
    ] as const) {
      expect(leaseActions(lease({ status }), me({ admin: true }), false), status).toMatchObject({
        revoke: false,
        extend: false,
        openInPortal: false,
      });
    }
    expect(leaseActions(lease({ status: 'SCHEDULED' }), me(), false)).toMatchObject({
      revoke: true,
      extend: false,
    });
    const extending = lease({ pendingExtension: { duration: 'PT1H', requestedAt: at, approvals: [] } });
    expect(leaseActions(extending, me(), false)).toMatchObject({ extend: false, revoke: true });
  });

  it('shows Audit to auditors and admins, Admin to admins only', () => {
    expect(visiblePages(me())).toEqual({ audit: false, admin: false });
    expect(visiblePages(me({ auditor: true }))).toEqual({ audit: true, admin: false });
    expect(visiblePages(me({ admin: true }))).toEqual({ audit: true, admin: true });
  });
});

describe('the access portal link', () => {
  it('opens the account with the permission set in the configured portal', () => {
    expect(portalLink('https://d-0000000000.awsapps.com/start/', '111111111111', 'ReadOnly')).toBe(
      'https://d-0000000000.awsapps.com/start/#/console?account_id=111111111111&role_name=ReadOnly',
    );
    expect(portalLink('https://d-1.awsapps.com/start', '222222222222', 'Admin Access')).toBe(
      'https://d-1.awsapps.com/start/#/console?account_id=222222222222&role_name=Admin+Access',
    );
  });
});

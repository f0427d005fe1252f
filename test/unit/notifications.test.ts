import { describe, expect, it } from 'vitest';
import {
  dueForEndingSoon,
  ENDING_SOON,
  type LeaseEvent,
  type LeaseFacts,
  type Recipient,
  route,
  withoutTokens,
} from '../../core/notifications.ts';

const LEASE: LeaseFacts = {
  id: 'l-1',
  requester: { userName: 'alice', userId: 'u-alice' },
  accountId: '222222222222',
  permissionSet: 'AdministratorAccess',
  duration: 'PT1H',
  durationSeconds: 3600,
  justification: 'INC-42: read the logs',
  ruleId: 'prod-admin',
};
const ALICE: Recipient = { userName: 'alice', email: 'alice@example.com' };
const event = (detailType: string, detail: Record<string, unknown> = {}): LeaseEvent => ({
  id: 'ev-1',
  'detail-type': detailType,
  detail: { leaseId: 'l-1', at: '2026-01-01T10:00:00.000Z', ...detail },
});
const audiences = (input: Parameters<typeof route>[0]) => route(input).map((d) => d.audience);

describe('route', () => {
  it('asks every approver once with the CLI commands, never the requester even when the policy names them', () => {
    // Prepare
    const approvers: Recipient[] = [
      { userName: 'bob', email: 'bob@example.com' },
      ALICE,
      { userName: 'carol' },
      { userName: 'bob', email: 'bob@example.com' },
    ];

    // Act
    const deliveries = route({
      event: event('Lease Approval Requested', { taskToken: 'AQ-secret-token' }),
      lease: LEASE,
      requester: ALICE,
      approvers,
      audit: false,
    });

    // Assess
    expect(deliveries).toHaveLength(1);
    const [asked] = deliveries;
    expect(asked?.audience).toBe('approvers');
    expect(asked?.recipients.map((r) => r.userName)).toEqual(['bob', 'carol']);
    expect(asked?.notification.actions).toEqual({
      approve: 'lease approve l-1',
      reject: 'lease reject l-1',
      consoleUrl: null,
    });
    expect(asked?.notification.lease).toMatchObject({
      requester: 'alice',
      accountId: '222222222222',
      permissionSet: 'AdministratorAccess',
      duration: 'PT1H',
      justification: 'INC-42: read the logs',
    });
    expect(JSON.stringify(deliveries)).not.toContain('AQ-secret-token');
  });

  it('fills the console link once a console URL is configured', () => {
    // Act
    const [asked] = route({
      event: event('Lease Approval Requested'),
      lease: LEASE,
      approvers: [{ userName: 'bob' }],
      audit: false,
      consoleUrl: 'https://lease.example.com/',
    });

    // Assess
    expect(asked?.notification.actions?.consoleUrl).toBe('https://lease.example.com/leases/l-1');
  });

  it('sends nothing to approvers when the only approver is the requester', () => {
    // Act
    const deliveries = route({
      event: event('Lease Approval Requested'),
      lease: LEASE,
      requester: ALICE,
      approvers: [ALICE],
      audit: false,
    });

    // Assess
    expect(deliveries).toEqual([]);
  });

  it.each([
    ['Lease Approved', 'APPROVED'],
    ['Lease Rejected', 'REJECTED'],
    ['Lease Approval Timed Out', 'APPROVAL_TIMED_OUT'],
    ['Lease Activated', 'ACTIVE'],
    [ENDING_SOON, 'ENDING_SOON'],
    ['Lease Ended', 'ENDED'],
    ['Lease Failed', 'FAILED'],
    ['Lease Revocation Failed', 'FAILED'],
  ])('tells the requester of %s', (detailType, kind) => {
    // Act
    const deliveries = route({ event: event(detailType), lease: LEASE, requester: ALICE, audit: false });

    // Assess
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      audience: 'requester',
      recipients: [ALICE],
      notification: { kind },
    });
  });

  it.each([
    'Lease Requested',
    'Lease Extended',
    'Lease Approval Requested',
  ])('does not tell the requester of %s', (detailType) => {
    // Act
    const result = audiences({
      event: event(detailType),
      lease: LEASE,
      requester: ALICE,
      approvers: [],
      audit: false,
    });

    // Assess
    expect(result).not.toContain('requester');
  });

  it('gives the audit channel every event, a drift without a lease included, without task tokens', () => {
    // Act
    const drift = route({
      event: {
        id: 'ev-2',
        'detail-type': 'Assignment Drift Detected',
        detail: { kind: 'OUT_OF_BAND', accountId: '111111111111', permissionSet: 'ReadOnly', at: 'x' },
      },
      audit: true,
    });
    const activated = route({
      event: event('Lease Activated', { taskToken: 'AQ-hold-token', nested: { taskToken: 'AQ-2' } }),
      lease: LEASE,
      requester: ALICE,
      audit: true,
    });

    // Assess
    expect(drift.map((d) => d.audience)).toEqual(['audit']);
    expect(drift[0]?.notification.title).toBe('Assignment drift (OUT_OF_BAND)');
    expect(activated.map((d) => d.audience)).toEqual(['requester', 'audit']);
    expect(activated[1]?.notification.detail).toMatchObject({
      detailType: 'Lease Activated',
      leaseId: 'l-1',
    });
    expect(JSON.stringify(activated)).not.toMatch(/AQ-hold-token|AQ-2|taskToken/);
  });

  it('states the expiry of a fresh activation from the event time when the ledger has none yet', () => {
    // Act
    const [active] = route({ event: event('Lease Activated'), lease: LEASE, requester: ALICE, audit: false });

    // Assess
    expect(active?.notification.lease?.expiresAt).toBe('2026-01-01T11:00:00.000Z');
  });

  it('ignores unknown detail-types', () => {
    expect(route({ event: event('Something Else'), lease: LEASE, requester: ALICE, audit: true })).toEqual(
      [],
    );
  });

  it('gives each audience its own stable notification id for deduplication', () => {
    // Act
    const ids = route({ event: event('Lease Ended'), lease: LEASE, requester: ALICE, audit: true }).map(
      (d) => d.notification.id,
    );

    // Assess
    expect(ids).toEqual(['ev-1/requester', 'ev-1/audit']);
  });
});

describe('withoutTokens', () => {
  it('removes task tokens at any depth and keeps the rest', () => {
    expect(withoutTokens({ a: 1, taskToken: 't', b: [{ taskToken: 't', c: 2 }] })).toEqual({
      a: 1,
      b: [{ c: 2 }],
    });
  });
});

describe('dueForEndingSoon', () => {
  const now = new Date('2026-01-01T10:00:00Z');
  const lease = (id: string, status: string, expiresAt?: string, endingSoonFor?: string) => ({
    id,
    status,
    ...(expiresAt ? { expiresAt } : {}),
    ...(endingSoonFor ? { endingSoonFor } : {}),
  });

  it('picks ACTIVE leases expiring within the lead time that were not told for this expiry', () => {
    // Prepare
    const leases = [
      lease('soon', 'ACTIVE', '2026-01-01T10:05:00Z'),
      lease('later', 'ACTIVE', '2026-01-01T10:30:00Z'),
      lease('past', 'ACTIVE', '2026-01-01T09:59:00Z'),
      lease('told', 'ACTIVE', '2026-01-01T10:05:00Z', '2026-01-01T10:05:00Z'),
      lease('extended', 'ACTIVE', '2026-01-01T10:08:00Z', '2026-01-01T10:05:00Z'),
      lease('revoking', 'REVOKING', '2026-01-01T10:05:00Z'),
      lease('no-expiry', 'ACTIVE'),
    ];

    // Act
    const due = dueForEndingSoon(leases, now, 600);

    // Assess
    expect(due.map((l) => l.id)).toEqual(['soon', 'extended']);
  });
});

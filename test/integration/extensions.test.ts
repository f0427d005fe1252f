import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../core/duration.ts';
import type { Lease } from '../../core/lease.ts';
import { approveLease } from '../../service/decisions.ts';
import { call, injectAwsFaults, requestLease, waitForStatus, waitUntil } from './harness.ts';
import {
  addToGroup,
  approvalRequested,
  deployedWith,
  fixturePolicy,
  leaseRecord,
  OPS_AUTO,
  OPS_GATED,
  removeFromGroup,
} from './lease-ops-kit.ts';

interface ErrorReply {
  error: { code: string; message: string };
}

const policy = fixturePolicy;

const extend = (user: string, id: string, duration: string) =>
  call<Lease & ErrorReply>(user, 'POST', `/leases/${id}/extend`, { duration });

/** The lease's total as its record and its expiry both say it (they must agree). */
const lasts = (lease: Lease) => ({
  recorded: parseDuration(lease.duration),
  held: (Date.parse(lease.expiresAt as string) - Date.parse(lease.grantedAt as string)) / 1000,
});

const revokeAndWait = async (user: string, id: string) => {
  await call(user, 'POST', `/leases/${id}/revoke`, {});
  await waitForStatus(user, id, 'ENDED');
};

describe.concurrent('extensions', () => {
  it('concurrent extends: only those that fit win, the total never passes maxDuration, the losers name duration', async () => {
    // Prepare: 50 minutes of the rule's 60
    const user = 'lo09';
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT50M' });
    await waitForStatus(user, lease.id, 'ACTIVE');

    // Act
    const answers = await Promise.all(
      ['PT5M', 'PT10M', 'PT8M', 'PT20M'].map((d) => extend(user, lease.id, d)),
    );
    const after = await leaseRecord(lease.id);
    const shown = await waitForStatus(user, lease.id, 'ACTIVE');

    // Assess
    const won = answers.filter((a) => a.status === 200);
    const lost = answers.filter((a) => a.status !== 200);
    expect(won.length).toBeGreaterThanOrEqual(1);
    for (const a of lost) {
      expect([400, 409]).toContain(a.status);
      expect(a.body.error.message).toMatch(/duration/);
    }
    const extended = shown.timeline.filter((t) => t.type === 'EXTENDED');
    const added = extended.reduce((sum, t) => sum + parseDuration(t.detail?.added as string), 0);
    expect(lasts(shown)).toEqual({ recorded: 3000 + added, held: 3000 + added });
    expect(3000 + added).toBeLessThanOrEqual(3600);
    expect(after.extensions).toBe(extended.length);
    expect(after.extension).toBeUndefined();
    await revokeAndWait(user, lease.id);
  });

  it('an extension whose SendTaskSuccess answer was lost is applied once; asking again is judged against it', async () => {
    // Prepare
    const user = 'lo10';
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT50M' });
    await waitForStatus(user, lease.id, 'ACTIVE');
    await injectAwsFaults([
      { service: 'states', action: 'SendTaskSuccess', mode: 'lost', leaseId: lease.id, times: 1 },
    ]);

    // Act
    const first = await extend(user, lease.id, 'PT10M');
    const again = await extend(user, lease.id, 'PT10M');
    const shown = await waitForStatus(user, lease.id, 'ACTIVE');

    // Assess
    expect(first.status).toBe(200);
    expect(first.body.duration).toBe('PT1H');
    expect(again.status).toBe(400);
    expect(again.body.error.message).toMatch(/^duration: the lease would last PT1H10M/);
    expect(shown.timeline.filter((t) => t.type === 'EXTENDED')).toHaveLength(1);
    expect(lasts(shown)).toEqual({ recorded: 3600, held: 3600 });
    await revokeAndWait(user, lease.id);
  });

  it('an extension whose SendTaskSuccess was refused stays reserved; the same extension again applies it', async () => {
    // Prepare
    const user = 'lo11';
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT30M' });
    await waitForStatus(user, lease.id, 'ACTIVE');
    await injectAwsFaults([
      { service: 'states', action: 'SendTaskSuccess', mode: 'refuse', leaseId: lease.id, times: 2 },
    ]);

    // Act
    const first = await extend(user, lease.id, 'PT5M');
    const reserved = await leaseRecord(lease.id);
    const other = await extend(user, lease.id, 'PT1M');
    const again = await extend(user, lease.id, 'PT5M');

    // Assess
    expect(first.status).toBe(500);
    expect(reserved.extension).toMatchObject({ addedSeconds: 300, extensions: 1 });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/^duration: an extension of PT5M is being applied/);
    expect(again.status).toBe(200);
    expect(again.body.duration).toBe('PT35M');
    expect(again.body.timeline.filter((t) => t.type === 'EXTENDED')).toHaveLength(1);
    await revokeAndWait(user, lease.id);
  });

  it("caps the count of extensions at the rule's maxExtensions", async () => {
    // Prepare: the rule allows 2
    const user = 'lo12';
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT10M' });
    await waitForStatus(user, lease.id, 'ACTIVE');

    // Act
    const answers = [];
    for (const d of ['PT1M', 'PT1M', 'PT1M']) answers.push(await extend(user, lease.id, d));

    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200, 409]);
    expect(answers[2]?.body.error.message).toMatch(/maxExtensions 2/);
    expect(answers[1]?.body.duration).toBe('PT12M');
    await revokeAndWait(user, lease.id);
  });

  it("a requester taken out of the rule's principals cannot extend any more", async () => {
    // Prepare
    const user = 'lo13';
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT10M' });
    await waitForStatus(user, lease.id, 'ACTIVE');
    await removeFromGroup(user, 'ops-testers');

    // Act
    const refused = await extend(user, lease.id, 'PT1M').finally(() => addToGroup(user, 'ops-testers'));
    const shown = await waitForStatus(user, lease.id, 'ACTIVE');

    // Assess
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/lo13 is no longer among the principals of rule ops-auto/);
    expect(shown.duration).toBe('PT10M');
    await revokeAndWait(user, lease.id);
  });

  it('a pending extension is applied once when two approvers answer at once', async () => {
    // Prepare
    const user = 'lo14';
    const lease = await requestLease(user, { ...OPS_GATED, duration: 'PT10M' });
    await approvalRequested(user, lease.id);
    await call('loa1', 'POST', `/leases/${lease.id}/approve`, {});
    await waitForStatus(user, lease.id, 'ACTIVE');
    const asked = await extend(user, lease.id, 'PT5M');

    // Act
    const answers = await Promise.all(
      ['loa2', 'loa3'].map((a) => call<Lease>(a, 'POST', `/leases/${lease.id}/approve`, {})),
    );
    const shown = await waitForStatus(user, lease.id, 'ACTIVE');

    // Assess
    expect(asked.status).toBe(200);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(shown.timeline.filter((t) => t.type === 'EXTENDED')).toHaveLength(1);
    expect(lasts(shown)).toEqual({ recorded: 900, held: 900 });
    expect(shown.pendingExtension).toBeUndefined();
    await revokeAndWait(user, lease.id);
  });

  it('a Lease Extended event delivered twice applies its extension once', async () => {
    // Prepare
    const user = 'lo15';
    const lease = await requestLease(user, { ...OPS_AUTO, duration: 'PT10M' });
    await waitForStatus(user, lease.id, 'ACTIVE');
    await injectAwsFaults([
      { service: 'events', mode: 'duplicate', leaseId: lease.id, contains: 'Lease Extended', times: 1 },
    ]);

    // Act
    const extended = await extend(user, lease.id, 'PT2M');
    await waitUntil(
      'the extended hold’s token',
      async () => (await leaseRecord(lease.id)).tokenFor === 'HOLD',
    );
    const again = await extend(user, lease.id, 'PT3M');

    // Assess
    expect(extended.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.duration).toBe('PT15M');
    expect(again.body.timeline.filter((t) => t.type === 'EXTENDED')).toHaveLength(2);
    await revokeAndWait(user, lease.id);
  });
});

describe.concurrent('a decision acts on the policy as it is now', () => {
  it('an approver whose group the rule no longer names cannot approve; removed from the group, neither', async () => {
    // Prepare
    const user = 'lo16';
    const lease = await requestLease(user, { ...OPS_GATED, duration: 'PT10M' });
    await approvalRequested(user, lease.id);
    const changed = deployedWith((p) => {
      const rule = p.rules.find((r) => r.id === 'ops-gated');
      if (rule && rule.approval !== 'none') rule.approval.approvers = { users: [], groups: ['lease-admins'] };
      return p;
    }, policy());
    const loa1 = await changed.directory.resolve('loa1');

    // Act
    const byOldGroup = await approveLease(changed, loa1, lease.id, {}).catch((err: Error) => err);
    await removeFromGroup('loa3', 'ops-approvers');
    const removed = await call<ErrorReply>('loa3', 'POST', `/leases/${lease.id}/approve`, {}).finally(() =>
      addToGroup('loa3', 'ops-approvers'),
    );
    const still = await leaseRecord(lease.id);

    // Assess
    expect(byOldGroup).toMatchObject({ status: 403, message: 'loa1 is not an approver for rule ops-gated' });
    expect(removed.status).toBe(403);
    expect(still.status).toBe('PENDING_APPROVAL');
    expect(still.approvals).toEqual([]);
    await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
  });

  it('a target that became protected is not granted', async () => {
    // Prepare
    const user = 'lo17';
    const lease = await requestLease(user, { ...OPS_GATED, duration: 'PT10M' });
    await approvalRequested(user, lease.id);
    const changed = deployedWith((p) => {
      p.protected.accounts.push(OPS_GATED.accountId);
      return p;
    }, policy());

    // Act
    const approved = await approveLease(changed, await changed.directory.resolve('loa1'), lease.id, {}).catch(
      (err: Error) => err,
    );
    const still = await leaseRecord(lease.id);

    // Assess
    expect(approved).toMatchObject({
      status: 403,
      message: `AdministratorAccess in ${OPS_GATED.accountId} is protected now and is never granted through leases`,
    });
    expect(still.status).toBe('PENDING_APPROVAL');
    expect(still.approvals).toEqual([]);
    await call(user, 'POST', `/leases/${lease.id}/revoke`, {});
  });
});

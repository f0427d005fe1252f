import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { CreateAccountAssignmentCommand, DeleteAccountAssignmentCommand } from '@aws-sdk/client-sso-admin';
import { describe, expect, it } from 'vitest';
import {
  callsFor,
  clearAwsFaults,
  executionArn,
  getLease,
  injectAwsFaults,
  injectFaults,
  isAssigned,
  requestLease,
  sfnClient,
  ssoAdminClient,
  statesEntered,
  userId,
  waitForStatus,
  waitUntil,
  withReconcilerLock,
} from './harness.ts';
import { AUTO, fired, mentions, orphanedFindings, reconcile, target, tupleOf } from './ownership-kit.ts';

describe.concurrent('ownership when AWS calls fail halfway', () => {
  it('never deletes an administrator’s direct assignment made after a lease whose create FAILED', async () => {
    {
      // Prepare: the lease's create fails; then an administrator assigns the same tuple directly.
      const user = 'own01';
      await injectFaults({
        rules: [
          {
            principalId: userId(user),
            action: 'CreateAccountAssignment',
            status: 'FAILED',
            failureReason: 'injected: quota',
            times: 1,
          },
        ],
      });
      const lease = await requestLease(user, { ...AUTO, duration: 'PT30S' });
      await waitForStatus(user, lease.id, 'FAILED');
      await ssoAdminClient().send(new CreateAccountAssignmentCommand(target(user)));
      await waitUntil('the direct assignment', () => isAssigned(user, AUTO.accountId, AUTO.permissionSet));

      // Act
      // Under the reconciler lock, as every test that sweeps (another test's orphan is its own).
      const [first, second] = await withReconcilerLock(async () => [await reconcile(), await reconcile()]);

      // Assess: reported as the tool's to leave alone, and still there.
      expect(mentions(first.removed, user) || mentions(second.removed, user)).toBe(false);
      expect(mentions(first.outOfBand, user)).toBe(true);
      expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(true);
      await ssoAdminClient().send(new DeleteAccountAssignmentCommand(target(user)));
    }
  });

  it('creates once and revokes when the answer to Acquire was lost and the workflow retried it', async () => {
    // Prepare: the API's tuple write is the first UpdateItem of this tuple, Acquire the second.
    const user = 'own02';
    const ids = await injectAwsFaults([
      {
        service: 'dynamodb',
        action: 'UpdateItem',
        mode: 'lost',
        error: 'InternalServerError',
        contains: tupleOf(user),
        skip: 1,
        times: 1,
      },
    ]);

    // Act
    const lease = await requestLease(user, { ...AUTO, duration: 'PT4S' });
    const active = await waitForStatus(user, lease.id, 'ACTIVE', 60_000);
    const ended = await waitForStatus(user, lease.id, 'ENDED', 45_000);

    // Assess
    expect(await fired(ids)).toBe(1);
    expect(active.assignment.preExisting).toBe(false);
    expect(ended.endReason).toBe('EXPIRED');
    expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
    expect(await callsFor(user, 'CreateAccountAssignment')).toHaveLength(1);
    expect(await callsFor(user, 'DeleteAccountAssignment')).toHaveLength(1);
    expect(await statesEntered(lease.id)).not.toContain('Join');
  });

  it('still deletes when the answer to ReleaseLast was lost and the workflow retried it', async () => {
    // Prepare
    const user = 'own03';
    const lease = await requestLease(user, { ...AUTO, duration: 'PT6S' });
    const ids = await injectAwsFaults([
      {
        service: 'dynamodb',
        action: 'UpdateItem',
        mode: 'lost',
        error: 'InternalServerError',
        leaseId: lease.id,
        contains: 'SET deleting = :id',
        times: 1,
      },
    ]);

    // Act
    await waitForStatus(user, lease.id, 'ACTIVE');
    const ended = await waitForStatus(user, lease.id, 'ENDED', 45_000);

    // Assess
    expect(await fired(ids)).toBe(1);
    expect(ended.endReason).toBe('EXPIRED');
    expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
    // Exactly one delete took effect (Identity Center gave it a request id). Under load a delete's
    // own answer can come late and its retry find nothing to delete: that one has no request id.
    const deletes = await callsFor(user, 'DeleteAccountAssignment');
    expect(
      deletes.filter((d) => d.requestId),
      JSON.stringify(deletes),
    ).toHaveLength(1);
    expect(await statesEntered(lease.id)).not.toContain('ReleaseShared');
  });

  it('records the revocation when the answer to DeleteAccountAssignment was lost', async () => {
    // Prepare
    const user = 'own10';
    const ids = await injectAwsFaults([
      {
        service: 'sso-admin',
        action: 'DeleteAccountAssignment',
        mode: 'lost',
        error: 'InternalServerException',
        principalId: userId(user),
        times: 1,
      },
    ]);

    // Act
    const lease = await requestLease(user, { ...AUTO, duration: 'PT3S' });
    const ended = await waitForStatus(user, lease.id, 'ENDED', 60_000);

    // Assess
    expect(await fired(ids)).toBe(1);
    expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
    expect(ended.timeline.map((t) => t.type)).toContain('REVOKE_STARTED');
  });

  it('answers a request whose ledger write was applied but answered with an error, and grants it', async () => {
    // Prepare: the lease record's put commits, its answer is lost, the SDK replays it.
    const user = 'own09';
    const ids = await injectAwsFaults([
      {
        service: 'dynamodb',
        action: 'PutItem',
        mode: 'lost',
        error: 'InternalServerError',
        contains: userId(user),
        times: 1,
      },
    ]);

    // Act
    const lease = await requestLease(user, { ...AUTO, duration: 'PT3S' });
    const ended = await waitForStatus(user, lease.id, 'ENDED', 45_000);

    // Assess
    expect(await fired(ids)).toBe(1);
    expect(ended.endReason).toBe('EXPIRED');
  });

  it('fails a creation that stays IN_PROGRESS past its limit, and the reconciler removes it once it completes', async () => {
    // Prepare: 16 polls exhaust the workflow's limit (15 counted in the integration runtime).
    const user = 'own04';
    await injectFaults({
      rules: [
        { principalId: userId(user), action: 'CreateAccountAssignment', inProgressPolls: 17, times: 1 },
      ],
    });

    // Act
    const lease = await requestLease(user, { ...AUTO, duration: 'PT30M' });
    const failed = await waitForStatus(user, lease.id, 'FAILED', 90_000);
    // Whichever run finds the late assignment (this one, or one a lease's end started) records it.
    await withReconcilerLock(() =>
      waitUntil(
        'the late assignment found and removed',
        async () => {
          await reconcile();
          return (await orphanedFindings(user, lease.requestedAt)).length > 0;
        },
        60_000,
      ),
    );

    // Assess
    expect(failed.failure).toEqual(
      expect.objectContaining({ stage: 'GRANT', error: 'AssignmentCreationTimedOut' }),
    );
    expect(failed.timeline.map((t) => t.type)).not.toContain('ACTIVATED');
    expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
  }, 180_000);

  it('hands a deletion stuck IN_PROGRESS to the reconciler, which clears its mark so the tuple is usable again', async () => {
    {
      // Prepare
      const user = 'own05';
      await injectFaults({
        rules: [
          { principalId: userId(user), action: 'DeleteAccountAssignment', inProgressPolls: 17, times: 1 },
        ],
      });
      const first = await requestLease(user, { ...AUTO, duration: 'PT3S' });
      const failed = await waitForStatus(user, first.id, 'FAILED', 90_000);

      // Act
      await withReconcilerLock(reconcile);
      const next = await requestLease(user, { ...AUTO, duration: 'PT3S' });
      const active = await waitForStatus(user, next.id, 'ACTIVE', 30_000);
      await waitForStatus(user, next.id, 'ENDED', 45_000);

      // Assess
      expect(failed.failure).toEqual(
        expect.objectContaining({ stage: 'REVOKE', error: 'AssignmentDeletionTimedOut' }),
      );
      expect((await getLease(user, first.id)).status).toBe('ENDED');
      expect(active.assignment.preExisting).toBe(false);
      expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
    }
  }, 180_000);

  it('finishes its sweep when one tuple cannot be settled, and reports that one', async () => {
    await withReconcilerLock(async () => {
      // Prepare: two leases whose executions stop with their status events lost, so only this
      // sweep finds them; Identity Center refuses to delete the first one's assignment.
      const users = ['own06', 'own07'] as const;
      const leases = await Promise.all(users.map((u) => requestLease(u, { ...AUTO, duration: 'PT30M' })));
      await Promise.all(leases.map((l, i) => waitForStatus(users[i] as string, l.id, 'ACTIVE')));
      const faults = await injectAwsFaults([
        ...leases.map((l) => ({ service: 'states' as const, mode: 'dropped' as const, leaseId: l.id })),
        {
          service: 'sso-admin',
          action: 'DeleteAccountAssignment',
          mode: 'refuse',
          error: 'AccessDeniedException',
          principalId: userId(users[0]),
        },
      ]);
      for (const l of leases)
        await sfnClient().send(new StopExecutionCommand({ executionArn: executionArn(l.id) }));

      // Act
      const report = await reconcile();
      const deniedStays = await isAssigned(users[0], AUTO.accountId, AUTO.permissionSet);
      await clearAwsFaults(faults);
      const after = await reconcile();

      // Assess
      expect(report.failed).toContainEqual(
        expect.objectContaining({
          stage: 'tuple',
          error: 'AccessDeniedException',
          principal: expect.objectContaining({ id: userId(users[0]) }),
        }),
      );
      // The other one was removed by this run, or by one a failed execution started meanwhile.
      expect(await orphanedFindings(users[1], leases[1]?.requestedAt as string)).not.toEqual([]);
      expect(deniedStays).toBe(true);
      expect(mentions(after.removed, users[0])).toBe(true);
      for (const u of users) expect(await isAssigned(u, AUTO.accountId, AUTO.permissionSet)).toBe(false);
    });
  }, 120_000);
});

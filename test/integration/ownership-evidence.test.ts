import { CreateAccountAssignmentCommand, DeleteAccountAssignmentCommand } from '@aws-sdk/client-sso-admin';
import { describe, expect, it } from 'vitest';
import {
  callsFor,
  clearAwsFaults,
  injectAwsFaults,
  isAssigned,
  requestLease,
  ssoAdminClient,
  userId,
  waitForStatus,
  waitUntil,
  withReconcilerLock,
} from './harness.ts';
import { ledger } from './lease-ops-kit.ts';
import { AUTO, orphanedFindings, reconcile, target, tupleOf } from './ownership-kit.ts';

// The evidence the reconciler acts on: found when the answer was lost, and never trusted stale.
describe.concurrent('ownership evidence', () => {
  it('removes an assignment whose create answer was lost, found through Identity Center’s creation requests', async () => {
    // Prepare: the create is applied but its answer lost; the retry is refused, so the lease fails
    // without ever learning its create's request id.
    const user = 'own11';
    const ids = await injectAwsFaults([
      {
        service: 'sso-admin',
        action: 'CreateAccountAssignment',
        mode: 'lost',
        error: 'InternalServerException',
        principalId: userId(user),
        times: 1,
      },
      {
        service: 'sso-admin',
        action: 'CreateAccountAssignment',
        mode: 'refuse',
        error: 'AccessDeniedException',
        principalId: userId(user),
      },
    ]);
    const lease = await requestLease(user, { ...AUTO, duration: 'PT30M' });
    const failed = await waitForStatus(user, lease.id, 'FAILED', 60_000);
    await clearAwsFaults(ids);

    // Act: whichever run settles it (this one, or the one the failed execution started). Held
    // under the reconciler lock: this sweep must not take another test's orphan first.
    await withReconcilerLock(() =>
      waitUntil(
        'the lost create found and its assignment removed',
        async () => {
          await reconcile();
          return (await orphanedFindings(user, lease.requestedAt)).length > 0;
        },
        60_000,
      ),
    );

    // Assess
    expect(failed.failure).toEqual(expect.objectContaining({ stage: 'GRANT' }));
    expect(failed.assignment?.createRequestId).toBeUndefined();
    expect((await callsFor(user, 'CreateAccountAssignment')).filter((c) => c.requestId)).toHaveLength(1);
    expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
  }, 120_000);

  it('claims no assignment for deletion on a stale reading once the lease has deleted its own', async () => {
    // Prepare: what a sweep read while the lease held the tuple; then the lease ends (its delete
    // clears the evidence) and an administrator assigns the same tuple directly.
    const user = 'own12';
    const lease = await requestLease(user, { ...AUTO, duration: 'PT3S' });
    await waitForStatus(user, lease.id, 'ACTIVE');
    const read = await ledger().tuples.get(tupleOf(user));
    await waitForStatus(user, lease.id, 'ENDED', 45_000);
    await waitUntil('the evidence cleared', async () => {
      const now = await ledger().tuples.get(tupleOf(user));
      return !now?.createdBy && !now?.creator && !now?.deleting;
    });
    await ssoAdminClient().send(new CreateAccountAssignmentCommand(target(user)));
    await waitUntil('the direct assignment', () => isAssigned(user, AUTO.accountId, AUTO.permissionSet));

    // Act
    const claimed = await ledger().tuples.claimForDeletion(
      tupleOf(user),
      'reconciler-it',
      new Date().toISOString(),
      {
        deleting: read?.deleting,
        creator: read?.creator,
        createdBy: read?.createdBy,
      },
    );

    // Assess
    expect(read?.createdBy ?? read?.creator).toBe(lease.id);
    expect(claimed).toBe(false);
    expect((await ledger().tuples.get(tupleOf(user)))?.deleting).toBeUndefined();
    expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(true);
    await ssoAdminClient().send(new DeleteAccountAssignmentCommand(target(user)));
  });
});

import { describe, expect, it } from 'vitest';
import {
  call,
  callsFor,
  clearAwsFaults,
  hasEntered,
  injectAwsFaults,
  injectFaults,
  isAssigned,
  requestLease,
  statesEntered,
  userId,
  waitForStatus,
  waitUntil,
  withReconcilerLock,
} from './harness.ts';
import { AUTO, fired } from './ownership-kit.ts';

describe('the last holder of an assignment another lease created', () => {
  it('waits for the record of that create, then deletes the assignment itself rather than leaving it to the reconciler', async () => {
    // No sweep may take the assignment while the test watches who removes it.
    await withReconcilerLock(async () => {
      // Prepare: the ledger writer's record that the first lease's create SUCCEEDED (createdBy;
      // its update alone removes creationPending) is refused until the test lets it through. The
      // create answers IN_PROGRESS for a while, so the rule is in place before the activation.
      const user = 'own14';
      await injectFaults({
        rules: [
          { action: 'CreateAccountAssignment', principalId: userId(user), inProgressPolls: 4, times: 1 },
        ],
      });
      const first = await requestLease(user, { ...AUTO, duration: 'PT30M', justification: 'creates' });
      const [record] = await injectAwsFaults([
        {
          service: 'dynamodb',
          action: 'UpdateItem',
          mode: 'refuse',
          leaseId: first.id,
          contains: 'REMOVE creationPending',
          times: 1000,
        },
      ]);
      await waitForStatus(user, first.id, 'ACTIVE', 60_000);
      const second = await requestLease(user, { ...AUTO, duration: 'PT30M', justification: 'joins' });
      const joined = await waitForStatus(user, second.id, 'ACTIVE', 60_000);
      await call(user, 'POST', `/leases/${first.id}/revoke`, {});
      await waitForStatus(user, first.id, 'ENDED', 60_000);

      // Act: the joiner ends last while the record is still missing; then the record comes.
      await call(user, 'POST', `/leases/${second.id}/revoke`, {});
      await waitUntil(
        'the joiner waiting for the record',
        async () => hasEntered(second.id, 'WaitForEvidence'),
        60_000,
      );
      const heldWhileWaiting = await isAssigned(user, AUTO.accountId, AUTO.permissionSet);
      const refusals = await fired([record as string]);
      await clearAwsFaults([record as string]);
      const ended = await waitForStatus(user, second.id, 'ENDED', 60_000);

      // Assess: the workflow deleted it (no reconciler ran) after waiting for the record.
      expect(joined.assignment.preExisting).toBe(true);
      expect(refusals).toBeGreaterThan(0);
      expect(heldWhileWaiting).toBe(true);
      expect(ended.endReason).toBe('REVOKED');
      expect(await statesEntered(second.id)).toEqual(
        expect.arrayContaining(['LastWithoutEvidence', 'Delete']),
      );
      expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
      expect(await callsFor(user, 'DeleteAccountAssignment')).toHaveLength(1);
    });
  });
});

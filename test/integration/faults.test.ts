import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import {
  callsFor,
  executionArn,
  executionStatus,
  injectFaults,
  isAssigned,
  requestLease,
  sfnClient,
  statesEntered,
  userId,
  waitForStatus,
  waitUntil,
  withReconcilerLock,
} from './harness.ts';

const AUTO = { accountId: '111111111111', permissionSet: 'ReadOnly' } as const;

describe.concurrent('Identity Center faults', () => {
  it('fails the lease when Identity Center reports the creation FAILED, and releases the tuple', async () => {
    // Prepare
    const user = 't18';
    await injectFaults({
      rules: [
        {
          principalId: userId(user),
          action: 'CreateAccountAssignment',
          status: 'FAILED',
          failureReason: 'IAM role quota exceeded',
          times: 1,
        },
      ],
    });

    // Act
    const lease = await requestLease(user, { ...AUTO, duration: 'PT3S' });
    const failed = await waitForStatus(user, lease.id, 'FAILED');
    const assignedAfterFailure = await isAssigned(user, AUTO.accountId, AUTO.permissionSet);
    const retry = await requestLease(user, { ...AUTO, duration: 'PT3S' });
    const retryActive = await waitForStatus(user, retry.id, 'ACTIVE');
    const assignedByRetry = await isAssigned(user, AUTO.accountId, AUTO.permissionSet);
    const retryEnded = await waitForStatus(user, retry.id, 'ENDED');

    // Assess
    expect(failed.failure?.stage).toBe('GRANT');
    expect(failed.failure?.cause).toContain('IAM role quota exceeded');
    expect(failed.timeline.map((t) => t.type)).toContain('FAILED');
    expect(failed.timeline.map((t) => t.type)).not.toContain('ACTIVATED');
    expect(assignedAfterFailure).toBe(false);
    expect(retryActive.assignment.preExisting).toBe(false);
    expect(assignedByRetry).toBe(true);
    expect(retryEnded.endReason).toBe('EXPIRED');
    expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
  });

  it('rides out throttling, conflicts and a slow creation, and still revokes', async () => {
    // Prepare
    const user = 't19';
    const principalId = userId(user);
    // Rules match in order; one with `error` answers before the call reaches Identity Center.
    await injectFaults({
      rules: [
        { principalId, action: 'CreateAccountAssignment', error: 'ThrottlingException', times: 3 },
        { principalId, action: 'CreateAccountAssignment', error: 'ConflictException', times: 2 },
        { principalId, action: 'CreateAccountAssignment', inProgressPolls: 2, times: 1 },
        { principalId, action: 'DeleteAccountAssignment', error: 'ThrottlingException', times: 2 },
      ],
    });

    // Act
    const lease = await requestLease(user, { ...AUTO, duration: 'PT3S' });
    const active = await waitForStatus(user, lease.id, 'ACTIVE', 75_000);
    const assignedWhileActive = await isAssigned(user, AUTO.accountId, AUTO.permissionSet);
    const ended = await waitForStatus(user, lease.id, 'ENDED', 45_000);

    // Assess
    expect(assignedWhileActive).toBe(true);
    expect(active.assignment.createRequestId).toEqual(expect.any(String));
    expect(ended.endReason).toBe('EXPIRED');
    expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
    expect(await callsFor(user, 'CreateAccountAssignment')).toHaveLength(6);
    expect(await callsFor(user, 'DeleteAccountAssignment')).toHaveLength(3);
    const states = await statesEntered(lease.id);
    expect(states.filter((s) => s === 'WaitForCreation')).toHaveLength(2);
    expect(states.filter((s) => s === 'CreationStatus')).toHaveLength(3);
    expect(states).not.toContain('GrantFailed');
    expect(states).not.toContain('RevocationFailed');
    const history = await sfnClient().send(
      new GetExecutionHistoryCommand({ executionArn: executionArn(lease.id), maxResults: 1000 }),
    );
    const retried = (history.events ?? [])
      .filter((e) => e.type === 'TaskFailed')
      .map((e) => `${e.taskFailedEventDetails?.resource} ${e.taskFailedEventDetails?.error}`);
    expect(retried).toEqual([
      ...Array(3).fill('createAccountAssignment SsoAdmin.ThrottlingException'),
      ...Array(2).fill('createAccountAssignment SsoAdmin.ConflictException'),
      ...Array(2).fill('deleteAccountAssignment SsoAdmin.ThrottlingException'),
    ]);
  }, 150_000);

  it('leaves a failed revocation to the reconciler, which the failed execution starts', async () => {
    await withReconcilerLock(async () => {
      // Prepare
      const user = 't20';
      await injectFaults({
        rules: [
          {
            principalId: userId(user),
            action: 'DeleteAccountAssignment',
            status: 'FAILED',
            failureReason: 'injected: deletion failed',
            times: 1,
          },
        ],
      });
      const lease = await requestLease(user, { ...AUTO, duration: 'PT3S' });
      await waitForStatus(user, lease.id, 'ACTIVE');

      // Act: the execution ends FAILED; Step Functions' status event runs the reconciler (no call here)
      const failed = await waitForStatus(user, lease.id, 'FAILED');
      await waitUntil(
        'assignment removed',
        async () => !(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)),
      );
      const after = await waitForStatus(user, lease.id, 'ENDED', 10_000);

      // Assess
      expect(failed.failure?.stage).toBe('REVOKE');
      expect(failed.failure?.cause).toContain('injected: deletion failed');
      expect(await executionStatus(lease.id)).toBe('FAILED');
      expect(after.endReason).toBe('EXPIRED');
      expect(after.assignment.deleteRequestId).toEqual(expect.any(String));
      expect(after.timeline.at(-1)).toEqual(expect.objectContaining({ type: 'ENDED', actor: 'reconciler' }));
    });
  });
});

import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import {
  awsFaults,
  executionArn,
  injectAwsFaults,
  isAssigned,
  requestLease,
  sfnClient,
  userId,
  waitForStatus,
  withReconcilerLock,
} from './harness.ts';

const AUTO = { accountId: '111111111111', permissionSet: 'ReadOnly' } as const;

describe('the reconciler when AWS calls fail halfway', () => {
  it('ends the lease when the answer to its DeleteAccountAssignment was lost and the replay finds it gone', async () => {
    await withReconcilerLock(async () => {
      // Prepare: the fault storm (bench/storm.ts) found this; the SDK's replay of the delete
      // meets an assignment that is no longer there
      const user = 'own08';
      const lease = await requestLease(user, { ...AUTO, duration: 'PT30M' });
      await waitForStatus(user, lease.id, 'ACTIVE');
      const [rule] = await injectAwsFaults([
        {
          service: 'sso-admin',
          action: 'DeleteAccountAssignment',
          mode: 'lost',
          principalId: userId(user),
          times: 1,
        },
      ]);

      // Act: stopped, so the execution-ended rule runs the reconciler, with nothing else called
      await sfnClient().send(
        new StopExecutionCommand({ executionArn: executionArn(lease.id), cause: 'integration test' }),
      );
      const ended = await waitForStatus(user, lease.id, 'ENDED', 30_000);

      // Assess
      expect((await awsFaults()).find((r) => r.id === rule)?.fired).toBe(1);
      expect(await isAssigned(user, AUTO.accountId, AUTO.permissionSet)).toBe(false);
      expect(ended.timeline).toContainEqual(expect.objectContaining({ type: 'ENDED', actor: 'reconciler' }));
    });
  });
});

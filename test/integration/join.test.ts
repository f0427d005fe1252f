import { describe, expect, it } from 'vitest';
import {
  call,
  callsFor,
  injectFaults,
  isAssigned,
  requestLease,
  userId,
  waitForStatus,
  waitUntil,
} from './harness.ts';

const TUPLE = { accountId: '111111111111', permissionSet: 'ReadOnly' };

describe('a lease that joins while the first holder is still creating the assignment', () => {
  it('becomes ACTIVE only once that assignment exists', async () => {
    // Prepare: the first lease's creation stays IN_PROGRESS for four polls (about 8 s).
    const user = 't08';
    await injectFaults({
      rules: [{ principalId: userId(user), action: 'CreateAccountAssignment', inProgressPolls: 4, times: 1 }],
    });
    const first = await requestLease(user, { ...TUPLE, duration: 'PT20S', justification: 'first holder' });
    await waitUntil(
      'the first holder creates',
      async () => (await callsFor(user, 'CreateAccountAssignment')).length > 0,
    );
    // When the assignment was last seen missing (the time the listing was asked): the joiner must
    // be granted after it. The first holder's own grantedAt is no bound: its next status poll, up
    // to one interval after the assignment appears, is what sees SUCCEEDED.
    let missingAt = Date.now();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const askedAt = Date.now();
        if (!(await isAssigned(user, TUPLE.accountId, TUPLE.permissionSet))) missingAt = askedAt;
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    // Act
    const second = await requestLease(user, { ...TUPLE, duration: 'PT20S', justification: 'joins' });
    const secondActive = await waitForStatus(user, second.id, 'ACTIVE', 60_000);
    await waitForStatus(user, first.id, 'ACTIVE', 60_000);
    watching = false;
    await watcher;

    // Assess: the joiner waited for the creation it depends on
    expect(secondActive.assignment.preExisting).toBe(true);
    expect(Date.parse(secondActive.grantedAt as string)).toBeGreaterThanOrEqual(missingAt);
    await call(user, 'POST', `/leases/${first.id}/revoke`, {});
    await call(user, 'POST', `/leases/${second.id}/revoke`, {});
    await waitForStatus(user, second.id, 'ENDED');
    await waitForStatus(user, first.id, 'ENDED');
  });
});

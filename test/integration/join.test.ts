import { describe, expect, it } from 'vitest';
import { call, injectFaults, requestLease, userId, waitForStatus } from './harness.ts';

const TUPLE = { accountId: '111111111111', permissionSet: 'ReadOnly' };

describe('a lease that joins while the first holder is still creating the assignment', () => {
  it('becomes ACTIVE only once that assignment exists', async () => {
    // Prepare: the first lease's creation stays IN_PROGRESS for four polls (about 8 s).
    const user = 't08';
    await injectFaults({
      rules: [{ principalId: userId(user), action: 'CreateAccountAssignment', inProgressPolls: 4, times: 1 }],
    });
    const first = await requestLease(user, { ...TUPLE, duration: 'PT20S', justification: 'first holder' });
    await new Promise((r) => setTimeout(r, 1500));

    // Act
    const second = await requestLease(user, { ...TUPLE, duration: 'PT20S', justification: 'joins' });
    const secondActive = await waitForStatus(user, second.id, 'ACTIVE', 60_000);
    const firstActive = await waitForStatus(user, first.id, 'ACTIVE', 60_000);

    // Assess: the joiner waited for the creation it depends on (2 s polls, so up to 2.5 s after)
    expect(secondActive.assignment.preExisting).toBe(true);
    expect(Date.parse(secondActive.grantedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(firstActive.grantedAt as string) - 1000,
    );
    await call(user, 'POST', `/leases/${first.id}/revoke`, {});
    await call(user, 'POST', `/leases/${second.id}/revoke`, {});
    await waitForStatus(user, second.id, 'ENDED');
    await waitForStatus(user, first.id, 'ENDED');
  });
});

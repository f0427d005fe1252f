import { CreateAccountAssignmentCommand } from '@aws-sdk/client-sso-admin';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  info,
  isAssigned,
  requestLease,
  ssoAdminClient,
  statesEntered,
  userId,
  waitForStatus,
} from './harness.ts';

const ACCOUNT = '444444444444';

const assign = (principalId: string) =>
  ssoAdminClient().send(
    new CreateAccountAssignmentCommand({
      InstanceArn: info().instanceArn,
      TargetId: ACCOUNT,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: info().permissionSets.ReadOnly,
      PrincipalType: 'USER',
      PrincipalId: principalId,
    }),
  );

describe.concurrent('an account where the permission set has more than one page of assignments', () => {
  beforeAll(async () => {
    // 105 other principals first, so the standing assignment of t30 lands on the second page.
    for (let i = 0; i < 105; i++) await assign(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    await assign(userId('t30'));
  });

  it('finds standing access on a later page and never deletes it', async () => {
    // Act
    const lease = await requestLease('t30', {
      accountId: ACCOUNT,
      permissionSet: 'ReadOnly',
      duration: 'PT3S',
    });
    const active = await waitForStatus('t30', lease.id, 'ACTIVE');
    await waitForStatus('t30', lease.id, 'ENDED');

    // Assess
    expect(active.assignment.preExisting).toBe(true);
    expect(await isAssigned('t30', ACCOUNT, 'ReadOnly')).toBe(true);
    expect(await statesEntered(lease.id)).toContain('ListNextPage');
  });

  it('creates and removes an assignment that is on no page', async () => {
    // Act
    const lease = await requestLease('t31', {
      accountId: ACCOUNT,
      permissionSet: 'ReadOnly',
      duration: 'PT3S',
    });
    const active = await waitForStatus('t31', lease.id, 'ACTIVE');
    const assignedWhileActive = await isAssigned('t31', ACCOUNT, 'ReadOnly');
    await waitForStatus('t31', lease.id, 'ENDED');

    // Assess
    expect(active.assignment.preExisting).toBe(false);
    expect(assignedWhileActive).toBe(true);
    expect(await isAssigned('t31', ACCOUNT, 'ReadOnly')).toBe(false);
  });
});

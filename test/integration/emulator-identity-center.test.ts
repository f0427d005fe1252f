import { randomUUID } from 'node:crypto';
import {
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  ListAccountAssignmentsCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { beforeAll, describe, expect, it } from 'vitest';
import { failure, unique } from './emulator-kit.ts';
import { awsConfig, idcCalls, info, injectAwsFaults, injectFaults, waitUntil } from './harness.ts';

// An account and a permission set no policy names: the reconciler and the drift tests never see them.
const ACCOUNT = '444444444444';
let permissionSetArn = '';
const sso = (maxAttempts?: number) => new SSOAdminClient(awsConfig(maxAttempts ? { maxAttempts } : {}));
const assignment = (principalId: string) => ({
  InstanceArn: info().instanceArn,
  TargetId: ACCOUNT,
  TargetType: 'AWS_ACCOUNT' as const,
  PermissionSetArn: permissionSetArn,
  PrincipalType: 'USER' as const,
  PrincipalId: principalId,
});
/** The entries Identity Center lists for `principalId` (one per assignment, in AWS). */
const entriesOf = async (principalId: string) =>
  (
    (
      await sso().send(
        new ListAccountAssignmentsCommand({
          InstanceArn: info().instanceArn,
          AccountId: ACCOUNT,
          PermissionSetArn: permissionSetArn,
        }),
      )
    ).AccountAssignments ?? []
  ).filter((a) => a.PrincipalId === principalId);
const creationStatus = async (requestId: string) =>
  (
    await sso().send(
      new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: info().instanceArn,
        AccountAssignmentCreationRequestId: requestId,
      }),
    )
  ).AccountAssignmentCreationStatus?.Status;

beforeAll(async () => {
  const out = await sso().send(
    new CreatePermissionSetCommand({ InstanceArn: info().instanceArn, Name: unique('ps').slice(0, 32) }),
  );
  permissionSetArn = out.PermissionSet?.PermissionSetArn as string;
});

describe.concurrent('Identity Center faults (scoped by principal)', () => {
  it('lost: a create creates and a delete deletes; refuse does neither and is still logged', async () => {
    // Prepare
    const [lost, refused] = [randomUUID(), randomUUID()];
    await injectAwsFaults([
      { service: 'sso-admin', action: 'CreateAccountAssignment', mode: 'lost', principalId: lost, times: 1 },
      { service: 'sso-admin', action: 'DeleteAccountAssignment', mode: 'lost', principalId: lost, times: 1 },
      {
        service: 'sso-admin',
        action: 'CreateAccountAssignment',
        mode: 'refuse',
        error: 'ThrottlingException',
        principalId: refused,
        accountId: ACCOUNT,
      },
    ]);

    // Act
    const create = await failure(sso(1).send(new CreateAccountAssignmentCommand(assignment(lost))));
    await waitUntil('the lost create to take effect', async () => (await entriesOf(lost)).length === 1);
    const del = await failure(sso(1).send(new DeleteAccountAssignmentCommand(assignment(lost))));
    await waitUntil('the lost delete to take effect', async () => (await entriesOf(lost)).length === 0);
    const throttled = await failure(sso().send(new CreateAccountAssignmentCommand(assignment(refused))));

    // Assess
    expect(create).toEqual({
      name: 'InternalServerException',
      status: 500,
      attempts: 1,
      requestId: expect.any(String),
    });
    expect(del).toMatchObject({ name: 'InternalServerException', status: 500 });
    expect(throttled).toMatchObject({ name: 'ThrottlingException', status: 400, attempts: 2 });
    expect(await entriesOf(refused)).toEqual([]);
    expect((await idcCalls()).filter((c) => c.principalId === refused)).toEqual([
      expect.objectContaining({ action: 'CreateAccountAssignment', error: 'ThrottlingException' }),
      expect.objectContaining({ action: 'CreateAccountAssignment', error: 'ThrottlingException' }),
    ]);
  });

  it('creating an assignment that exists succeeds with its own request and leaves one entry', async () => {
    // Prepare
    const principalId = randomUUID();
    const first = (await sso().send(new CreateAccountAssignmentCommand(assignment(principalId))))
      .AccountAssignmentCreationStatus;
    await waitUntil(
      'the first creation',
      async () => (await creationStatus(first?.RequestId as string)) === 'SUCCEEDED',
    );
    // Identity Center takes a while: the second request stays IN_PROGRESS for two polls.
    await injectFaults({
      rules: [{ principalId, action: 'CreateAccountAssignment', inProgressPolls: 2, times: 1 }],
    });

    // Act
    const second = (await sso().send(new CreateAccountAssignmentCommand(assignment(principalId))))
      .AccountAssignmentCreationStatus;
    const whileInProgress = [
      await creationStatus(second?.RequestId as string),
      (await entriesOf(principalId)).length,
    ];
    await waitUntil(
      'the second creation',
      async () => (await creationStatus(second?.RequestId as string)) === 'SUCCEEDED',
    );
    const entries = await entriesOf(principalId);
    await sso().send(new DeleteAccountAssignmentCommand(assignment(principalId)));
    await waitUntil('the deletion', async () => (await entriesOf(principalId)).length === 0);

    // Assess
    expect(first?.Status).toBe('IN_PROGRESS');
    expect(second?.Status).toBe('IN_PROGRESS');
    expect(second?.RequestId).not.toBe(first?.RequestId);
    expect(whileInProgress).toEqual(['IN_PROGRESS', 1]);
    expect(entries).toHaveLength(1);
  });

  it("a create replayed by the SDK's retry after its answer was lost leaves one entry", async () => {
    // Prepare
    const principalId = randomUUID();
    await injectAwsFaults([
      { service: 'sso-admin', action: 'CreateAccountAssignment', mode: 'lost', principalId, times: 1 },
    ]);

    // Act
    const out = await sso().send(new CreateAccountAssignmentCommand(assignment(principalId)));
    const requestId = out.AccountAssignmentCreationStatus?.RequestId as string;
    await waitUntil('the replayed creation', async () => (await creationStatus(requestId)) === 'SUCCEEDED');
    const entries = await entriesOf(principalId);
    await sso().send(new DeleteAccountAssignmentCommand(assignment(principalId)));
    await waitUntil('the deletion', async () => (await entriesOf(principalId)).length === 0);

    // Assess
    expect(out.$metadata.attempts).toBe(2);
    expect(entries).toHaveLength(1);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type AssignmentCall, actorOf, parseAssignmentCall } from '../../core/cloudtrail.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/cloudtrail/${name}.json`, import.meta.url), 'utf8'));

const callOf = (name: string): AssignmentCall => {
  const parsed = parseAssignmentCall(fixture(name));
  if (parsed.kind !== 'call') throw new Error(`${name} was ignored: ${parsed.reason}`);
  return parsed.call;
};

describe('parseAssignmentCall', () => {
  it('reads the tuple, request id and time of a create made by the workflow role', () => {
    // Prepare
    const event = fixture('create-by-workflow');

    // Act
    const parsed = parseAssignmentCall(event);

    // Assess
    expect(parsed).toEqual({
      kind: 'call',
      call: {
        eventId: 'b1e2c3d4-0001-4a5b-8c9d-0e1f2a3b4c5d',
        eventName: 'CreateAccountAssignment',
        eventTime: '2025-09-03T10:15:02.000Z',
        requestId: 'c2f4a6b8-1111-4c2d-9e8f-7a6b5c4d3e2f',
        instanceArn: 'arn:aws:sso:::instance/ssoins-72232e1b7a0d4b3f',
        accountId: '111111111111',
        permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-72232e1b7a0d4b3f/ps-3f1e2d4c5b6a7980',
        principal: { type: 'USER', id: '94482488-3041-7026-18f3-2c5d9e1f0a11' },
        actor: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::123456789012:assumed-role/idc-lease-workflow/7f3c9a1e2b4d6f80a1c3e5b7d9f1a3c5',
        },
        issuerArn: 'arn:aws:iam::123456789012:role/idc-lease-workflow',
      },
    });
  });

  it('takes a deletion’s request id from accountAssignmentDeletionStatus', () => {
    // Act
    const call = callOf('delete-by-workflow');

    // Assess
    expect(call.eventName).toBe('DeleteAccountAssignment');
    expect(call.requestId).toBe('d3a5b7c9-2222-4d3e-8f9a-6b5c4d3e2f1a');
  });

  it('ignores a failed call', () => {
    // Act
    const parsed = parseAssignmentCall(fixture('create-failed'));

    // Assess
    expect(parsed).toEqual({ kind: 'ignore', reason: 'the call failed (ConflictException)' });
  });

  it('refuses a record that is not an assignment call of Identity Center', () => {
    // Prepare
    const other = fixture('create-by-workflow');
    const wrongName = { ...other, detail: { ...(other.detail as object), eventName: 'CreatePermissionSet' } };

    // Act + Assess
    expect(() => parseAssignmentCall({ ...other, source: 'aws.iam' })).toThrow();
    expect(() => parseAssignmentCall(wrongName)).toThrow();
  });
});

describe('the actor of a call, in both record shapes', () => {
  it('before July 2025: an Identity Center user is type Unknown with a userName', () => {
    expect(callOf('create-by-identity-center-user-before-2025-07').actor).toEqual({
      type: 'Unknown',
      userName: 'grace',
      userId: '906757c6e8-5c7d1e2f-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
    });
  });

  it('after July 2025: an Identity Center user is IdentityCenterUser acting on behalf of a user id', () => {
    expect(callOf('create-by-identity-center-user-after-2025-07').actor).toEqual({
      type: 'IdentityCenterUser',
      userId: 'a4c8f2e6-1b3d-7059-8e2f-4a6c8e0b2d41',
    });
  });

  it('a console admin is an AWSReservedSSO_* session named after the userName', () => {
    // Act
    const call = callOf('create-by-console-admin');

    // Assess
    expect(call.actor).toEqual({
      type: 'AssumedRole',
      userName: 'frank',
      arn: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b/frank',
    });
    expect(call.issuerArn).toContain(':role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_');
  });

  it('names no user for a role session that is not Identity Center’s', () => {
    expect(
      actorOf({ type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/deployer/ci-run-42' }),
    ).toEqual({ type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/deployer/ci-run-42' });
    expect(actorOf({ type: 'IAMUser', userName: 'ops', arn: 'arn:aws:iam::123456789012:user/ops' })).toEqual({
      type: 'IAMUser',
      userName: 'ops',
      arn: 'arn:aws:iam::123456789012:user/ops',
    });
  });

  it('rebuilds the role of a session whose record has no sessionContext', () => {
    // Prepare
    const event = fixture('create-by-workflow');
    const detail = event.detail as { userIdentity: Record<string, unknown> };
    delete detail.userIdentity.sessionContext;

    // Act
    const parsed = parseAssignmentCall(event);

    // Assess
    expect(parsed.kind === 'call' && parsed.call.issuerArn).toBe(
      'arn:aws:iam::123456789012:role/idc-lease-workflow',
    );
  });
});

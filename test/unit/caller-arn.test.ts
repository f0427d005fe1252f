import { describe, expect, it } from 'vitest';
import { sessionNameFromCallerArn } from '../../core/caller-arn.ts';
import { ForbiddenError, UnauthorizedError } from '../../core/errors.ts';

describe('sessionNameFromCallerArn', () => {
  it.each([
    ['arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/alice', 'alice'],
    [
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_a1b2c3d4e5f60718/alice@example.com',
      'alice@example.com',
    ],
    [
      'arn:aws-us-gov:sts::210987654321:assumed-role/AWSReservedSSO_Power_User_0123456789abcdef/bob.smith+ops@corp.example',
      'bob.smith+ops@corp.example',
    ],
    [
      'arn:aws-cn:sts::123456789012:assumed-role/AWSReservedSSO_Dev-Ops_fedcba9876543210/carol_o=1-x',
      'carol_o=1-x',
    ],
  ])('accepts the Identity Center session %s', (arn, userName) => {
    // Act
    const result = sessionNameFromCallerArn(arn);

    // Assess
    expect(result).toBe(userName);
  });

  it.each([
    ['an IAM user', 'arn:aws:iam::123456789012:user/alice', /IAM user/],
    ['another role', 'arn:aws:sts::123456789012:assumed-role/DeployRole/alice', /does not manage/],
    [
      'a role named like SSO without the reserved prefix',
      'arn:aws:sts::123456789012:assumed-role/MyAWSReservedSSO_ReadOnly_0123456789abcdef/alice',
      /does not manage/,
    ],
    ['a federated user', 'arn:aws:sts::123456789012:federated-user/alice', /federated user/],
    ['the root user', 'arn:aws:iam::123456789012:root', /root/],
    [
      'the IAM role path form',
      'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnly_0123456789abcdef',
      /IAM role/,
    ],
    [
      'the IAM role path form without a region',
      'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_0123456789abcdef',
      /IAM role/,
    ],
    ['a non-ARN', 'alice', /not a valid ARN/],
    [
      'an unknown partition',
      'arn:aws-xx:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/alice',
      /partition/,
    ],
    [
      'a short account id',
      'arn:aws:sts::12345678901:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/alice',
      /malformed/,
    ],
    [
      'a missing session name',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/',
      /malformed/,
    ],
    [
      'a missing hex suffix',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly/alice',
      /malformed/,
    ],
    [
      'an extra path segment',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/alice/x',
      /malformed/,
    ],
    [
      'a session name with characters STS never issues',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/alice bob',
      /malformed/,
    ],
    [
      'trailing text on a valid ARN',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/alice\n',
      /not a valid ARN/,
    ],
  ])('refuses %s with 403', (_what, arn, why) => {
    // Act
    const act = () => sessionNameFromCallerArn(arn);

    // Assess
    expect(act).toThrow(ForbiddenError);
    expect(act).toThrow(/not an Identity Center session/);
    expect(act).toThrow(why);
    try {
      act();
    } catch (err) {
      expect((err as ForbiddenError).status).toBe(403);
    }
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['undefined', undefined],
    ['null', null],
  ])('answers 401 for a %s ARN', (_what, arn) => {
    // Act
    const act = () => sessionNameFromCallerArn(arn);

    // Assess
    expect(act).toThrow(UnauthorizedError);
    try {
      act();
    } catch (err) {
      expect((err as UnauthorizedError).status).toBe(401);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { checkSessionName, identityCenterSession } from '../../core/caller-arn.ts';
import { ForbiddenError, UnauthorizedError } from '../../core/errors.ts';

describe('identityCenterSession', () => {
  it.each([
    [
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/alice',
      { accountId: '123456789012', permissionSet: 'ReadOnly', sessionName: 'alice' },
    ],
    [
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_a1b2c3d4e5f60718/alice@example.com',
      { accountId: '123456789012', permissionSet: 'AdministratorAccess', sessionName: 'alice@example.com' },
    ],
    [
      'arn:aws-us-gov:sts::210987654321:assumed-role/AWSReservedSSO_Power_User_0123456789abcdef/bob.smith+ops@corp.example',
      { accountId: '210987654321', permissionSet: 'Power_User', sessionName: 'bob.smith+ops@corp.example' },
    ],
    [
      'arn:aws-cn:sts::123456789012:assumed-role/AWSReservedSSO_Dev-Ops_fedcba9876543210/carol_o=1-x',
      { accountId: '123456789012', permissionSet: 'Dev-Ops', sessionName: 'carol_o=1-x' },
    ],
  ])('accepts the Identity Center session %s', (arn, parts) => {
    // Act
    const result = identityCenterSession(arn);

    // Assess
    expect(result).toEqual(parts);
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
      /session name/,
    ],
    [
      'a look-alike role name in lower case',
      'arn:aws:sts::123456789012:assumed-role/awsreservedsso_ReadOnly_0123456789abcdef/alice',
      /does not manage/,
    ],
    [
      'a look-alike role name whose suffix is not hex',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdeg/alice',
      /malformed/,
    ],
    [
      'a look-alike role name whose suffix is too short',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcde/alice',
      /malformed/,
    ],
    [
      'a look-alike role name whose suffix is upper-case hex',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789ABCDEF/alice',
      /malformed/,
    ],
    [
      'a permission set part longer than Identity Center allows',
      `arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_${'A'.repeat(33)}_0123456789abcdef/alice`,
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
    ...[
      ['a space', 'alice bob'],
      ['a trailing newline', 'alice\n'],
      ['a control character', 'alice\u0007'],
      ['a terminal escape', 'alice\u001b[31m'],
      ['a percent-encoded newline', 'alice%0a'],
      ['a Cyrillic look-alike letter', 'аlice'],
      ['a zero-width space', 'ali\u200bce'],
      ['a single character', 'a'],
      ['more than 64 characters', 'a'.repeat(65)],
    ].map(([what, name]) => [
      `a session name with ${what}`,
      `arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/${name}`,
      /session name/,
    ]),
  ])('refuses %s with 403', (_what, arn, why) => {
    // Act
    const act = () => identityCenterSession(arn as string);

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
    const act = () => identityCenterSession(arn);

    // Assess
    expect(act).toThrow(UnauthorizedError);
    try {
      act();
    } catch (err) {
      expect((err as UnauthorizedError).status).toBe(401);
    }
  });
});

describe('checkSessionName', () => {
  it('passes the names STS issues and refuses the rest, before anything is looked up', () => {
    expect(checkSessionName('alice.smith+ops@example.com')).toBe('alice.smith+ops@example.com');
    for (const odd of ['alice\r\nX-Lease-User: bob', 'alice/..', 'alice;', 'ALİCE', ''])
      expect(() => checkSessionName(odd), JSON.stringify(odd)).toThrow(ForbiddenError);
  });
});

import { ForbiddenError, UnauthorizedError } from './errors.ts';

/**
 * The only callers the deployed API accepts: an STS session of an Identity Center permission-set
 * role, `arn:<partition>:sts::<account>:assumed-role/AWSReservedSSO_<PermissionSet>_<hex>/<session>`.
 * Identity Center names the session after the user's Identity Store `userName`.
 * Session names are at most 64 characters of `[\w+=,.@-]`; permission set names at most 32.
 */
const SSO_SESSION =
  /^arn:(?:aws|aws-us-gov|aws-cn):sts::\d{12}:assumed-role\/AWSReservedSSO_[\w+=,.@-]{1,32}_[0-9a-f]+\/([\w+=,.@-]{1,64})$/;

const GENERIC = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.*)$/;

/** Why an ARN that is not an Identity Center session was refused, for the 403 message. */
const describe = (arn: string): string => {
  const m = GENERIC.exec(arn);
  if (!m) return 'not a valid ARN';
  const [, partition, service, , , resource = ''] = m;
  if (partition !== 'aws' && partition !== 'aws-us-gov' && partition !== 'aws-cn') {
    return `unknown partition ${partition}`;
  }
  if (service === 'iam' && resource === 'root') return 'the account root user';
  if (service === 'iam' && resource.startsWith('user/')) return 'an IAM user';
  if (service === 'iam' && resource.startsWith('role/')) return 'an IAM role, not a role session';
  if (service === 'sts' && resource.startsWith('federated-user/')) return 'a federated user';
  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    return resource.startsWith('assumed-role/AWSReservedSSO_')
      ? 'a malformed Identity Center role session'
      : 'a session of a role that Identity Center does not manage';
  }
  return `a ${service} principal`;
};

/**
 * The Identity Store `userName` of the caller, taken from the session name of its ARN.
 * An empty ARN is 401 (no identity at all); any other principal is 403.
 */
export function sessionNameFromCallerArn(arn: string | undefined | null): string {
  if (typeof arn !== 'string' || arn.trim() === '') throw new UnauthorizedError();
  const m = SSO_SESSION.exec(arn);
  if (!m?.[1]) {
    throw new ForbiddenError(`caller is not an Identity Center session (AWSReservedSSO_*): ${describe(arn)}`);
  }
  return m[1];
}

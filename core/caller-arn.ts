import { ForbiddenError, UnauthorizedError } from './errors.ts';

/**
 * What the handler can read from the caller's ARN once API Gateway has verified the signature.
 *
 * This is not where a caller is proven to be an Identity Center session: an assumed-role ARN
 * carries no role path, so a role anyone creates and names `AWSReservedSSO_…` produces the same
 * ARN. The resource policy proves it (`aws:PrincipalArn` under Identity Center's reserved path and
 * an `identitystore:userId` in the session, `lib/lease-api.ts`). This function only refuses what
 * Identity Center never issues and splits what it does issue into its parts, for the checks the
 * handler adds: the permission set must be one of the instance, the session name one user.
 */
export interface IdentityCenterSession {
  accountId: string;
  /** The permission set's name, from `AWSReservedSSO_<name>_<16 hex>`. */
  permissionSet: string;
  /** Identity Center names the session after the user's Identity Store `userName`. */
  sessionName: string;
}

/**
 * Session names STS issues: 2–64 characters of `[A-Za-z0-9_+=,.@-]` (ASCII only). Anything else
 * (spaces, control characters, slashes, look-alike Unicode letters) never comes from Identity
 * Center, so it is refused before any lookup.
 */
const SESSION_NAME = /^[A-Za-z0-9_+=,.@-]{2,64}$/;

/**
 * `arn:<partition>:sts::<account>:assumed-role/AWSReservedSSO_<PermissionSet>_<hex>/<session>`.
 * Permission set names are at most 32 characters of `[\w+=,.@-]` and may contain `_`; Identity
 * Center's suffix is 16 lowercase hex digits.
 */
const SSO_SESSION =
  /^arn:(?:aws|aws-us-gov|aws-cn):sts::(\d{12}):assumed-role\/AWSReservedSSO_([A-Za-z0-9_+=,.@-]{1,32})_[0-9a-f]{16}\/([^/]*)$/;

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

/** The session name, if STS could have issued it; otherwise 403 (never looked up). */
export function checkSessionName(name: string): string {
  if (!SESSION_NAME.test(name)) {
    throw new ForbiddenError(
      'caller is not an Identity Center session: the session name is not a userName Identity Center issues',
    );
  }
  return name;
}

/**
 * The parts of an Identity Center session ARN. An empty ARN is 401 (no identity at all); any
 * other principal, or a session name STS would not issue, is 403.
 */
export function identityCenterSession(arn: string | undefined | null): IdentityCenterSession {
  if (typeof arn !== 'string' || arn.trim() === '') throw new UnauthorizedError();
  const m = SSO_SESSION.exec(arn);
  if (!m?.[1] || !m[2] || m[3] === undefined) {
    throw new ForbiddenError(`caller is not an Identity Center session (AWSReservedSSO_*): ${describe(arn)}`);
  }
  return { accountId: m[1], permissionSet: m[2], sessionName: checkSessionName(m[3]) };
}

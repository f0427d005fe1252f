import type { CallerResolver } from '../adapters/cached-directory.ts';
import type { Caller } from '../adapters/directory.ts';
import { checkSessionName, identityCenterSession } from '../core/caller-arn.ts';
import { ForbiddenError } from '../core/errors.ts';
import type { Catalog } from './context.ts';

/**
 * The caller behind a signed request: what the handler checks on top of the resource policy,
 * which alone sees the role's path and the session's `identitystore:userId`.
 * - the ARN is an Identity Center permission-set session (`core/caller-arn.ts`);
 * - the permission set its role is named after is one the instance has (the catalog knows it);
 * - the session name is one STS issues and resolves to exactly one Identity Store user, whose
 *   canonical `userName` and `userId` are the caller from here on.
 */
export async function callerFromSession(
  deps: { catalog: Catalog; callers: CallerResolver },
  arn: string,
): Promise<Caller> {
  const session = identityCenterSession(arn);
  if (!(await deps.catalog.permissionSetArn(session.permissionSet))) {
    throw new ForbiddenError(
      `caller's role names no permission set of this Identity Center instance (${session.permissionSet})`,
    );
  }
  return deps.callers.resolve(session.sessionName);
}

/**
 * The local runtime's stand-in for a session: `X-Lease-User` is checked and resolved exactly as a
 * session name is, so a name the deployed API would refuse is refused locally too.
 */
export const callerFromName = async (callers: CallerResolver, name: string): Promise<Caller> =>
  callers.resolve(checkSessionName(name));

import type { IdentityUser, SubjectMapping } from '../adapters/identity-users.ts';
import { safeReturnTo } from '../core/console-http.ts';
import type { SessionLimits } from '../core/console-session.ts';
import { ForbiddenError, LeaseError } from '../core/errors.ts';
import type { ConsoleSessions } from './console-sessions.ts';
import type { ServiceProvider } from './saml-sp.ts';

/** 503: the deployment has no IdP metadata yet (the first deploy, before the SAML application exists). */
export class SignInNotConfiguredError extends LeaseError {
  constructor() {
    super(
      503,
      'NOT_CONFIGURED',
      "console sign-in is not configured yet: add Identity Center's SAML metadata to the deployment and deploy again",
    );
  }
}

/** 403: Identity Center vouched for someone the Identity Store does not know (wrong Subject mapping?). */
export class UnknownSubjectError extends ForbiddenError {
  constructor(
    readonly subject: string,
    mapping: SubjectMapping,
  ) {
    super(
      `Identity Center signed in "${subject}", but no Identity Store user has that ${mapping}: no session was started. ` +
        `Check the application's Subject attribute mapping (it must carry the user's ${mapping}).`,
    );
  }
}

export interface SignInDeps {
  /** Undefined until the deployment is given the IdP's metadata. */
  readonly sp?: ServiceProvider;
  readonly sessions: ConsoleSessions;
  readonly users: { find(subject: string, mapping: SubjectMapping): Promise<IdentityUser | undefined> };
  readonly subjectMapping: SubjectMapping;
  readonly limits: SessionLimits;
  /** Where the console is served (`/console/` locally, `/` deployed): the default place to land. */
  readonly basePath: string;
}

const configured = (deps: SignInDeps): ServiceProvider => {
  if (!deps.sp) throw new SignInNotConfiguredError();
  return deps.sp;
};

/** SP-initiated: the IdP URL to send the browser to, carrying an AuthnRequest and where to return. */
export async function startSignIn(deps: SignInDeps, returnTo: string | undefined): Promise<string> {
  return configured(deps).authnRequestUrl(safeReturnTo(returnTo, deps.basePath));
}

export interface SignedIn {
  token: string;
  maxAgeSeconds: number;
  /** Where the browser goes next: the RelayState path when it is one of ours, else the console. */
  location: string;
  user: IdentityUser;
}

/**
 * The ACS: a verified response for a known user becomes a session. A session the browser
 * already had is ended first, so signing in as someone else never leaves the old one usable.
 */
export async function completeSignIn(
  deps: SignInDeps,
  form: { SAMLResponse?: string; RelayState?: string },
  previousToken?: string,
): Promise<SignedIn> {
  const { verified, found: user } = await configured(deps).verifyAlongside(form.SAMLResponse, (subject) =>
    deps.users.find(subject, deps.subjectMapping),
  );
  if (!user) throw new UnknownSubjectError(verified.subject, deps.subjectMapping);
  if (previousToken) await deps.sessions.end(previousToken);
  const { token, session } = await deps.sessions.start(user, deps.limits);
  return {
    token,
    maxAgeSeconds: Math.floor((session.absoluteExpiresAt - session.createdAt) / 1000),
    location: safeReturnTo(form.RelayState, deps.basePath),
    user,
  };
}

export async function signOut(deps: Pick<SignInDeps, 'sessions'>, token: string | undefined): Promise<void> {
  await deps.sessions.end(token);
}

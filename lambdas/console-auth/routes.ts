import {
  clearedSessionCookie,
  csrfRefusal,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
} from '../../core/console-http.ts';
import { ForbiddenError, LeaseError, NotFoundError, toErrorBody } from '../../core/errors.ts';
import { completeSignIn, type SignInDeps, signOut, startSignIn } from '../../service/console-sign-in.ts';
import { serviceProviderMetadata } from '../../service/saml-sp.ts';

/** An HTTP request as both the Lambda and the local server hand it over. */
export interface HttpRequest {
  method: string;
  path: string;
  query: Readonly<Record<string, string>>;
  /** Lower-cased names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body text. */
  body?: string;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Set-Cookie values, one per cookie. */
  cookies: string[];
}

export interface AuthDeps extends SignInDeps {
  /** `scheme://host[:port]` of the console, for the CSRF check of sign-out. */
  readonly ownOrigin: string;
  /** What the SP metadata advertises; known before the IdP's metadata is. */
  readonly acsUrl: string;
  readonly audience: string;
  readonly onInternalError?: (err: unknown) => void;
}

/** A SAML response with a certificate is a few KB; the form is refused well before it could be much more. */
export const MAX_FORM_BYTES = 256 * 1024;

const NO_STORE = { 'cache-control': 'no-store' };

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** The page a person sees when sign-in does not work: what happened, and what to do. */
export const page = (status: number, title: string, message: string): HttpAnswer => ({
  status,
  headers: {
    ...NO_STORE,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  },
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · idc-lease</title>
<style>body{font:16px system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#16191f}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
<p>Open the console again from your AWS access portal, or ask your administrator.</p></main></body></html>`,
  cookies: [],
});

const json = (status: number, body: unknown, cookies: string[] = []): HttpAnswer => ({
  status,
  headers: { ...NO_STORE, 'content-type': 'application/json' },
  body: JSON.stringify(body),
  cookies,
});

const redirect = (status: 302 | 303, location: string, cookies: string[] = []): HttpAnswer => ({
  status,
  headers: { ...NO_STORE, location },
  body: '',
  cookies,
});

const TITLES: Record<number, string> = {
  401: 'Sign-in refused',
  403: 'No such user',
  503: 'Sign-in not configured',
};

/** `/auth/*`: sign-in (SP- and IdP-initiated), sign-out and the SP metadata; the same code locally and deployed. */
export async function handleAuth(deps: AuthDeps, req: HttpRequest): Promise<HttpAnswer> {
  const route = `${req.method} ${req.path}`;
  try {
    if (route === 'GET /auth/login') return redirect(302, await startSignIn(deps, req.query.returnTo));
    if (route === 'GET /auth/saml/metadata') {
      return {
        status: 200,
        headers: { 'content-type': 'application/samlmetadata+xml' },
        body: serviceProviderMetadata(deps),
        cookies: [],
      };
    }
    if (route === 'POST /auth/saml/acs') {
      const form = new URLSearchParams(req.body ?? '');
      const done = await completeSignIn(
        deps,
        {
          SAMLResponse: form.get('SAMLResponse') ?? undefined,
          RelayState: form.get('RelayState') ?? undefined,
        },
        readCookie(req.headers.cookie, SESSION_COOKIE),
      );
      return redirect(303, done.location, [sessionCookie(done.token, done.maxAgeSeconds)]);
    }
    if (route === 'POST /auth/logout') {
      const refusal = csrfRefusal({ method: req.method, headers: req.headers, ownOrigin: deps.ownOrigin });
      if (refusal) return json(403, toErrorBody(new ForbiddenError(refusal)).body);
      await signOut(deps, readCookie(req.headers.cookie, SESSION_COOKIE));
      return { status: 204, headers: NO_STORE, body: '', cookies: [clearedSessionCookie()] };
    }
    throw new NotFoundError(`no route ${route}`);
  } catch (err) {
    if (err instanceof NotFoundError) return json(404, toErrorBody(err).body);
    const { status, body } = toErrorBody(err);
    if (status >= 500 && !(err instanceof LeaseError)) deps.onInternalError?.(err);
    // The ACS and login are browser navigations: a person reads the answer, not a program.
    return page(status, TITLES[status] ?? 'Sign-in failed', body.error.message);
  }
}

/**
 * The console's HTTP rules that are not SAML: its session cookie, its CSRF defence, where a
 * sign-in may send the browser afterwards, and how `/api/` maps onto the API's routes.
 */

/** `__Host-`: the browser keeps it only if Secure, Path=/ and no Domain — no subdomain can plant or read it. */
export const SESSION_COOKIE = '__Host-idc-lease-session';

/** A header a page on another site cannot add to a request without a CORS preflight, which is never granted. */
export const CSRF_HEADER = 'x-idc-lease-csrf';

export function sessionCookie(token: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly; Secure; SameSite=Lax`;
}

export const clearedSessionCookie = (): string =>
  `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`;

/** The value of cookie `name` in a `Cookie` header (several headers may be joined with `; `). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export interface CsrfInput {
  method: string;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** `scheme://host[:port]` the console is served from. */
  ownOrigin: string;
}

/**
 * Why a request must be refused as a possible cross-site forgery, or undefined when it may go on.
 * Reads need nothing; anything that may change state needs the custom header, and is refused when
 * the browser says it comes from another origin or another site.
 */
export function csrfRefusal({ method, headers, ownOrigin }: CsrfInput): string | undefined {
  if (SAFE_METHODS.has(method.toUpperCase())) return undefined;
  if (headers[CSRF_HEADER] !== '1') return `csrf: the ${CSRF_HEADER} header must be 1 on a ${method} request`;
  const origin = headers.origin;
  if (origin !== undefined && origin !== ownOrigin)
    return `csrf: request from origin ${origin}, not ${ownOrigin}`;
  if (headers['sec-fetch-site'] === 'cross-site') return 'csrf: the browser reports a cross-site request';
  return undefined;
}

/** `/api/leases` → `/leases`; undefined for paths outside `/api/`. */
export function consoleApiPath(path: string): string | undefined {
  if (!path.startsWith('/api/')) return undefined;
  return path.slice('/api'.length);
}

/**
 * Where the browser may go after signing in: a path on this origin under the console's base
 * path, never another site (`//evil`, `/\evil`, `https://…`) nor the sign-in routes themselves.
 * RelayState comes back from the browser, so it is untrusted like any other input.
 */
export function safeReturnTo(value: string | undefined, basePath: string): string {
  const controlOrBackslash = [...(value ?? '')].some((c) => c === '\\' || (c.codePointAt(0) ?? 0) < 0x20);
  if (!value || value.length > 2048 || !value.startsWith('/') || controlOrBackslash) {
    return basePath;
  }
  let url: URL;
  try {
    url = new URL(value, 'http://console.invalid');
  } catch {
    return basePath;
  }
  if (url.origin !== 'http://console.invalid') return basePath;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!url.pathname.startsWith(basePath) || url.pathname.startsWith('/auth/')) return basePath;
  return path;
}

export interface ConsoleSite {
  /** `scheme://host[:port]`: what a same-origin request's Origin header says. */
  readonly origin: string;
  /** `/console/` locally, `/` deployed. */
  readonly basePath: string;
  /** The ACS: what Identity Center's application posts to, and each assertion's Recipient. */
  readonly acsUrl: string;
  /** The SP entity id when none is configured: unique per deployment, and where the SP metadata is served. */
  readonly defaultAudience: string;
}

/** Everything sign-in derives from the console's URL (`https://d111.cloudfront.net/`, `http://127.0.0.1:8787/console/`). */
export function consoleSite(consoleUrl: string): ConsoleSite {
  let url: URL;
  try {
    url = new URL(consoleUrl);
  } catch {
    throw new Error(`console URL ${consoleUrl} is not a URL`);
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error(`console URL ${consoleUrl} must be https (plain http only on loopback)`);
  }
  if (url.search || url.hash) throw new Error(`console URL ${consoleUrl} must not carry a query or fragment`);
  const basePath = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return {
    origin: url.origin,
    basePath,
    acsUrl: `${url.origin}/auth/saml/acs`,
    defaultAudience: `${url.origin}/auth/saml/metadata`,
  };
}

/** Header names lower-cased (API Gateway REST keeps the client's case); undefined values dropped. */
export function lowerCaseHeaders(
  headers: Readonly<Record<string, string | undefined>> | null | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}

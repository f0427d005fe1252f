/**
 * The security headers the console is served with, in one place: the local server sends them
 * with the SPA (`local/console-static.ts`) and the stack's CloudFront response headers policies
 * send the same deployed (`lib/console.ts`), so the browser tests meet the limits AWS enforces.
 */

/**
 * What the SPA is built to live within: scripts, styles and fonts from its own origin only
 * (Cloudscape's inlined fonts are files since the build moves them; React sets style attributes
 * through the CSSOM, which style-src does not govern), API calls to the same origin, no framing.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/**
 * For what the API and the sign-in answer (JSON, redirects): nothing may load or frame it. The
 * sign-in's own pages bring a CSP of their own, which this one does not replace.
 */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** Sent with everything the console's origin serves. */
export const CONSOLE_BASE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

/** HTTPS for two years, subdomains included: only what the distribution serves is affected. */
export const HSTS_MAX_AGE_SECONDS = 2 * 365 * 24 * 3600;

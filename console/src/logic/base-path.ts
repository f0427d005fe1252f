/**
 * The path the console is served under, from the document's `<base href>` (set by whoever serves
 * index.html: `/console/` locally, `/` deployed). The router's base is it without the trailing
 * slash ("" at the root).
 */
export function basePathOf(baseUri: string): string {
  const path = new URL(baseUri).pathname;
  return path.endsWith('/') ? path : path.replace(/[^/]*$/, '');
}

export const routerBase = (basePath: string): string => basePath.replace(/\/$/, '');

/** Where sign-in starts when the API answers 401, returning to the page the person was on. */
export const signInUrl = (currentPath: string): string =>
  `/auth/login?returnTo=${encodeURIComponent(currentPath)}`;

import { CSRF_HEADER, readCookie, SESSION_COOKIE } from '../core/console-http.ts';

/**
 * What a browser does on the local console, without the browser: keeps the session cookie,
 * follows the sign-in redirects, and presses a `Sign in as <userName>` button of the local IdP
 * (whose form posts the signed response to the ACS). For integration tests and the bench; the
 * SPA's own tests drive Chromium.
 */
export class ConsoleClient {
  cookie: string | undefined;

  constructor(readonly baseUrl: string) {}

  /** The hidden fields of the IdP page's form for `userName` (the page is ours: plain, escaped HTML). */
  static formFor(idpPage: string, userName: string): Record<string, string> {
    const form = idpPage.split('<form ').find((f) => f.includes(`>Sign in as ${userName}</button>`));
    if (!form) throw new Error(`the local IdP page has no "Sign in as ${userName}" button`);
    const fields: Record<string, string> = {};
    for (const m of form.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)) {
      fields[m[1] as string] = (m[2] as string)
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
    }
    return fields;
  }

  /** Opens `/auth/login?returnTo=…` (SP-initiated) and answers the IdP page it leads to; or, without returnTo, the IdP page alone (IdP-initiated). */
  async idpPage(returnTo?: string): Promise<string> {
    if (returnTo === undefined) return (await fetch(`${this.baseUrl}/_local/idp`)).text();
    const login = await fetch(`${this.baseUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`, {
      redirect: 'manual',
    });
    const location = login.headers.get('location');
    if (login.status !== 302 || !location) throw new Error(`/auth/login answered ${login.status}`);
    return (await fetch(location)).text();
  }

  /** Posts the IdP's form to the ACS; answers the ACS's response (303 with the cookie when accepted). */
  async postToAcs(fields: Record<string, string>): Promise<Response> {
    const res = await fetch(`${this.baseUrl}/auth/saml/acs`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      body: new URLSearchParams(fields).toString(),
    });
    const token = readCookie(res.headers.get('set-cookie')?.split(';')[0], SESSION_COOKIE);
    if (token) this.cookie = `${SESSION_COOKIE}=${token}`;
    return res;
  }

  /** The whole sign-in; answers where the ACS sent the browser. */
  async signIn(userName: string, returnTo?: string): Promise<string> {
    const res = await this.postToAcs(ConsoleClient.formFor(await this.idpPage(returnTo), userName));
    if (res.status !== 303) throw new Error(`the ACS answered ${res.status}: ${await res.text()}`);
    return res.headers.get('location') as string;
  }

  /** A request as the SPA makes it: the cookie, and the CSRF header on anything but GET unless told not to. */
  fetch(path: string, init: RequestInit & { csrf?: boolean } = {}): Promise<Response> {
    const { csrf, ...rest } = init;
    const method = (rest.method ?? 'GET').toUpperCase();
    const headers = new Headers(rest.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    if (method !== 'GET' && csrf !== false) headers.set(CSRF_HEADER, '1');
    if (rest.body !== undefined && !headers.has('content-type'))
      headers.set('content-type', 'application/json');
    return fetch(`${this.baseUrl}${path}`, { ...rest, headers, redirect: 'manual' });
  }
}

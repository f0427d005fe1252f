import { ConsoleClient } from '../local/console-client.ts';
import type { LocalConsole } from '../local/console-server.ts';
import { readAuthnRequest } from '../local/idp-page.ts';
import { benchSignInInBrowser, WARM_UP } from './sign-in-browser.ts';

const p95 = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? Number.NaN);
};

/**
 * `signInHttpMsP95`: from the IdP's response posted to the ACS to the console's first page, over
 * HTTP on the local runtime, without a browser: POST /auth/saml/acs → its 303 followed to the
 * console page (index.html, or the "not built" page) → GET /api/me with the new cookie (the
 * first call the SPA makes). JavaScript, CSS and rendering in a browser are not in it. Each
 * sample is an SP-initiated sign-in of `userName`: `/auth/login`'s AuthnRequest is answered by
 * the local IdP's signer (what its page's button posts) before the clock starts, so the IdP page's
 * rendering for every seed user is not measured either. As in the browser, `WARM_UP` sign-ins
 * run untimed first.
 */
export async function benchSignIn(
  baseUrl: string,
  site: Pick<LocalConsole, 'idp' | 'sp'>,
  userName: string,
  samples: number,
): Promise<Record<string, number>> {
  const times: number[] = [];
  for (let i = 0; i < WARM_UP + samples; i++) {
    const browser = new ConsoleClient(baseUrl);
    const login = await fetch(`${baseUrl}/auth/login?returnTo=%2Fconsole%2F`, { redirect: 'manual' });
    const idpUrl = new URL(login.headers.get('location') ?? '');
    const request = readAuthnRequest(idpUrl.searchParams.get('SAMLRequest') ?? '', site.sp);
    const form = {
      SAMLResponse: site.idp.response({ subject: userName, ...site.sp, inResponseTo: request.id }),
      RelayState: idpUrl.searchParams.get('RelayState') ?? '',
    };
    const started = performance.now();
    const acs = await browser.postToAcs(form);
    const page = await browser.fetch(acs.headers.get('location') ?? '/console/');
    await page.arrayBuffer();
    const me = await browser.fetch('/api/me');
    await me.arrayBuffer();
    const elapsed = performance.now() - started;
    if (acs.status !== 303 || page.status !== 200 || me.status !== 200) {
      throw new Error(`sign-in sample ${i}: ACS ${acs.status}, page ${page.status}, /api/me ${me.status}`);
    }
    if (i >= WARM_UP) times.push(elapsed);
  }
  // `signInMsP95` is the same path in Chromium, JS, CSS and the first render included.
  const inBrowser = await benchSignInInBrowser(`${baseUrl}/console/`, userName, samples);
  return { signInHttpMsP95: p95(times), signInMsP95: inBrowser.signInMsP95 };
}

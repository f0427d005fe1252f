/**
 * A forger's site for the CSRF test: a page on another loopback port that posts a form to the
 * console's API. Its form is text/plain so that the body reads as JSON, the usual trick against
 * JSON APIs that do not check where a request comes from.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ForgerySite {
  /** `http://127.0.0.1:<port>`: another origin, the same site as the console (ports do not make sites). */
  sameSite: string;
  /** `http://localhost:<port>`: another site. */
  crossSite: string;
  close(): Promise<void>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function serveForgery(): Promise<ForgerySite> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://forger.invalid');
    const target = url.searchParams.get('target') ?? '';
    // name + "=" + value makes {"accountId":…,"padding":"="}: valid JSON in a text/plain body.
    const name = JSON.stringify({
      accountId: '111111111111',
      permissionSet: 'ReadOnly',
      duration: 'PT1H',
      justification: 'forged by a form',
      padding: '',
    }).slice(0, -2);
    res.writeHead(url.pathname === '/forge' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html lang="en"><title>Prizes</title><form method="post" enctype="text/plain" action="${escapeHtml(target)}"><input type="hidden" name="${escapeHtml(name)}" value='"}'><button>Claim your prize</button></form></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    sameSite: `http://127.0.0.1:${port}`,
    crossSite: `http://localhost:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_BASE_HEADERS, CONSOLE_CONTENT_SECURITY_POLICY } from '../core/console-headers.ts';
import type { LocalAnswer } from './http.ts';

/** Where the SPA's build lands (`index.html` + `assets/`). */
export const CONSOLE_DIST = fileURLToPath(new URL('../console/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

const HEADERS = CONSOLE_BASE_HEADERS;

/**
 * The limits the SPA is built to live within (core/console-headers.ts), sent with index.html
 * locally so the browser tests meet them (a violation is a console error they fail on). The
 * deployed CloudFront response headers policy sends the same.
 */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CONTENT_SECURITY_POLICY,
  ...HEADERS,
};

/** The SPA's `index.html` with its base path set: the build works under `/console/` and under `/`. */
export function withBasePath(indexHtml: string, basePath: string): string {
  const tag = `<base href="${basePath}" />`;
  if (/<base\s[^>]*>/i.test(indexHtml)) return indexHtml.replace(/<base\s[^>]*>/i, tag);
  return indexHtml.replace(/<head(\s[^>]*)?>/i, (head) => `${head}${tag}`);
}

const notBuilt = (basePath: string): LocalAnswer => ({
  status: 200,
  headers: { ...HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>idc-lease console</title></head>
<body><main><h1>The console is not built yet</h1><p>There is no <code>console/dist/</code> in this checkout, so there is no
app to show. Sign-in and the API work already: <a href="/auth/login?returnTo=${encodeURIComponent(basePath)}">sign in</a>,
then <code>GET /api/me</code>.</p></main></body></html>`,
  cookies: [],
});

/**
 * `GET /console/*` locally, as CloudFront serves the bucket deployed: files from `console/dist/`,
 * and for any path that names no file (a deep link such as `/console/leases/l-…`) the SPA's
 * `index.html`. A missing asset is a 404, never the app's page.
 */
export async function serveConsole(
  path: string,
  basePath: string,
  config: { portalUrl: string | null },
  dist = CONSOLE_DIST,
): Promise<LocalAnswer> {
  let relative: string;
  try {
    relative = decodeURIComponent(path.slice(basePath.length));
  } catch {
    return { status: 404, headers: HEADERS, body: 'not found', cookies: [] };
  }
  if (relative === 'config.json') {
    return {
      status: 200,
      headers: { ...HEADERS, 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify({ portalUrl: config.portalUrl, basePath }),
      cookies: [],
    };
  }
  if (!existsSync(join(dist, 'index.html'))) return notBuilt(basePath);
  const root = resolve(dist);
  const file = resolve(root, relative);
  if (file !== root && !file.startsWith(`${root}${sep}`)) {
    return { status: 404, headers: HEADERS, body: 'not found', cookies: [] };
  }
  const isFile = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile && extname(file) !== '.html') {
    return {
      status: 200,
      headers: {
        ...HEADERS,
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        // Vite names assets by content hash; everything else may change between builds.
        'cache-control': relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
      body: await readFile(file),
      cookies: [],
    };
  }
  if (!isFile && extname(relative) !== '')
    return { status: 404, headers: HEADERS, body: 'not found', cookies: [] };
  const index = await readFile(join(root, 'index.html'), 'utf8');
  return {
    status: 200,
    headers: {
      ...CONSOLE_SECURITY_HEADERS,
      'content-type': TYPES['.html'] as string,
      'cache-control': 'no-cache',
    },
    body: withBasePath(index, basePath),
    cookies: [],
  };
}

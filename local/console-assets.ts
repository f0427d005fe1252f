/**
 * The built console (`console/dist/`) for the local runtime: built on demand with Vite's JS API
 * when missing or older than its inputs, so a fresh clone's `npm run local` serves it without a
 * manual step, and served under `/console/` with the SPA's deep links falling back to index.html.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
export const CONSOLE_DIR = join(REPO, 'console');
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');
/** What the last build read from the repository (not node_modules), to tell when it is stale. */
const INPUTS = '.inputs.json';
const ALWAYS = ['console/index.html', 'console/vite.config.ts', 'package-lock.json'];

const newestUnder = (dir: string): number => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
};

/** Why the build in `dist` must be redone, or undefined when it is current. */
export function staleBecause(dist = CONSOLE_DIST): string | undefined {
  const stamp = join(dist, INPUTS);
  if (!existsSync(join(dist, 'index.html')) || !existsSync(stamp)) return 'no build yet';
  const builtAt = statSync(stamp).mtimeMs;
  const inputs = JSON.parse(readFileSync(stamp, 'utf8')) as string[];
  for (const input of [...new Set([...ALWAYS, ...inputs])]) {
    const path = join(REPO, input);
    if (!existsSync(path)) return `${input} is gone`;
    if (statSync(path).mtimeMs > builtAt) return `${input} changed`;
  }
  // A file added under console/src is in no earlier build's inputs.
  if (newestUnder(join(CONSOLE_DIR, 'src')) > builtAt) return 'console/src changed';
  return undefined;
}

/**
 * Builds the console into `dist` (atomically: into a sibling directory, then renamed, so a
 * server never sees half a build and two runtimes starting together at worst build twice).
 */
export async function buildConsole(dist = CONSOLE_DIST): Promise<string> {
  const { build } = await import('vite');
  const { buildConfig } = await import('../console/vite.config.ts');
  const staging = `${dist}.build-${process.pid}-${Date.now()}`;
  // Vite follows NODE_ENV over the config's mode for what it bundles: production, always.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    const output = await build(buildConfig(staging));
    const chunks = (Array.isArray(output) ? output : [output]).flatMap((o) =>
      'output' in o ? o.output : [],
    );
    const inputs = new Set<string>();
    for (const chunk of chunks) {
      for (const id of chunk.type === 'chunk' ? chunk.moduleIds : []) {
        const path = id.split('?')[0] as string;
        if (!path.startsWith(REPO) || path.includes(`${sep}node_modules${sep}`)) continue;
        inputs.add(relative(REPO, path));
      }
    }
    writeFileSync(join(staging, INPUTS), JSON.stringify([...inputs].sort(), null, 1));
    const old = `${dist}.old-${process.pid}-${Date.now()}`;
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(staging, dist);
    rmSync(old, { recursive: true, force: true });
    return dist;
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    rmSync(staging, { recursive: true, force: true });
  }
}

let ensured: Promise<string> | undefined;

/** The directory of a current console build, building it first when needed (once per process). */
export function ensureConsoleBuilt(log: (line: string) => void = () => undefined): Promise<string> {
  ensured ??= (async () => {
    const reason = staleBecause();
    if (!reason) return CONSOLE_DIST;
    log(`building the console (${reason}) …`);
    const started = Date.now();
    await buildConsole();
    log(`built the console in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return CONSOLE_DIST;
  })();
  ensured.catch(() => {
    ensured = undefined;
  });
  return ensured;
}

export interface ConsoleSite {
  /** Where the SPA is served: `/console/` locally (contract B). */
  basePath: string;
  /** The access portal, for the ACTIVE lease's link; null when not configured. */
  portalUrl: string | null;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
};

/**
 * The limits the SPA is built to live within, sent with index.html locally so the browser tests
 * meet them (a violation is a console error they fail on): scripts, styles and fonts from the
 * console's own origin only (Cloudscape's inlined fonts are files since the build moves them;
 * React sets style attributes through the CSSOM, which style-src does not govern), API calls to
 * the same origin, no framing. The deployed CloudFront response headers can be the same.
 */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

/**
 * Serves the built SPA under `site.basePath`: `config.json`, hashed assets (cached for good;
 * a missing one is a 404, never the app's page), and index.html with its `<base href>` set for
 * every other path, so deep links like `/console/leases/<id>` open the app. Answers false for
 * paths outside the base, which stay the API's.
 */
export function consoleHandler(dist: string, site: ConsoleSite) {
  const base = site.basePath;
  let index: string | undefined;
  const indexHtml = async () => {
    index ??= (await readFile(join(dist, 'index.html'), 'utf8')).replace(
      '<base href="/" />',
      `<base href="${base}" />`,
    );
    return index;
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === base.replace(/\/$/, '')) {
      res.writeHead(308, { location: base });
      res.end();
      return true;
    }
    if (!path.startsWith(base)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'METHOD_NOT_ALLOWED', message: `${req.method} ${path}` } }));
      return true;
    }
    const rest = decodeURIComponent(path.slice(base.length));
    if (rest === 'config.json') {
      res.writeHead(200, { 'content-type': TYPES['.json'] as string, 'cache-control': 'no-cache' });
      res.end(JSON.stringify({ portalUrl: site.portalUrl, basePath: base }));
      return true;
    }
    if (rest.startsWith('assets/')) {
      const file = resolve(dist, rest);
      const inside = file.startsWith(`${resolve(dist, 'assets')}${sep}`);
      const body = inside ? await readFile(file).catch(() => undefined) : undefined;
      if (!body) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`no asset ${rest}`);
        return true;
      }
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }
    res.writeHead(200, {
      'content-type': TYPES['.html'] as string,
      'cache-control': 'no-cache',
      ...CONSOLE_SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : await indexHtml());
    return true;
  };
}

/**
 * The built console (`console/dist/`) for the local runtime: built on demand with Vite's JS API
 * when missing or older than its inputs, so a fresh clone's `npm run local` serves it without a
 * manual step, and served under `/console/` with the SPA's deep links falling back to index.html.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveConsole } from './console-static.ts';
import { sendAnswer } from './http.ts';

export { CONSOLE_SECURITY_HEADERS } from './console-static.ts';

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
  // A file added under console/src is in no earlier build's inputs; console/public (copied as it
  // is, the favicon) never is.
  for (const dir of ['src', 'public']) {
    if (newestUnder(join(CONSOLE_DIR, dir)) > builtAt) return `console/${dir} changed`;
  }
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

/**
 * Serves the built SPA under `site.basePath` as CloudFront serves the bucket deployed
 * (`serveConsole`): `config.json`, hashed assets, and index.html with its `<base href>` set for
 * deep links. Answers false for paths outside the base, which stay the API's.
 */
export function consoleHandler(dist: string, site: ConsoleSite) {
  const base = site.basePath;
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
    sendAnswer(res, await serveConsole(path, base, { portalUrl: site.portalUrl }, dist));
    return true;
  };
}

/**
 * Vite configuration of the console. One build serves under any base path: asset URLs are
 * relative (`base: './'`) and index.html carries a `<base href>` that the server serving it sets
 * (`/console/` locally, `/` deployed); the router reads its base from `document.baseURI`.
 *
 * JSX is compiled by Vite's own transformer (automatic runtime), without @vitejs/plugin-react,
 * whose releases move Vite past the exactly pinned 8.3.8. The dev server is for development only.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { defineConfig, type InlineConfig, type Plugin } from 'vite';

export const CONSOLE_ROOT = fileURLToPath(new URL('.', import.meta.url));
/** Shown locally until a deployment configures its own (`console.portalUrl`). */
export const PLACEHOLDER_PORTAL_URL = 'https://d-0000000000.awsapps.com/start';

const shared: InlineConfig = {
  root: CONSOLE_ROOT,
  configFile: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
};

/**
 * Cloudscape's global styles inline all eight Open Sans faces (~140 KB compressed) as data URLs,
 * so every first load transfers all of them. Moved into files beside the CSS, the browser
 * fetches only the faces a page uses (consoleInitialKB).
 */
export function fontsAsFiles(): Plugin {
  const DATA_URL = /url\((['"]?)data:font\/woff2;base64,([A-Za-z0-9+/=]+)\1\)/g;
  return {
    name: 'idc-lease-fonts-as-files',
    apply: 'build',
    // After Vite's own HTML plugin has written index.html into the bundle.
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const asset of Object.values(bundle)) {
        if (asset.type !== 'asset' || !asset.fileName.endsWith('.css') || typeof asset.source !== 'string')
          continue;
        asset.source = asset.source.replace(DATA_URL, (_match, _quote, base64: string) => {
          const source = Buffer.from(base64, 'base64');
          const name = `font-${createHash('sha256').update(source).digest('hex').slice(0, 12)}.woff2`;
          if (!bundle[`assets/${name}`]) this.emitFile({ type: 'asset', fileName: `assets/${name}`, source });
          // The CSS lives in assets/ too: a relative URL works under any base path. The CSS keeps
          // its name: its hash already covers these fonts, which came inside it.
          return `url(./${name})`;
        });
      }
      // Found only when the first page lays out its text (after /api/me and React's render), the
      // faces every page's text uses would be fetched last and delay that first paint: preloaded,
      // they arrive beside the scripts (signInMsP95).
      const html = bundle['index.html'];
      if (html?.type !== 'asset' || typeof html.source !== 'string') return;
      const faces = Object.values(bundle)
        .filter((a) => a.type === 'asset' && a.fileName.endsWith('.css') && typeof a.source === 'string')
        .flatMap((a) => [...String(a.type === 'asset' ? a.source : '').matchAll(FACE)])
        .filter((m) => PRELOADED_WEIGHTS.has(m[1] as string) && m[2] === 'normal')
        .map((m) => m[3] as string);
      const links = [...new Set(faces)]
        .map((name) => `<link rel="preload" href="./assets/${name}" as="font" type="font/woff2" crossorigin>`)
        .join('\n    ');
      if (links) html.source = html.source.replace('  </head>', `    ${links}\n  </head>`);
    },
  };
}

/** An @font-face rule as the plugin above writes it: weight, style, file. */
const FACE = /@font-face\{[^}]*?font-weight:(\d+);font-style:(\w+);src:url\(\.\/(font-[0-9a-f]+\.woff2)\)/g;
/** Body text and headings. */
const PRELOADED_WEIGHTS = new Set(['400', '700']);

/** What `npm run console:build` and the local runtime build: `console/dist/`. */
export const buildConfig = (outDir = 'dist'): InlineConfig => ({
  ...shared,
  // Production React whatever NODE_ENV the building process has (vitest sets "test", which
  // Vite would otherwise follow into React's development build: larger and far slower).
  mode: 'production',
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react', development: false } },
  base: './',
  logLevel: 'warn',
  plugins: [fontsAsFiles()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // Cloudscape's shell is one large chunk by design; the figure that matters is consoleInitialKB.
    chunkSizeWarningLimit: 2_000,
    reportCompressedSize: false,
    rolldownOptions: {
      // Cloudscape marks modules 'use client' for React Server Components; meaningless in an SPA.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});

/**
 * DEV ONLY (`npm run console:dev`): the SPA with hot reload against `npm run local`, before or
 * without sign-in. `/api/*` is proxied to the local API with `X-Lease-User: $IDC_LEASE_DEV_USER`,
 * the local runtime's stand-in identity. None of this is in the build.
 */
function devOnly(): Plugin {
  const basePath = '/console/';
  return {
    name: 'idc-lease-dev-only',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace('<base href="/" />', `<base href="${basePath}" />`),
    configureServer(server) {
      server.middlewares.use(`${basePath}config.json`, (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ portalUrl: PLACEHOLDER_PORTAL_URL, basePath }));
      });
    },
  };
}

export default defineConfig(({ command }) => {
  if (command === 'build') return buildConfig();
  const api = process.env.IDC_LEASE_API_URL ?? 'http://127.0.0.1:8787';
  const user = process.env.IDC_LEASE_DEV_USER ?? 'alice';
  return {
    ...shared,
    base: '/console/',
    plugins: [devOnly()],
    server: {
      host: '127.0.0.1',
      proxy: {
        '/api': {
          target: api,
          rewrite: (path) => path.replace(/^\/api/, ''),
          headers: { 'x-lease-user': user },
        },
      },
    },
  };
});

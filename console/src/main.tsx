import '@cloudscape-design/global-styles/index.css';
import { I18nProvider } from '@cloudscape-design/components/i18n';
import { StrictMode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { Router } from 'wouter';
import { createApi } from './api/client.ts';
import type { ConsoleConfig } from './api/types.ts';
import { App, preloadPage } from './app.tsx';
import { consoleMessages } from './commons/i18n.ts';
import { followSystemMode } from './commons/mode.ts';
import { StartProvider, startStore } from './commons/start.tsx';
import { basePathOf, routerBase, signInUrl } from './logic/base-path.ts';

followSystemMode();
const basePath = basePathOf(document.baseURI);
const api = createApi({
  baseUrl: `${window.location.origin}/api`,
  onUnauthorized: () => window.location.assign(signInUrl(window.location.pathname + window.location.search)),
});

/** `config.json` beside index.html; without one the console runs without a portal link. */
async function loadConfig(): Promise<ConsoleConfig> {
  try {
    const res = await fetch(new URL('config.json', document.baseURI), { credentials: 'same-origin' });
    if (res.ok) {
      const body = (await res.json()) as Partial<ConsoleConfig>;
      return { portalUrl: typeof body.portalUrl === 'string' ? body.portalUrl : null, basePath };
    }
  } catch {
    // Fall through: the portal link is the only thing missing.
  }
  return { portalUrl: null, basePath };
}

const routed = window.location.pathname.slice(routerBase(basePath).length) || '/';
const start = startStore(
  Promise.all([api.me(), loadConfig(), preloadPage(routed)]).then(([me, config]) => ({ api, me, config })),
);
// The shell at once, synchronously: its render overlaps /api/me and the page's chunk instead of
// following them, and runs before the browser's own after-script work (caching the modules'
// compiled code, ~35 ms here), which then fills the wait for /api/me instead of delaying the shell.
const root = createRoot(document.getElementById('root') as HTMLElement);
flushSync(() =>
  root.render(
    <StrictMode>
      <I18nProvider locale="en" messages={consoleMessages}>
        <Router base={routerBase(basePath)}>
          <StartProvider store={start}>
            <App basePath={basePath} />
          </StartProvider>
        </Router>
      </I18nProvider>
    </StrictMode>,
  ),
);

import '@cloudscape-design/global-styles/index.css';
import Alert from '@cloudscape-design/components/alert';
import { I18nProvider } from '@cloudscape-design/components/i18n';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Router } from 'wouter';
import { createApi } from './api/client.ts';
import { ApiError } from './api/errors.ts';
import type { ConsoleConfig } from './api/types.ts';
import { App, type AppProps, preloadPage } from './app.tsx';
import { consoleMessages } from './commons/i18n.ts';
import { followSystemMode } from './commons/mode.ts';
import { basePathOf, routerBase, signInUrl } from './logic/base-path.ts';
import { explain } from './logic/failures.ts';

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

const root = createRoot(document.getElementById('root') as HTMLElement);
const render = (props: AppProps) =>
  root.render(
    <StrictMode>
      <I18nProvider locale="en" messages={consoleMessages}>
        <Router base={routerBase(basePath)}>
          <App {...props} />
        </Router>
      </I18nProvider>
    </StrictMode>,
  );

const routed = window.location.pathname.slice(routerBase(basePath).length) || '/';
const starting = Promise.all([api.me(), loadConfig(), preloadPage(routed)]);
// The shell first: its render overlaps /api/me and the page's chunk instead of following them.
render({ basePath });
starting.then(
  ([me, config]) => render({ basePath, session: { api, me, config } }),
  (error: unknown) => {
    // 401 is already on its way to sign-in.
    if (error instanceof ApiError && error.status === 401) return;
    const { what, todo } =
      error instanceof ApiError ? explain(error) : { what: String(error), todo: 'Reload the page.' };
    render({
      basePath,
      failure: (
        <Alert type="error" header={`The console could not start: ${what}`}>
          {todo}
        </Alert>
      ),
    });
  },
);

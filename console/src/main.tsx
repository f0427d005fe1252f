import '@cloudscape-design/global-styles/index.css';
import Alert from '@cloudscape-design/components/alert';
import { I18nProvider } from '@cloudscape-design/components/i18n';
import messages from '@cloudscape-design/components/i18n/messages/all.en';
import { type ReactNode, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Router } from 'wouter';
import { createApi } from './api/client.ts';
import { ApiError } from './api/errors.ts';
import type { ConsoleConfig } from './api/types.ts';
import { App, preloadPage } from './app.tsx';
import { AppProvider } from './commons/app-context.tsx';
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
const render = (node: ReactNode) =>
  root.render(
    <StrictMode>
      <I18nProvider locale="en" messages={[messages]}>
        {node}
      </I18nProvider>
    </StrictMode>,
  );

const routed = window.location.pathname.slice(routerBase(basePath).length) || '/';
preloadPage(routed);
Promise.all([api.me(), loadConfig()]).then(
  ([me, config]) =>
    render(
      <AppProvider value={{ api, me, config }}>
        <Router base={routerBase(basePath)}>
          <App />
        </Router>
      </AppProvider>,
    ),
  (error: unknown) => {
    // 401 is already on its way to sign-in.
    if (error instanceof ApiError && error.status === 401) return;
    const { what, todo } =
      error instanceof ApiError ? explain(error) : { what: String(error), todo: 'Reload the page.' };
    render(
      <Alert type="error" header={`The console could not start: ${what}`}>
        {todo}
      </Alert>,
    );
  },
);

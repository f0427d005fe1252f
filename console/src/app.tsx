import AppLayout from '@cloudscape-design/components/app-layout';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { memo, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { AppProvider } from './commons/app-context.tsx';
import { Navigation } from './commons/navigation.tsx';
import { NotificationsProvider } from './commons/notifications.tsx';
import { bundled, preloadable } from './commons/preloadable.tsx';
import { StartFailure, useStart } from './commons/start.tsx';
import { ConsoleTopNavigation } from './commons/top-navigation.tsx';
import Home from './pages/home/index.tsx';

// One chunk per page: the first load fetches the shell and the page it lands on only. The home
// page, where every sign-in from the access portal lands, comes with the shell: it renders the
// moment /api/me answers, without a chunk of its own to fetch and evaluate first.
const pages = {
  home: bundled(Home),
  request: preloadable(() => import('./pages/request/index.tsx')),
  leases: preloadable(() => import('./pages/leases/index.tsx')),
  lease: preloadable(() => import('./pages/lease/index.tsx')),
  approvals: preloadable(() => import('./pages/approvals/index.tsx')),
  audit: preloadable(() => import('./pages/audit/index.tsx')),
  admin: preloadable(() => import('./pages/admin/index.tsx')),
  notFound: preloadable(() => import('./pages/home/not-found.tsx')),
};
const LeaseDetail = pages.lease.Page;

/**
 * Fetches the chunk of the page at `path` (inside the router's base) while the shell waits for
 * `/api/me`, instead of after it. Settles when it has arrived or failed (a failure is shown by
 * the page's Suspense boundary when it renders, not here).
 */
export function preloadPage(path: string): Promise<void> {
  const [, first, second] = path.split('/');
  const page =
    first === '' || first === undefined
      ? pages.home
      : first === 'leases' && second
        ? pages.lease
        : (pages[first as keyof typeof pages] ?? pages.notFound);
  return page.load().then(
    () => undefined,
    () => undefined,
  );
}

function Routes() {
  return (
    <Suspense fallback={<StatusIndicator type="loading">Loading the page</StatusIndicator>}>
      <Switch>
        <Route path="/" component={pages.home.Page} />
        <Route path="/request" component={pages.request.Page} />
        <Route path="/leases" component={pages.leases.Page} />
        <Route path="/leases/:id">{(params) => <LeaseDetail key={params.id} id={params.id} />}</Route>
        <Route path="/approvals" component={pages.approvals.Page} />
        <Route path="/audit" component={pages.audit.Page} />
        <Route path="/admin" component={pages.admin.Page} />
        <Route component={pages.notFound.Page} />
      </Switch>
    </Suspense>
  );
}

/** The page area: the routed page once the caller is known. */
function Content() {
  const start = useStart();
  if (start.state === 'failed') return <StartFailure what={start.what} todo={start.todo} />;
  if (start.state === 'starting') return <StatusIndicator type="loading">Signing in</StatusIndicator>;
  return (
    <AppProvider value={start.session}>
      <Routes />
    </AppProvider>
  );
}

/**
 * The app shell (top and side navigation, notifications) around the routed page. It is drawn
 * before `/api/me` answers, so that its first (and largest) render overlaps that request, and it
 * is not drawn again when it has: only the parts that read the start (`useStart`) are.
 */
export const App = memo(function App({ basePath }: { basePath: string }) {
  return (
    <NotificationsProvider>
      {(flashbar) => (
        <>
          <div id="top-nav" style={{ position: 'sticky', top: 0, zIndex: 1002 }}>
            <ConsoleTopNavigation basePath={basePath} />
          </div>
          <AppLayout
            headerSelector="#top-nav"
            navigation={<Navigation />}
            notifications={flashbar}
            toolsHide
            content={<Content />}
          />
        </>
      )}
    </NotificationsProvider>
  );
});

import AppLayout from '@cloudscape-design/components/app-layout';
import Spinner from '@cloudscape-design/components/spinner';
import { lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { Navigation } from './commons/navigation.tsx';
import { NotificationsProvider } from './commons/notifications.tsx';
import { ConsoleTopNavigation } from './commons/top-navigation.tsx';

// One chunk per page: the first load fetches the shell and the page it lands on only.
const pages = {
  home: () => import('./pages/home/index.tsx'),
  request: () => import('./pages/request/index.tsx'),
  leases: () => import('./pages/leases/index.tsx'),
  lease: () => import('./pages/lease/index.tsx'),
  approvals: () => import('./pages/approvals/index.tsx'),
  audit: () => import('./pages/audit/index.tsx'),
  admin: () => import('./pages/admin/index.tsx'),
  notFound: () => import('./pages/home/not-found.tsx'),
};
const Home = lazy(pages.home);
const RequestAccess = lazy(pages.request);
const MyLeases = lazy(pages.leases);
const LeaseDetail = lazy(pages.lease);
const Approvals = lazy(pages.approvals);
const Audit = lazy(pages.audit);
const Admin = lazy(pages.admin);
const NotFound = lazy(pages.notFound);

/**
 * Starts fetching the chunk of the page at `path` (inside the router's base) while the shell
 * waits for `/api/me`, instead of after it: one round of chunk requests less on the first page.
 * `lazy` later gets the same module, as `import()` loads a module once.
 */
export function preloadPage(path: string): void {
  const [, first, second] = path.split('/');
  const page =
    first === '' || first === undefined
      ? pages.home
      : first === 'leases' && second
        ? pages.lease
        : (pages[first as keyof typeof pages] ?? pages.notFound);
  page().catch(() => undefined);
}

/** The app shell (top and side navigation, notifications) around the routed page. */
export function App() {
  return (
    <NotificationsProvider>
      {(flashbar) => (
        <>
          <div id="top-nav" style={{ position: 'sticky', top: 0, zIndex: 1002 }}>
            <ConsoleTopNavigation />
          </div>
          <AppLayout
            headerSelector="#top-nav"
            navigation={<Navigation />}
            notifications={flashbar}
            toolsHide
            content={
              <Suspense fallback={<Spinner size="large" />}>
                <Switch>
                  <Route path="/" component={Home} />
                  <Route path="/request" component={RequestAccess} />
                  <Route path="/leases" component={MyLeases} />
                  <Route path="/leases/:id">
                    {(params) => <LeaseDetail key={params.id} id={params.id} />}
                  </Route>
                  <Route path="/approvals" component={Approvals} />
                  <Route path="/audit" component={Audit} />
                  <Route path="/admin" component={Admin} />
                  <Route component={NotFound} />
                </Switch>
              </Suspense>
            }
          />
        </>
      )}
    </NotificationsProvider>
  );
}

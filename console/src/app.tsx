import AppLayout from '@cloudscape-design/components/app-layout';
import Spinner from '@cloudscape-design/components/spinner';
import { lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { Navigation } from './commons/navigation.tsx';
import { NotificationsProvider } from './commons/notifications.tsx';
import { ConsoleTopNavigation } from './commons/top-navigation.tsx';

// One chunk per page: the first load fetches the shell and the page it lands on only.
const Home = lazy(() => import('./pages/home/index.tsx'));
const RequestAccess = lazy(() => import('./pages/request/index.tsx'));
const MyLeases = lazy(() => import('./pages/leases/index.tsx'));
const LeaseDetail = lazy(() => import('./pages/lease/index.tsx'));
const Approvals = lazy(() => import('./pages/approvals/index.tsx'));
const Audit = lazy(() => import('./pages/audit/index.tsx'));
const Admin = lazy(() => import('./pages/admin/index.tsx'));
const NotFound = lazy(() => import('./pages/home/not-found.tsx'));

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

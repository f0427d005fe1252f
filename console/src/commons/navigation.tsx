import SideNavigation, { type SideNavigationProps } from '@cloudscape-design/components/side-navigation';
import { useLocation } from 'wouter';
import { visiblePages } from '../logic/actions.ts';
import { useStart } from './start.tsx';
import { useFollow } from './use-follow.ts';

/**
 * The side navigation; link names are those the CONTRACT fixes for tests. Audit and Admin join
 * once `/api/me` has said the caller may see them.
 */
export function Navigation() {
  const start = useStart();
  const me = start.state === 'signed-in' ? start.session.me : undefined;
  const [location] = useLocation();
  const { href, follow } = useFollow();
  const pages = me ? visiblePages(me) : { audit: false, admin: false };
  const items: SideNavigationProps.Item[] = [
    { type: 'link', text: 'Request access', href: href('/request') },
    { type: 'link', text: 'My leases', href: href('/leases') },
    { type: 'link', text: 'Approvals', href: href('/approvals') },
    ...(pages.audit ? [{ type: 'link' as const, text: 'Audit', href: href('/audit') }] : []),
    ...(pages.admin ? [{ type: 'link' as const, text: 'Admin', href: href('/admin') }] : []),
  ];
  const active = `/${location.split('/')[1] ?? ''}`;
  return (
    <SideNavigation
      header={{ text: 'idc-lease', href: href('/') }}
      items={items}
      activeHref={href(active)}
      onFollow={follow}
    />
  );
}

import { useCallback } from 'react';
import { useLocation, useRouter } from 'wouter';

interface FollowEvent {
  preventDefault(): void;
  detail: { href?: string; external?: boolean };
}

/**
 * Cloudscape links and navigation render real `<a href>`s (so a middle click opens a tab);
 * a plain click is routed inside the app instead of loading the page again.
 */
export function useFollow() {
  const [, navigate] = useLocation();
  const { base } = useRouter();
  const href = useCallback((path: string) => `${base}${path}`, [base]);
  const follow = useCallback(
    (event: FollowEvent) => {
      const target = event.detail.href;
      if (!target || event.detail.external || !target.startsWith(base)) return;
      event.preventDefault();
      navigate(target.slice(base.length) || '/');
    },
    [base, navigate],
  );
  return { href, follow, navigate };
}

/**
 * The access portal's link that opens an account with a permission set (the portal's own
 * `#/console` route), for an ACTIVE lease: `<portalUrl>/#/console?account_id=…&role_name=…`.
 */
export function portalLink(portalUrl: string, accountId: string, permissionSet: string): string {
  const query = new URLSearchParams({ account_id: accountId, role_name: permissionSet });
  return `${portalUrl.replace(/\/+$/, '')}/#/console?${query}`;
}

import {
  ListRootsCommand,
  type OrganizationsClient,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
} from '@aws-sdk/client-organizations';
import { type OrgNode, OrgTree } from '../core/org-tree.ts';

/**
 * Reads the organization's OUs and accounts once and keeps the tree for `ttlMs`: OU rules need
 * it on every request, and Organizations allows only a few calls a second.
 */
export class Organization {
  private cached?: { at: number; tree: Promise<OrgTree> };

  constructor(
    private readonly client: OrganizationsClient,
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  tree(): Promise<OrgTree> {
    if (!this.cached || this.now() - this.cached.at > this.ttlMs) {
      const tree = this.load();
      this.cached = { at: this.now(), tree };
      // A failed load is not kept: the next request tries again.
      tree.catch(() => {
        if (this.cached?.tree === tree) this.cached = undefined;
      });
    }
    return this.cached.tree;
  }

  private async load(): Promise<OrgTree> {
    const nodes: OrgNode[] = [];
    const roots = (await this.client.send(new ListRootsCommand({}))).Roots ?? [];
    const pending = roots.flatMap((r) => (r.Id ? [r.Id] : []));
    for (const id of pending) nodes.push({ id, kind: 'ROOT' });
    while (pending.length > 0) {
      const parentId = pending.shift() as string;
      for await (const page of paginateListOrganizationalUnitsForParent(
        { client: this.client },
        { ParentId: parentId },
      )) {
        for (const ou of page.OrganizationalUnits ?? []) {
          if (!ou.Id) continue;
          nodes.push({ id: ou.Id, kind: 'OU', parentId });
          pending.push(ou.Id);
        }
      }
      for await (const page of paginateListAccountsForParent(
        { client: this.client },
        { ParentId: parentId },
      )) {
        for (const account of page.Accounts ?? [])
          if (account.Id)
            nodes.push({
              id: account.Id,
              kind: 'ACCOUNT',
              parentId,
              ...(account.Name ? { name: account.Name } : {}),
            });
      }
    }
    return new OrgTree(nodes);
  }
}

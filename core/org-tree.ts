/** One node of an AWS Organization: the root, an OU or an account, with its parent. */
export interface OrgNode {
  id: string;
  kind: 'ROOT' | 'OU' | 'ACCOUNT';
  parentId?: string;
  /** The account's name in Organizations, shown beside its id. */
  name?: string;
}

/**
 * The organization's shape, built once from Organizations and cached: which OUs contain an
 * account (all the way up) and which accounts an OU contains (all the way down). Both answers
 * are memoised, so a policy with many OU rules costs one walk per OU, not one per request.
 */
export class OrgTree {
  private readonly parent = new Map<string, string>();
  private readonly children = new Map<string, string[]>();
  private readonly kind = new Map<string, OrgNode['kind']>();
  private readonly below = new Map<string, readonly string[]>();
  private readonly names = new Map<string, string>();

  constructor(nodes: readonly OrgNode[]) {
    for (const node of nodes) {
      this.kind.set(node.id, node.kind);
      if (node.name) this.names.set(node.id, node.name);
      if (!node.parentId) continue;
      this.parent.set(node.id, node.parentId);
      const siblings = this.children.get(node.parentId) ?? [];
      siblings.push(node.id);
      this.children.set(node.parentId, siblings);
    }
  }

  accountName(accountId: string): string | undefined {
    return this.names.get(accountId);
  }

  /** OU ids containing the account, innermost first (the root is not an OU). */
  ousOf(accountId: string): string[] {
    const ous: string[] = [];
    const seen = new Set<string>();
    for (let id = this.parent.get(accountId); id && !seen.has(id); id = this.parent.get(id)) {
      seen.add(id);
      if (this.kind.get(id) === 'OU') ous.push(id);
    }
    return ous;
  }

  /** Every account under the OU, at any depth. */
  accountsUnder(ouId: string): readonly string[] {
    const known = this.below.get(ouId);
    if (known) return known;
    const accounts: string[] = [];
    const stack = [ouId];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const child of this.children.get(id) ?? []) {
        if (this.kind.get(child) === 'ACCOUNT') accounts.push(child);
        else stack.push(child);
      }
    }
    const sorted = accounts.sort();
    this.below.set(ouId, sorted);
    return sorted;
  }
}

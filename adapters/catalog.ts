import {
  DescribePermissionSetCommand,
  paginateListPermissionSets,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { Catalog } from '../service/context.ts';

/**
 * Permission set names to ARNs, read from the instance. The map is cached for a few minutes:
 * a permission set created after that is found on the first miss, which reloads it.
 */
export class InstanceCatalog implements Catalog {
  private cache?: { at: number; byName: Map<string, string> };

  constructor(
    private readonly client: SSOAdminClient,
    private readonly instanceArn: string,
    private readonly ttlMs = 300_000,
  ) {}

  async permissionSetArn(name: string): Promise<string | undefined> {
    const fresh = this.cache && Date.now() - this.cache.at < this.ttlMs;
    if (fresh && this.cache?.byName.has(name)) return this.cache.byName.get(name);
    await this.reload();
    return this.cache?.byName.get(name);
  }

  private async reload(): Promise<void> {
    const byName = new Map<string, string>();
    for await (const page of paginateListPermissionSets(
      { client: this.client },
      { InstanceArn: this.instanceArn },
    )) {
      for (const arn of page.PermissionSets ?? []) {
        const out = await this.client.send(
          new DescribePermissionSetCommand({ InstanceArn: this.instanceArn, PermissionSetArn: arn }),
        );
        if (out.PermissionSet?.Name) byName.set(out.PermissionSet.Name, arn);
      }
    }
    this.cache = { at: Date.now(), byName };
  }
}

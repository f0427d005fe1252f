import {
  DescribeGroupCommand,
  DescribeUserCommand,
  GetUserIdCommand,
  type IdentitystoreClient,
  paginateListGroupMembershipsForMember,
} from '@aws-sdk/client-identitystore';
import { ForbiddenError, UnauthorizedError } from '../core/errors.ts';

/**
 * A caller as the Identity Store knows it: `userId` is the identity (stable, unique); `userName`
 * is the store's own spelling of the name, never the string the request carried.
 */
export interface Caller {
  userName: string;
  userId: string;
  groups: string[];
}

/**
 * Resolves an Identity Store userName to the user and the names of the user's groups. The name
 * is looked up (GetUserId), then the user it found is read back (DescribeUser), and from then on
 * its canonical `userName` and `userId` are used: a name the store matches case-insensitively
 * (AWS does) becomes the store's spelling, so one user never appears as two callers. Group names
 * are cached (they rarely change); memberships are not, so an approver removed from a group loses
 * the right at once.
 */
export class Directory {
  private readonly groupNames = new Map<string, string>();

  constructor(
    private readonly client: IdentitystoreClient,
    readonly identityStoreId: string,
  ) {}

  async resolve(userName: string): Promise<Caller> {
    let userId: string;
    try {
      const out = await this.client.send(
        new GetUserIdCommand({
          IdentityStoreId: this.identityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: userName } },
        }),
      );
      userId = out.UserId as string;
    } catch (err) {
      if ((err as { name?: string }).name === 'ResourceNotFoundException') {
        throw new UnauthorizedError(`no Identity Center user named ${userName}`);
      }
      throw err;
    }
    const canonical = await this.canonicalName(userId);
    if (!canonical) throw new UnauthorizedError(`no Identity Center user named ${userName}`);
    // GetUserId matched on userName; a user whose name differs beyond case was not the one asked for.
    if (canonical.toLowerCase() !== userName.toLowerCase()) {
      throw new ForbiddenError(`the Identity Store does not resolve ${userName} to exactly one user`);
    }
    const groups: string[] = [];
    const pages = paginateListGroupMembershipsForMember(
      { client: this.client },
      { IdentityStoreId: this.identityStoreId, MemberId: { UserId: userId } },
    );
    for await (const page of pages) {
      for (const m of page.GroupMemberships ?? [])
        if (m.GroupId) groups.push(await this.groupName(m.GroupId));
    }
    return { userName: canonical, userId, groups };
  }

  private async canonicalName(userId: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(
        new DescribeUserCommand({ IdentityStoreId: this.identityStoreId, UserId: userId }),
      );
      return out.UserName;
    } catch (err) {
      // Deleted between the two calls: no such user any more.
      if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
      throw err;
    }
  }

  private async groupName(groupId: string): Promise<string> {
    const known = this.groupNames.get(groupId);
    if (known) return known;
    const out = await this.client.send(
      new DescribeGroupCommand({ IdentityStoreId: this.identityStoreId, GroupId: groupId }),
    );
    const name = out.DisplayName ?? groupId;
    this.groupNames.set(groupId, name);
    return name;
  }
}

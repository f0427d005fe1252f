import {
  DescribeGroupCommand,
  GetUserIdCommand,
  type IdentitystoreClient,
  paginateListGroupMembershipsForMember,
} from '@aws-sdk/client-identitystore';
import { UnauthorizedError } from '../core/errors.ts';

export interface Caller {
  userName: string;
  userId: string;
  groups: string[];
}

/**
 * Resolves an Identity Store userName to the user and the names of the user's groups. Group
 * names are cached (they rarely change); memberships are not, so an approver removed from a
 * group loses the right at once.
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
    const groups: string[] = [];
    const pages = paginateListGroupMembershipsForMember(
      { client: this.client },
      { IdentityStoreId: this.identityStoreId, MemberId: { UserId: userId } },
    );
    for await (const page of pages) {
      for (const m of page.GroupMemberships ?? [])
        if (m.GroupId) groups.push(await this.groupName(m.GroupId));
    }
    return { userName, userId, groups };
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

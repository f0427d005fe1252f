import {
  DescribeUserCommand,
  GetGroupIdCommand,
  GetUserIdCommand,
  type IdentitystoreClient,
  paginateListGroupMemberships,
} from '@aws-sdk/client-identitystore';
import type { Recipient } from '../core/notifications.ts';

const notFound = (err: unknown) => (err as { name?: string }).name === 'ResourceNotFoundException';

/** Turns policy principals (userNames, group display names) into people with their email. */
export class People {
  constructor(
    private readonly client: IdentitystoreClient,
    private readonly identityStoreId: string,
  ) {}

  async byId(userId: string): Promise<Recipient | undefined> {
    try {
      const out = await this.client.send(
        new DescribeUserCommand({ IdentityStoreId: this.identityStoreId, UserId: userId }),
      );
      if (!out.UserName) return undefined;
      const email = out.Emails?.find((e) => e.Primary)?.Value ?? out.Emails?.[0]?.Value;
      return { userName: out.UserName, ...(email ? { email } : {}) };
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  async byUserName(userName: string): Promise<Recipient | undefined> {
    const id = await this.lookUp('userName', userName, (a) => new GetUserIdCommand(a));
    return id ? this.byId(id) : undefined;
  }

  /**
   * Everyone the principals name, once. A user or group that no longer exists is skipped: a
   * stale policy entry must not stop the others from hearing of the request.
   */
  async expand(principals: { users?: readonly string[]; groups?: readonly string[] }): Promise<Recipient[]> {
    const found = new Map<string, Recipient>();
    for (const userName of principals.users ?? []) {
      const person = await this.byUserName(userName);
      if (person) found.set(person.userName, person);
    }
    for (const group of principals.groups ?? []) {
      const groupId = await this.lookUp('displayName', group, (a) => new GetGroupIdCommand(a));
      if (!groupId) continue;
      const pages = paginateListGroupMemberships(
        { client: this.client },
        { IdentityStoreId: this.identityStoreId, GroupId: groupId },
      );
      for await (const page of pages)
        for (const m of page.GroupMemberships ?? []) {
          const userId = m.MemberId && 'UserId' in m.MemberId ? m.MemberId.UserId : undefined;
          const person = userId ? await this.byId(userId) : undefined;
          if (person) found.set(person.userName, person);
        }
    }
    return [...found.values()];
  }

  private async lookUp<C extends GetUserIdCommand | GetGroupIdCommand>(
    attribute: 'userName' | 'displayName',
    value: string,
    command: (input: {
      IdentityStoreId: string;
      AlternateIdentifier: { UniqueAttribute: { AttributePath: string; AttributeValue: string } };
    }) => C,
  ): Promise<string | undefined> {
    try {
      const out = (await this.client.send(
        command({
          IdentityStoreId: this.identityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: attribute, AttributeValue: value } },
        }) as GetUserIdCommand,
      )) as { UserId?: string; GroupId?: string };
      return out.UserId ?? out.GroupId;
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }
}

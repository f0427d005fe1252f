import {
  DescribeUserCommand,
  GetUserIdCommand,
  type IdentitystoreClient,
} from '@aws-sdk/client-identitystore';

/** Which Identity Store attribute the SAML subject (NameID) carries, as the application's Subject mapping says. */
export type SubjectMapping = 'userName' | 'userId';

export interface IdentityUser {
  userName: string;
  userId: string;
}

const notFound = (err: unknown) => (err as { name?: string }).name === 'ResourceNotFoundException';

/**
 * Finds the one Identity Store user a SAML subject names. Both lookups are by a unique attribute
 * (`userName` through GetUserId, the user id through DescribeUser), so the answer is exactly one
 * user or none.
 */
export class IdentityUsers {
  constructor(
    private readonly client: IdentitystoreClient,
    private readonly identityStoreId: string,
  ) {}

  async find(subject: string, mapping: SubjectMapping): Promise<IdentityUser | undefined> {
    try {
      let userId = subject;
      if (mapping === 'userName') {
        const out = await this.client.send(
          new GetUserIdCommand({
            IdentityStoreId: this.identityStoreId,
            AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: subject } },
          }),
        );
        if (!out.UserId) return undefined;
        userId = out.UserId;
      }
      const user = await this.client.send(
        new DescribeUserCommand({ IdentityStoreId: this.identityStoreId, UserId: userId }),
      );
      return user.UserName ? { userName: user.UserName, userId } : undefined;
    } catch (err) {
      // A user id that is not even well-formed is as unknown as a deleted user.
      if (notFound(err) || (err as { name?: string }).name === 'ValidationException') return undefined;
      throw err;
    }
  }
}

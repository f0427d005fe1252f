import { DescribeUserCommand, type IdentitystoreClient } from '@aws-sdk/client-identitystore';

/**
 * Identity Store user id → userName, for findings that name a principal. A user deleted since the
 * call is answered undefined rather than failing the finding.
 */
export const userNames =
  (client: IdentitystoreClient, identityStoreId: string) =>
  async (userId: string): Promise<string | undefined> => {
    try {
      const out = await client.send(
        new DescribeUserCommand({ IdentityStoreId: identityStoreId, UserId: userId }),
      );
      return out.UserName;
    } catch (err) {
      if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
      throw err;
    }
  };

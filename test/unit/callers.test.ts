import {
  DescribeGroupCommand,
  DescribeUserCommand,
  GetUserIdCommand,
  IdentitystoreClient,
  ListGroupMembershipsForMemberCommand,
} from '@aws-sdk/client-identitystore';
import { describe, expect, it } from 'vitest';
import { CachedDirectory } from '../../adapters/cached-directory.ts';
import { Directory } from '../../adapters/directory.ts';
import { ForbiddenError, UnauthorizedError } from '../../core/errors.ts';
import { callerFromName, callerFromSession } from '../../service/callers.ts';

interface StoredUser {
  id: string;
  userName: string;
  groups: string[];
}

/**
 * An Identity Store as AWS runs it, in memory: GetUserId matches `userName` without regard to
 * case (AWS treats user names as case-insensitive), DescribeUser answers the stored spelling.
 * `lookUp` can be replaced to model a store that answers GetUserId with some other user.
 */
const identityStore = (users: StoredUser[]) => {
  const calls: string[] = [];
  const store = {
    calls,
    lookUp: (name: string) => users.find((u) => u.userName.toLowerCase() === name.toLowerCase()),
    client: Object.assign(
      new IdentitystoreClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      }),
      {
        send: async (command: unknown) => {
          const notFound = () => Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
          if (command instanceof GetUserIdCommand) {
            const name = command.input.AlternateIdentifier?.UniqueAttribute?.AttributeValue as string;
            calls.push(`GetUserId ${name}`);
            const user = store.lookUp(name);
            if (!user) throw notFound();
            return { UserId: user.id };
          }
          if (command instanceof DescribeUserCommand) {
            calls.push(`DescribeUser ${command.input.UserId}`);
            const user = users.find((u) => u.id === command.input.UserId);
            if (!user) throw notFound();
            return { UserId: user.id, UserName: user.userName };
          }
          if (command instanceof ListGroupMembershipsForMemberCommand) {
            const user = users.find((u) => u.id === (command.input.MemberId as { UserId: string }).UserId);
            return { GroupMemberships: (user?.groups ?? []).map((g) => ({ GroupId: `g-${g}` })) };
          }
          if (command instanceof DescribeGroupCommand)
            return { DisplayName: (command.input.GroupId as string).slice(2) };
          throw new Error(`unexpected ${(command as object).constructor.name}`);
        },
      },
    ) as IdentitystoreClient,
  };
  return store;
};

const ALICE = { id: 'u-alice', userName: 'Alice.Smith', groups: ['devs'] };
const BOB = { id: 'u-bob', userName: 'bob', groups: [] };

/** The catalog of the instance: names the configured permission sets resolve. */
const catalog = (names: string[]) => ({
  looked: [] as string[],
  async permissionSetArn(name: string) {
    this.looked.push(name);
    return names.includes(name) ? `arn:aws:sso:::permissionSet/ssoins-1/ps-${name}` : undefined;
  },
});

const arn = (role: string, session: string) => `arn:aws:sts::123456789012:assumed-role/${role}/${session}`;
const READ_ONLY = 'AWSReservedSSO_ReadOnly_0123456789abcdef';

describe('the Directory', () => {
  it('answers the store’s own spelling of a name that differs only by case, with the same userId', async () => {
    // Prepare
    const store = identityStore([ALICE, BOB]);
    const directory = new Directory(store.client, 'd-1234567890');

    // Act
    const asStored = await directory.resolve('Alice.Smith');
    const shouted = await directory.resolve('ALICE.SMITH');
    const lower = await directory.resolve('alice.smith');

    // Assess
    for (const caller of [asStored, shouted, lower])
      expect(caller).toEqual({ userName: 'Alice.Smith', userId: 'u-alice', groups: ['devs'] });
  });

  it('refuses a lookup that finds a user of another name, and a name it does not know', async () => {
    // Prepare
    const store = identityStore([ALICE, BOB]);
    store.lookUp = () => BOB; // a store answering GetUserId with someone else
    const directory = new Directory(store.client, 'd-1234567890');
    const empty = new Directory(identityStore([]).client, 'd-1234567890');

    // Act
    const other = directory.resolve('alice.smith');
    const unknown = empty.resolve('nobody');

    // Assess
    await expect(other).rejects.toThrow(ForbiddenError);
    await expect(other).rejects.toThrow(/exactly one user/);
    await expect(unknown).rejects.toThrow(UnauthorizedError);
  });
});

describe('callerFromSession', () => {
  it('resolves an Identity Center session to the canonical user', async () => {
    // Prepare
    const store = identityStore([ALICE]);
    const callers = new CachedDirectory(new Directory(store.client, 'd-1234567890'));

    // Act
    const caller = await callerFromSession(
      { catalog: catalog(['ReadOnly']), callers },
      arn(READ_ONLY, 'alice.SMITH'),
    );

    // Assess
    expect(caller).toEqual({ userName: 'Alice.Smith', userId: 'u-alice', groups: ['devs'] });
  });

  it('refuses a role named after a permission set the instance does not have, before any lookup', async () => {
    // Prepare
    const store = identityStore([ALICE]);
    const known = catalog(['ReadOnly']);

    // Act
    const act = callerFromSession(
      { catalog: known, callers: new Directory(store.client, 'd-1234567890') },
      arn('AWSReservedSSO_MadeUp_0123456789abcdef', 'Alice.Smith'),
    );

    // Assess
    await expect(act).rejects.toThrow(ForbiddenError);
    await expect(act).rejects.toThrow(/no permission set of this Identity Center instance \(MadeUp\)/);
    expect(known.looked).toEqual(['MadeUp']);
    expect(store.calls).toEqual([]);
  });

  it.each([
    ['a look-alike role name', arn('AWSReservedSSO_ReadOnly', 'Alice.Smith')],
    ['a role of another name', arn('AWSReservedSS0_ReadOnly_0123456789abcdef', 'Alice.Smith')],
    ['a session name with a space', arn(READ_ONLY, 'Alice Smith')],
    ['a session name with a newline', arn(READ_ONLY, 'Alice.Smith\nbob')],
    ['a session name with a look-alike letter', arn(READ_ONLY, 'Аlice.Smith')],
  ])('refuses %s with 403, looking nothing up', async (_what, callerArn) => {
    // Prepare
    const store = identityStore([ALICE]);
    const known = catalog(['ReadOnly']);

    // Act
    const act = callerFromSession(
      { catalog: known, callers: new Directory(store.client, 'd-1234567890') },
      callerArn,
    );

    // Assess
    await expect(act).rejects.toThrow(ForbiddenError);
    expect(store.calls).toEqual([]);
  });
});

describe('callerFromName (the local X-Lease-User)', () => {
  it('goes through the same checks and the same canonical resolution', async () => {
    // Prepare
    const store = identityStore([ALICE]);
    const directory = new Directory(store.client, 'd-1234567890');

    // Act
    const caller = await callerFromName(directory, 'ALICE.smith');
    const odd = callerFromName(directory, 'Alice.Smith\r\n');

    // Assess
    expect(caller.userName).toBe('Alice.Smith');
    await expect(odd).rejects.toThrow(ForbiddenError);
    expect(store.calls.filter((c) => c.includes('\r'))).toEqual([]);
  });
});

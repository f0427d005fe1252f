import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  DescribeCreateAccountStatusCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { clientConfig } from '../../adapters/clients.ts';
import { Organization } from '../../adapters/organization.ts';
import { info } from './harness.ts';

describe('the organization tree read from AWS Organizations', () => {
  it('knows every OU above an account and every account below an OU', async () => {
    // Prepare: root ─ ou-parent ─ ou-child ─ account
    const client = new OrganizationsClient(
      clientConfig({ region: info().region, endpoint: info().awsEndpoint }),
    );
    await client.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const rootId = (await client.send(new ListRootsCommand({}))).Roots?.[0]?.Id as string;
    const parent = await client.send(
      new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'workloads' }),
    );
    const child = await client.send(
      new CreateOrganizationalUnitCommand({ ParentId: parent.OrganizationalUnit?.Id, Name: 'prod' }),
    );
    const created = await client.send(
      new CreateAccountCommand({ AccountName: 'payments', Email: 'payments@example.com' }),
    );
    const status = await client.send(
      new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: created.CreateAccountStatus?.Id }),
    );
    const accountId = status.CreateAccountStatus?.AccountId as string;
    await client.send(
      new MoveAccountCommand({
        AccountId: accountId,
        SourceParentId: rootId,
        DestinationParentId: child.OrganizationalUnit?.Id,
      }),
    );

    // Act
    const tree = await new Organization(client).tree();

    // Assess
    expect(tree.ousOf(accountId)).toEqual([child.OrganizationalUnit?.Id, parent.OrganizationalUnit?.Id]);
    expect(tree.accountsUnder(parent.OrganizationalUnit?.Id as string)).toContain(accountId);
    // The console shows accounts by name: the tree keeps the name Organizations lists.
    expect(tree.accountName(accountId)).toBe('payments');
  });
});

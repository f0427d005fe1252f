import {
  type IdentitystoreClient,
  paginateListGroupMembershipsForMember,
} from '@aws-sdk/client-identitystore';
import {
  DeleteInlinePolicyFromPermissionSetCommand,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  GetInlinePolicyForPermissionSetCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  paginateListAccountAssignments,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { parseDuration } from '../core/duration.ts';
import { awaitRequest } from './identity-center-status.ts';

export interface Assignment {
  principalType?: string;
  principalId?: string;
}

/**
 * The Identity Center calls that ending live sessions needs: a permission set's inline policy,
 * its session duration, provisioning it to one account, and who is assigned it there.
 */
export class PermissionSetPolicies {
  constructor(
    private readonly ssoAdmin: SSOAdminClient,
    private readonly identityStore: IdentitystoreClient,
    private readonly instanceArn: string,
    private readonly identityStoreId: string,
    /** How long a provisioning may stay IN_PROGRESS before it counts as failed. */
    private readonly provisionTimeoutMs = 60_000,
  ) {}

  async inlinePolicy(permissionSetArn: string): Promise<string> {
    const out = await this.ssoAdmin.send(
      new GetInlinePolicyForPermissionSetCommand({
        InstanceArn: this.instanceArn,
        PermissionSetArn: permissionSetArn,
      }),
    );
    return out.InlinePolicy ?? '';
  }

  /** An empty document is not a valid IAM policy: a policy left with no statement is deleted. */
  async writeInlinePolicy(permissionSetArn: string, text: string | null): Promise<void> {
    const target = { InstanceArn: this.instanceArn, PermissionSetArn: permissionSetArn };
    if (text === null) await this.ssoAdmin.send(new DeleteInlinePolicyFromPermissionSetCommand(target));
    else
      await this.ssoAdmin.send(new PutInlinePolicyToPermissionSetCommand({ ...target, InlinePolicy: text }));
  }

  /** Seconds a session of this permission set may live (its SessionDuration, PT1H by default). */
  async sessionSeconds(permissionSetArn: string): Promise<number> {
    const out = await this.ssoAdmin.send(
      new DescribePermissionSetCommand({ InstanceArn: this.instanceArn, PermissionSetArn: permissionSetArn }),
    );
    return parseDuration(out.PermissionSet?.SessionDuration ?? 'PT1H', 'SessionDuration');
  }

  /**
   * Pushes the permission set's current policy to the account's role and waits until Identity
   * Center says it is there: until then the deny does not act. Returns the request id.
   */
  async provision(permissionSetArn: string, accountId: string): Promise<string> {
    const out = await this.ssoAdmin.send(
      new ProvisionPermissionSetCommand({
        InstanceArn: this.instanceArn,
        PermissionSetArn: permissionSetArn,
        TargetType: 'AWS_ACCOUNT',
        TargetId: accountId,
      }),
    );
    const requestId = out.PermissionSetProvisioningStatus?.RequestId;
    if (!requestId) throw new Error(`ProvisionPermissionSet to ${accountId} returned no request id`);
    const stateOf = (status: { Status?: string; FailureReason?: string } | undefined) => ({
      status: status?.Status,
      failureReason: status?.FailureReason,
    });
    await awaitRequest(
      `provisioning to ${accountId}`,
      requestId,
      async () =>
        stateOf(
          (
            await this.ssoAdmin.send(
              new DescribePermissionSetProvisioningStatusCommand({
                InstanceArn: this.instanceArn,
                ProvisionPermissionSetRequestId: requestId,
              }),
            )
          ).PermissionSetProvisioningStatus,
        ),
      stateOf(out.PermissionSetProvisioningStatus),
      { timeoutMs: this.provisionTimeoutMs },
    );
    return requestId;
  }

  /** Every assignment of the permission set on the account, all pages (a partial list would lie). */
  async assignments(permissionSetArn: string, accountId: string): Promise<Assignment[]> {
    const found: Assignment[] = [];
    const pages = paginateListAccountAssignments(
      { client: this.ssoAdmin },
      { InstanceArn: this.instanceArn, AccountId: accountId, PermissionSetArn: permissionSetArn },
    );
    for await (const page of pages)
      for (const a of page.AccountAssignments ?? [])
        found.push({ principalType: a.PrincipalType, principalId: a.PrincipalId });
    return found;
  }

  async groupIds(userId: string): Promise<Set<string>> {
    const ids = new Set<string>();
    const pages = paginateListGroupMembershipsForMember(
      { client: this.identityStore },
      { IdentityStoreId: this.identityStoreId, MemberId: { UserId: userId } },
    );
    for await (const page of pages)
      for (const m of page.GroupMemberships ?? []) if (m.GroupId) ids.add(m.GroupId);
    return ids;
  }
}

import {
  type AccountAssignmentOperationStatus,
  DeleteAccountAssignmentCommand,
  type DeleteAccountAssignmentCommandOutput,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  paginateListAccountAssignmentCreationStatus,
  paginateListAccountAssignmentDeletionStatus,
  paginateListAccountAssignments,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { AssignmentTuple } from '../core/ledger-keys.ts';
import type { CreationReport } from '../core/ownership.ts';
import { awaitRequest, type PollOptions, type RequestState } from './identity-center-status.ts';

/** A creation or deletion request Identity Center keeps a status of. */
export interface AssignmentRequest {
  requestId: string;
  status: string;
  createdAt: Date;
}

const stateOf = (s: AccountAssignmentOperationStatus | undefined): RequestState => ({
  status: s?.Status,
  failureReason: s?.FailureReason,
});

const sameTuple = (s: AccountAssignmentOperationStatus | undefined, tuple: AssignmentTuple) =>
  s?.PrincipalId === tuple.principalId &&
  s?.TargetId === tuple.accountId &&
  s?.PermissionSetArn === tuple.permissionSetArn;

const requestsOf = (
  items: { RequestId?: string; Status?: string; CreatedDate?: Date }[] | undefined,
): AssignmentRequest[] =>
  (items ?? []).flatMap((r) =>
    r.RequestId && r.Status && r.CreatedDate
      ? [{ requestId: r.RequestId, status: r.Status, createdAt: r.CreatedDate }]
      : [],
  );

const isNotFound = (err: unknown) => (err as { name?: string }).name === 'ResourceNotFoundException';

/**
 * The account-assignment calls the reconciler makes outside the workflow: listings, its own
 * deletions, and looking up what became of a create or delete whose answer the ledger lacks.
 */
export class IdentityCenterAssignments {
  constructor(
    private readonly client: SSOAdminClient,
    private readonly instanceArn: string,
    private readonly poll: PollOptions = {},
  ) {}

  /** USER principals assigned the permission set on the account, every page (a partial list would lie). */
  async assignedUsers(accountId: string, permissionSetArn: string): Promise<string[]> {
    const ids: string[] = [];
    const pages = paginateListAccountAssignments(
      { client: this.client },
      { InstanceArn: this.instanceArn, AccountId: accountId, PermissionSetArn: permissionSetArn },
    );
    for await (const page of pages)
      for (const a of page.AccountAssignments ?? [])
        if (a.PrincipalType === 'USER' && a.PrincipalId) ids.push(a.PrincipalId);
    return ids;
  }

  /**
   * Deletes the assignment and waits until Identity Center reports SUCCEEDED; returns the request
   * id, or undefined when the assignment is already gone: the SDK's replay of a delete whose answer
   * was lost finds nothing to delete (as the workflow's AlreadyDeleted), or somebody removed it.
   */
  async delete(tuple: AssignmentTuple): Promise<string | undefined> {
    let out: DeleteAccountAssignmentCommandOutput;
    try {
      out = await this.client.send(
        new DeleteAccountAssignmentCommand({
          InstanceArn: this.instanceArn,
          TargetId: tuple.accountId,
          TargetType: 'AWS_ACCOUNT',
          PermissionSetArn: tuple.permissionSetArn,
          PrincipalType: tuple.principalType,
          PrincipalId: tuple.principalId,
        }),
      );
    } catch (err) {
      // Not found may also name the instance or the permission set: gone only if not listed.
      const listed = isNotFound(err) && (await this.assignedUsers(tuple.accountId, tuple.permissionSetArn));
      if (listed && !listed.includes(tuple.principalId)) return undefined;
      throw err;
    }
    const requestId = out.AccountAssignmentDeletionStatus?.RequestId;
    if (!requestId) throw new Error('DeleteAccountAssignment answered no request id');
    await awaitRequest(
      'deletion',
      requestId,
      async () => stateOf(await this.deletionStatus(requestId)),
      stateOf(out.AccountAssignmentDeletionStatus),
      this.poll,
    );
    return requestId;
  }

  /** What became of one create, by its request id; NONE when Identity Center knows no such request. */
  async creation(requestId: string): Promise<CreationReport> {
    try {
      const out = await this.client.send(
        new DescribeAccountAssignmentCreationStatusCommand({
          InstanceArn: this.instanceArn,
          AccountAssignmentCreationRequestId: requestId,
        }),
      );
      return (out.AccountAssignmentCreationStatus?.Status as CreationReport | undefined) ?? 'NONE';
    } catch (err) {
      if (isNotFound(err)) return 'NONE';
      throw err;
    }
  }

  /** Every creation request Identity Center keeps a status of (one listing serves a whole sweep). */
  async creationRequests(): Promise<AssignmentRequest[]> {
    const found: AssignmentRequest[] = [];
    const pages = paginateListAccountAssignmentCreationStatus(
      { client: this.client },
      { InstanceArn: this.instanceArn },
    );
    for await (const page of pages) found.push(...requestsOf(page.AccountAssignmentsCreationStatus));
    return found;
  }

  async deletionRequests(): Promise<AssignmentRequest[]> {
    const found: AssignmentRequest[] = [];
    const pages = paginateListAccountAssignmentDeletionStatus(
      { client: this.client },
      { InstanceArn: this.instanceArn },
    );
    for await (const page of pages) found.push(...requestsOf(page.AccountAssignmentsDeletionStatus));
    return found;
  }

  /** Whether the request (from the list above) was for this tuple, and its status now. */
  async requestFor(
    kind: 'creation' | 'deletion',
    requestId: string,
    tuple: AssignmentTuple,
  ): Promise<string | undefined> {
    const status =
      kind === 'creation'
        ? (
            await this.client.send(
              new DescribeAccountAssignmentCreationStatusCommand({
                InstanceArn: this.instanceArn,
                AccountAssignmentCreationRequestId: requestId,
              }),
            )
          ).AccountAssignmentCreationStatus
        : await this.deletionStatus(requestId);
    return sameTuple(status, tuple) ? status?.Status : undefined;
  }

  private async deletionStatus(requestId: string) {
    return (
      await this.client.send(
        new DescribeAccountAssignmentDeletionStatusCommand({
          InstanceArn: this.instanceArn,
          AccountAssignmentDeletionRequestId: requestId,
        }),
      )
    ).AccountAssignmentDeletionStatus;
  }
}

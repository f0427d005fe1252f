import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { acknowledgeWildcardResource } from './nag.ts';

/**
 * The resource types each Identity Center action the tool uses is authorized on (all required).
 * Granting stays within what the policy names now; finding and removing an assignment reaches
 * what a lease granted under an earlier policy (`removable*`): a deploy that drops an account or
 * a permission set from the policy must not leave a live lease's assignment beyond every revoke.
 */
const SSO_ACTION_RESOURCES = {
  'sso:CreateAccountAssignment': ['instance', 'permissionSet', 'account'],
  'sso:DeleteAccountAssignment': ['instance', 'removablePermissionSet', 'removableAccount'],
  'sso:ListAccountAssignments': ['instance', 'removablePermissionSet', 'removableAccount'],
  'sso:DescribeAccountAssignmentCreationStatus': ['instance'],
  'sso:DescribeAccountAssignmentDeletionStatus': ['instance'],
  // The reconciler's lookup of a create or delete whose answer the ledger never got.
  'sso:ListAccountAssignmentCreationStatus': ['instance'],
  'sso:ListAccountAssignmentDeletionStatus': ['instance'],
  'sso:DescribePermissionSet': ['instance', 'permissionSet'],
  // Ending live sessions: the permission set's inline policy, and pushing it to one account.
  'sso:GetInlinePolicyForPermissionSet': ['instance', 'permissionSet'],
  'sso:PutInlinePolicyToPermissionSet': ['instance', 'permissionSet'],
  'sso:DeleteInlinePolicyFromPermissionSet': ['instance', 'permissionSet'],
  'sso:ProvisionPermissionSet': ['instance', 'permissionSet', 'account'],
  'sso:DescribePermissionSetProvisioningStatus': ['instance'],
} as const;

export type SsoAction = keyof typeof SSO_ACTION_RESOURCES;
type ResourceKind = (typeof SSO_ACTION_RESOURCES)[SsoAction][number];

export interface IdentityCenterScopeProps {
  readonly instanceArn: string;
  /** The permission sets the access policy names; nothing else is ever assigned. */
  readonly permissionSetArns: readonly string[];
  /** The accounts the policy names, or `'any'` when it names OUs (resolved at run time). */
  readonly accounts: readonly string[] | 'any';
  /**
   * The permission sets whose assignments a lease may hold although the policy no longer names
   * them: every one the configuration names an ARN for. Listed and deleted on any account, never
   * assigned. @default permissionSetArns (and the policy's accounts, as for creating)
   */
  readonly removablePermissionSetArns?: readonly string[];
  /**
   * Name → ARN, as functions resolve the names the API and the policy use (`PERMISSION_SET_ARNS`);
   * they never list or describe the instance's permission sets for it. @default none
   */
  readonly namedPermissionSets?: Readonly<Record<string, string>>;
}

/**
 * The slice of an Identity Center instance this deployment may act on. Grants name the instance,
 * the policy's permission sets and its accounts as resource ARNs, never `sso:*` or `*`, and never
 * the `ssoadmin:` prefix CDK writes for SDK tasks (no such IAM service exists).
 */
export class IdentityCenterScope {
  readonly partition: string;
  readonly wildcardAccounts: boolean;
  private readonly resources: Record<ResourceKind, string[]>;

  constructor(readonly props: IdentityCenterScopeProps) {
    const [arn, partition] = /^arn:([a-z-]+):sso:::instance\/[\w.-]+$/.exec(props.instanceArn) ?? [];
    if (!arn || !partition)
      throw new Error(`instanceArn: not an Identity Center instance ARN: ${props.instanceArn}`);
    if (props.permissionSetArns.length === 0)
      throw new Error('permissionSetArns: empty; the access policy names no permission set to lease');
    if (props.accounts !== 'any' && props.accounts.length === 0)
      throw new Error("accounts: empty; give the accounts the policy names, or 'any' for OU rules");
    this.partition = partition;
    this.wildcardAccounts = props.accounts === 'any';
    const accounts = props.accounts === 'any' ? ['*'] : props.accounts;
    const account = accounts.map((id) => `arn:${partition}:sso:::account/${id}`);
    const removable = props.removablePermissionSetArns;
    this.resources = {
      instance: [props.instanceArn],
      permissionSet: [...props.permissionSetArns],
      account,
      removablePermissionSet: [...new Set([...props.permissionSetArns, ...(removable ?? [])])].sort(),
      removableAccount: removable ? [this.anyAccount] : account,
    };
  }

  private get anyAccount(): string {
    return `arn:${this.partition}:sso:::account/*`;
  }

  /** Adds one statement per group of actions that share resource types. */
  grant(grantee: IGrantable, ...actions: SsoAction[]): void {
    const groups = new Map<string, SsoAction[]>();
    for (const action of actions) {
      const key = SSO_ACTION_RESOURCES[action].join(',');
      groups.set(key, [...(groups.get(key) ?? []), action]);
    }
    for (const [key, grouped] of groups) {
      const kinds = key.split(',') as ResourceKind[];
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({ actions: grouped, resources: kinds.flatMap((kind) => this.resources[kind]) }),
      );
    }
  }

  /** Says why, where a grant of these actions lands on every account. */
  acknowledgeWildcards(scope: IConstruct, actions: readonly SsoAction[]): void {
    const ous = this.wildcardAccounts
      ? 'The policy names OUs, whose accounts are resolved from Organizations at run time.'
      : undefined;
    const why: Partial<Record<ResourceKind, string>> = {
      account: ous,
      removableAccount: this.props.removablePermissionSetArns
        ? 'Listing and deleting only (never assigning): a lease granted before a deploy dropped its account from the policy is still revoked, and the reconciler deletes only what the tool owns.'
        : ous,
    };
    const kinds = new Set(actions.flatMap((action) => SSO_ACTION_RESOURCES[action]));
    const reasons = [...new Set([...kinds].flatMap((kind) => why[kind] ?? []))];
    if (reasons.length > 0) acknowledgeWildcardResource(scope, this.anyAccount, reasons.join(' '));
  }
}

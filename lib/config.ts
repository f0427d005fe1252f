import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import { parseDuration } from '../core/duration.ts';
import { checkNotifierSettings, NotifierSettingsShape } from '../core/notifier-settings.ts';
import { loadPolicy, managedPermissionSets, type Policy, PolicyError } from '../core/policy.ts';
import { rulesNamingOwnAccount } from '../core/policy-checks.ts';
import { formatIssues } from '../core/policy-schema.ts';
import { ConsoleConfigSchema, checkSamlMetadataFile } from './console-config.ts';

/** The `cdk.json` context key that holds the deployment configuration. */
export const CONFIG_CONTEXT_KEY = 'idc-lease';

const PARTITION = '(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b)';
const INSTANCE_ID = '(sso)?ins-[a-zA-Z0-9-.]{16}';
const INSTANCE_ARN = new RegExp(`^arn:${PARTITION}:sso:::instance/${INSTANCE_ID}$`);
const PERMISSION_SET_ARN = new RegExp(
  `^arn:${PARTITION}:sso:::permissionSet/${INSTANCE_ID}/ps-[a-zA-Z0-9-./]{16}$`,
);
const IDENTITY_STORE_ID = /^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
// CloudWatch Logs accepts only these retention periods.
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const isoDuration = (min: number, what: string) =>
  z.string().refine(
    (text) => {
      try {
        return parseDuration(text) >= min;
      } catch {
        return false;
      }
    },
    { message: `must be an ISO 8601 duration of at least ${what}` },
  );

/**
 * Everything a deployment needs to know about its Identity Center and its organization. Synth
 * refuses a bad value with the field named, before anything reaches CloudFormation.
 */
export const DeploymentConfigSchema = z.strictObject({
  /** Identity Center's home region: the stack must live there (its API and CloudTrail events do). */
  homeRegion: z
    .string()
    .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'must be an AWS region such as eu-west-1'),
  instanceArn: z
    .string()
    .regex(INSTANCE_ARN, 'must be an Identity Center instance ARN (arn:aws:sso:::instance/ssoins-…)'),
  identityStoreId: z.string().regex(IDENTITY_STORE_ID, 'must be an identity store id (d-0123456789)'),
  /**
   * The account the stack deploys into (Identity Center's delegated administrator). It holds the
   * ledger, the task tokens and the workflow, so a lease on it would be a lease on every account:
   * it is always protected, no rule may name it, and the template refuses to deploy elsewhere.
   */
  accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
  /** Identity Center cannot assign into it from a delegated administrator: the policy must protect it. */
  managementAccountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
  /** Only principals of this organization may call the API (the REST API's resource policy). */
  organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id (o-…)'),
  /** The access policy file, relative to the directory `cdk` runs in. */
  policyFile: z.string().min(1),
  /**
   * Name → ARN of every permission set the policy names. The workflow may assign only these
   * (resource-level IAM), and names cannot be resolved to ARNs offline at synth.
   */
  permissionSetArns: z.record(
    z.string().min(1),
    z
      .string()
      .regex(PERMISSION_SET_ARN, 'must be a permission set ARN (arn:aws:sso:::permissionSet/ssoins-…/ps-…)'),
  ),
  /** How often the reconciler sweeps, besides running when an execution ends badly. */
  reconcileEvery: isoDuration(60, 'PT1M').default('PT10M'),
  logRetentionDays: z
    .number()
    .refine((n) => (RETENTION_DAYS as readonly number[]).includes(n), {
      message: `must be one of ${RETENTION_DAYS.join(', ')}`,
    })
    .default(365),
  api: z
    .strictObject({
      /** Steady requests per second across all callers. */
      rateLimit: z.number().positive().max(10_000).default(20),
      burstLimit: z.number().int().positive().max(5_000).default(40),
    })
    .default({ rateLimit: 20, burstLimit: 40 }),
  notifications: z
    .strictObject({
      /** Subscribed by email to the operators' alarm topic (each must confirm once). */
      operatorEmails: z.array(z.email()).default([]),
      // The lease notifier's channels (core/notifier-settings.ts): slack, webhook, email, audit, …
      ...NotifierSettingsShape,
    })
    .superRefine(checkNotifierSettings)
    .superRefine((settings, ctx) => {
      // A signed body over plain HTTP still shows every lease to the network in between.
      if (settings.webhook?.url && !settings.webhook.url.startsWith('https://'))
        ctx.addIssue({ code: 'custom', path: ['webhook', 'url'], message: 'must be an https URL' });
    })
    .default({ operatorEmails: [], audit: [], endingSoonLead: 'PT10M' }),
  /**
   * Where the organization trail can be queried for what a lease's sessions did
   * (`GET /leases/{id}/activity`): the Athena table the query names, and the CloudWatch Logs
   * groups the API runs the Logs Insights query over. Both optional.
   */
  activity: z
    .strictObject({
      athena: z
        .strictObject({
          database: z.string().regex(/^[A-Za-z0-9_]{1,255}$/, 'must be a Glue database name'),
          table: z.string().regex(/^[A-Za-z0-9_]{1,255}$/, 'must be a Glue table name'),
          workGroup: z
            .string()
            .regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be an Athena workgroup name')
            .optional(),
        })
        .optional(),
      logGroupNames: z
        .array(z.string().regex(/^[.\-_/#A-Za-z0-9]{1,512}$/, 'must be a CloudWatch Logs group name'))
        .max(50)
        .optional(),
    })
    .default({}),
  /** The web console: Identity Center's SAML application, the access portal, sessions (lib/console-config.ts). */
  console: ConsoleConfigSchema.prefault({}),
});

export type DeploymentConfigInput = z.input<typeof DeploymentConfigSchema>;

export interface DeploymentConfig extends z.infer<typeof DeploymentConfigSchema> {
  /** The policy file, resolved and validated. */
  readonly policyPath: string;
  readonly policy: Policy;
  /** `console.samlMetadataFile`, resolved and checked; absent when none is configured. */
  readonly samlMetadataPath?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid deployment configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `policyFile` → `IDC_LEASE_POLICY_FILE`: each top-level field may come from the environment. */
export const envName = (field: string) =>
  `IDC_LEASE_${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

// Objects, arrays and numbers arrive in the environment as JSON; anything else is a plain string.
const fromEnv = (raw: string): unknown => {
  if (!/^\s*[[{\d]/.test(raw)) return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
};

export interface ConfigSources {
  /** The `idc-lease` context value (cdk.json, or `cdk -c`). */
  readonly context: unknown;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where a relative `policyFile` is resolved from. */
  readonly baseDir: string;
}

/**
 * Context first, then `IDC_LEASE_*` environment variables over it, then the cross-checks zod
 * cannot express alone: the policy must load, protect the management account, name the stack's
 * own account in no rule, and every permission set it names must have an ARN on the configured
 * instance.
 */
export function readDeploymentConfig({ context, env, baseDir }: ConfigSources): DeploymentConfig {
  const merged: Record<string, unknown> = { ...(typeof context === 'object' && context ? context : {}) };
  const fromEnvironment = new Set<string>();
  for (const field of Object.keys(DeploymentConfigSchema.shape)) {
    const raw = env[envName(field)];
    if (raw === undefined || raw === '') continue;
    merged[field] = fromEnv(raw);
    fromEnvironment.add(field);
  }
  const parsed = DeploymentConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      formatIssues(parsed.error).map((line) => {
        const field = line.split(/[.:[]/)[0] as string;
        return fromEnvironment.has(field) ? `${line} (from ${envName(field)})` : line;
      }),
    );
  }
  const config = parsed.data;
  const policyPath = resolve(baseDir, config.policyFile);
  let policy: Policy;
  try {
    policy = loadPolicy(JSON.parse(readFileSync(policyPath, 'utf8')), policyPath);
  } catch (err) {
    const where = `policyFile (${policyPath})`;
    throw new ConfigError(
      err instanceof PolicyError
        ? err.problems.map((p) => `${where}: ${p}`)
        : [`${where}: ${(err as Error).message}`],
    );
  }
  const metadata = checkSamlMetadataFile(config.console, baseDir);
  const problems = [...crossCheck(config, policy), ...metadata.problems];
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...config, policyPath, policy, ...(metadata.path ? { samlMetadataPath: metadata.path } : {}) };
}

function crossCheck(config: z.infer<typeof DeploymentConfigSchema>, policy: Policy): string[] {
  const problems: string[] = [];
  if (!policy.protected.accounts.includes(config.managementAccountId)) {
    problems.push(
      `managementAccountId: ${config.managementAccountId} must be listed in the policy's protected.accounts ` +
        '(a delegated administrator cannot assign into the management account)',
    );
  }
  problems.push(
    ...rulesNamingOwnAccount(policy, config.accountId).map((p) => `policyFile: ${p} (accountId)`),
  );
  const instanceId = config.instanceArn.split('/')[1];
  for (const name of managedPermissionSets(policy)) {
    const arn = config.permissionSetArns[name];
    if (!arn) problems.push(`permissionSetArns.${name}: is required (the policy names this permission set)`);
    else if (arn.split('/')[1] !== instanceId)
      problems.push(`permissionSetArns.${name}: belongs to another instance than instanceArn`);
  }
  return problems;
}

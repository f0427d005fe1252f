import * as z from 'zod/mini';
import { parseDuration } from './duration.ts';
import { ValidationError } from './errors.ts';
import './zod-locale.ts';

/**
 * The access-policy file (CONTRACT "Access policy file") as one zod schema. It is the only
 * definition: CDK synth, the local runtime and the API all validate with it.
 *
 * Objects are strict because a misspelt key (`maxDuraton`, `aprovers`) would otherwise be dropped
 * silently and the rule would run with a default nobody chose.
 */

const Duration = z.string().check(
  z.superRefine((text, ctx) => {
    try {
      parseDuration(text);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.detail });
    }
  }),
);

const Name = z.string().check(z.minLength(1, 'must not be empty'));
const AccountId = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));
// AWS permission set names: 1–32 characters of [\w+=,.@-].
const PermissionSetName = z
  .string()
  .check(
    z.regex(
      /^[\w+=,.@-]{1,32}$/,
      'must be a permission set name (1-32 characters of letters, digits, +=,.@_-)',
    ),
  );
const OuId = z
  .string()
  .check(
    z.regex(
      /^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/,
      'must be an OU id (ou-xxxx-yyyyyyyy) or a root id',
    ),
  );
// Rule ids end up in lease records, events and metric dimensions, so they stay plain.
const RuleId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 characters of letters, digits, . _ -'));

/** Users by Identity Store `userName`, groups by display name. Missing lists read as empty. */
export const PrincipalsSchema = z.strictObject({
  users: z._default(z.array(Name), []),
  groups: z._default(z.array(Name), []),
});

export const ApprovalSchema = z.union(
  [
    z.literal('none'),
    z.strictObject({
      approvers: PrincipalsSchema,
      required: z._default(
        z.number().check(z.int('must be a whole number'), z.minimum(1, 'must be at least 1')),
        1,
      ),
      timeout: z._default(Duration, 'PT24H'),
    }),
  ],
  { error: 'must be "none" or {approvers: {users?, groups?}, required?, timeout?}' },
);

/**
 * Extensions a lease of a rule may have when the rule does not say. Each one is a Hold round in
 * the lease's execution (six history events, a few more per retried PutEvents), so the cap is what
 * keeps a lease's execution far from Step Functions' 25,000-event history limit.
 */
export const DEFAULT_MAX_EXTENSIONS = 10;
/** The most a rule may allow: each costs about 30 history events at worst (every retry taken), so 50 keep a lease well under the workflow's history budget (statemachines/history-budget.ts). */
export const MAX_EXTENSIONS_LIMIT = 50;

export const RuleSchema = z.strictObject({
  id: RuleId,
  principals: PrincipalsSchema,
  // May be empty when `ous` names the targets; the semantic checks insist on one or the other.
  accounts: z._default(z.array(AccountId), []),
  ous: z.optional(z.array(OuId)),
  permissionSets: z.array(PermissionSetName).check(z.minLength(1, 'must list at least one permission set')),
  maxDuration: Duration,
  approval: ApprovalSchema,
  endSessions: z._default(z.boolean(), false),
  maxExtensions: z._default(
    z
      .number()
      .check(
        z.int('must be a whole number'),
        z.minimum(0, 'must be 0 or more'),
        z.maximum(MAX_EXTENSIONS_LIMIT, `must be at most ${MAX_EXTENSIONS_LIMIT}`),
      ),
    DEFAULT_MAX_EXTENSIONS,
  ),
});

export const PolicySchema = z.strictObject({
  /** Lets editors find access.schema.json; ignored otherwise. */
  $schema: z.optional(z.string()),
  version: z.literal(1, { error: 'must be 1' }),
  rules: z.array(RuleSchema),
  protected: z.prefault(
    z.strictObject({
      accounts: z._default(z.array(AccountId), []),
      permissionSets: z._default(z.array(PermissionSetName), []),
    }),
    {},
  ),
  auditors: z.prefault(PrincipalsSchema, {}),
  admins: z.prefault(PrincipalsSchema, {}),
});

export type Policy = z.infer<typeof PolicySchema>;
/** What a policy file may contain before defaults are applied. */
export type PolicyInput = z.input<typeof PolicySchema>;
export type Rule = z.infer<typeof RuleSchema>;
export type Principals = z.infer<typeof PrincipalsSchema>;
export type Approval = z.infer<typeof ApprovalSchema>;

/** `['rules', 2, 'maxDuration']` -> `rules[2].maxDuration`; the empty path is `(root)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/** One line per problem, `path: message`, with zod's phrasing made readable for operators. */
export function formatIssues(error: z.core.$ZodError): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${formatPath([...issue.path, key])}: unknown key`);
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      lines.push(`${formatPath(issue.path)}: is required`);
    } else {
      lines.push(`${formatPath(issue.path)}: ${issue.message}`);
    }
  }
  return lines;
}

import * as z from 'zod/mini';
import { ValidationError } from '../core/errors.ts';
import { ONE_LINE, PROSE } from '../core/text.ts';
import '../core/zod-locale.ts';

/**
 * Free text a person reads later (approvers, auditors, notifications): no control characters,
 * line separators or bidi overrides (`core/text.ts`). Prose may hold plain newlines; a ticket is one line.
 */
const prose = (max: number) =>
  z
    .string()
    .check(
      z.maxLength(max),
      z.regex(PROSE, 'must not contain control characters (a newline is the only one allowed)'),
    );
const oneLine = (max: number) =>
  z.string().check(z.maxLength(max), z.regex(ONE_LINE, 'must be one line without control characters'));

/** Request bodies of the CONTRACT's routes. Unknown fields are refused, naming the field. */
export const CreateLeaseBody = z.strictObject({
  accountId: z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id')),
  permissionSet: z.string().check(z.minLength(1), z.maxLength(32)),
  duration: z.string().check(z.minLength(1), z.maxLength(32)),
  justification: prose(1000).check(z.trim(), z.minLength(3, 'must say why (at least 3 characters)')),
  ticket: z.optional(oneLine(128).check(z.minLength(1))),
  startAt: z.optional(z.string().check(z.maxLength(64))),
  clientToken: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});
export type CreateLeaseBody = z.infer<typeof CreateLeaseBody>;

export const DecisionBody = z.strictObject({ comment: z.optional(prose(1000)) });
export const RevokeBody = z.strictObject({ reason: z.optional(prose(1000)) });
export const ExtendBody = z.strictObject({ duration: z.string().check(z.minLength(1), z.maxLength(32)) });

/** Parses a body; the first problem becomes a 400 whose message names the field. */
export const parseBody = <T extends z.ZodMiniType>(schema: T, body: unknown): z.infer<T> => {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  if (issue.code === 'unrecognized_keys') {
    throw new ValidationError(issue.keys.join(', '), 'unknown field');
  }
  const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
  const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  throw new ValidationError(field, message);
};

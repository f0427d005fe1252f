import * as z from 'zod';
import { ValidationError } from '../core/errors.ts';

/** Request bodies of the CONTRACT's routes. Unknown fields are refused, naming the field. */
export const CreateLeaseBody = z.strictObject({
  accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  permissionSet: z.string().min(1).max(32),
  duration: z.string().min(1).max(32),
  justification: z.string().trim().min(3, 'must say why (at least 3 characters)').max(1000),
  ticket: z.string().min(1).max(128).optional(),
  startAt: z.string().max(64).optional(),
  clientToken: z.string().min(1).max(64).optional(),
});
export type CreateLeaseBody = z.infer<typeof CreateLeaseBody>;

export const DecisionBody = z.strictObject({ comment: z.string().max(1000).optional() });
export const RevokeBody = z.strictObject({ reason: z.string().max(1000).optional() });
export const ExtendBody = z.strictObject({ duration: z.string().min(1).max(32) });

/** Parses a body; the first problem becomes a 400 whose message names the field. */
export const parseBody = <T extends z.ZodType>(schema: T, body: unknown): z.infer<T> => {
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

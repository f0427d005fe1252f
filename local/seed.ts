import { readFileSync } from 'node:fs';
import * as z from 'zod';

const AccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');

/** The CONTRACT's seed file: what the emulated Identity Center holds before the tool runs. */
export const SeedSchema = z.strictObject({
  users: z.array(
    z.strictObject({
      userName: z.string().min(1),
      displayName: z.string().optional(),
      email: z.string().optional(),
    }),
  ),
  groups: z
    .array(z.strictObject({ name: z.string().min(1), members: z.array(z.string()).default([]) }))
    .default([]),
  accounts: z.array(z.strictObject({ id: AccountId, name: z.string().optional() })).default([]),
  permissionSets: z
    .array(z.strictObject({ name: z.string().min(1), sessionDuration: z.string().default('PT1H') }))
    .default([]),
  assignments: z
    .array(z.strictObject({ userName: z.string(), accountId: AccountId, permissionSet: z.string() }))
    .default([]),
});

export type Seed = z.infer<typeof SeedSchema>;

export const loadSeed = (path: string): Seed => {
  const parsed = SeedSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`seed file ${path} is invalid:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
};

import type { Catalog } from '../service/context.ts';

/**
 * Permission set names to ARNs, as the deployment configures them (`permissionSetArns`; locally,
 * the seeded permission sets). Nothing is asked of Identity Center: describing every permission
 * set of the instance needs `sso:DescribePermissionSet` on all of them, which the roles do not
 * hold (they may touch only the policy's), so one unrelated permission set would make every
 * lookup fail with AccessDenied. An unknown name is unknown at no cost.
 */
export class ConfiguredCatalog implements Catalog {
  private readonly byName: ReadonlyMap<string, string>;

  constructor(permissionSetArns: Readonly<Record<string, string>>) {
    this.byName = new Map(Object.entries(permissionSetArns));
  }

  async permissionSetArn(name: string): Promise<string | undefined> {
    return this.byName.get(name);
  }
}

/** `PERMISSION_SET_ARNS` (a JSON object, name → ARN) as the functions receive it. */
export const permissionSetArnsFromEnv = (text: string): Record<string, string> => {
  const parsed: unknown = JSON.parse(text);
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((arn) => typeof arn === 'string')
  )
    throw new Error('PERMISSION_SET_ARNS must be a JSON object of permission set names to ARNs');
  return parsed as Record<string, string>;
};

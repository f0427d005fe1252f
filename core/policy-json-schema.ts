import * as z from 'zod';
import { PolicySchema } from './policy-schema.ts';

/** JSON Schema of a policy file as written (before defaults), generated from `PolicySchema`. */
export const policyJsonSchema = () => ({
  ...z.toJSONSchema(PolicySchema, { io: 'input', unrepresentable: 'any' }),
  $id: 'https://github.com/idc-lease/idc-lease/policies/access.schema.json',
  title: 'idc-lease access policy',
});

/**
 * Writes policies/access.schema.json from the one zod schema of the policy file, for editors
 * (`"$schema": "./access.schema.json"`). `npm test` checks the committed file is current.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { policyJsonSchema } from '../core/policy-json-schema.ts';

const target = fileURLToPath(new URL('../policies/access.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);

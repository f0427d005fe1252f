/**
 * Writes service/openapi.json from the zod schemas the handlers parse with. The API serves this
 * file, so the generator (zod-openapi, JSON Schema) stays out of the Lambda bundle; `npm test`
 * checks the committed file is current.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../service/openapi.ts';

const target = fileURLToPath(new URL('../service/openapi.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);

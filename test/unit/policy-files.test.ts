import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../core/policy.ts';
import { policyJsonSchema } from '../../core/policy-json-schema.ts';

const dir = fileURLToPath(new URL('../../policies/', import.meta.url));
const read = (path: string) => JSON.parse(readFileSync(`${dir}${path}`, 'utf8'));
const files = ['access.example.json', ...readdirSync(`${dir}examples`).map((f) => `examples/${f}`)];

describe('the policy files shipped in policies/', () => {
  it.each(files)('%s loads', (file) => {
    expect(() => loadPolicy(read(file), file)).not.toThrow();
  });

  it('access.schema.json is generated from the policy schema (npm run policy-schema)', () => {
    expect(read('access.schema.json')).toEqual(JSON.parse(JSON.stringify(policyJsonSchema())));
  });
});

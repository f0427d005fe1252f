import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * `synthSeconds`: `cdk synth` of the app as `npm test` runs it (bundling included, offline).
 * `largestBundleBytes`: the biggest handler bundle that synth produced (esbuild, minified, SDK
 * external: the options in lib/lease-function.ts), read from the cloud assembly, so the figure
 * is what would be deployed. Goal: ≤ 150 KB per function.
 */
export function benchDeployment(log: (line: string) => void): Record<string, number> {
  const outdir = mkdtempSync(join(tmpdir(), 'idc-lease-bench-synth-'));
  const started = process.hrtime.bigint();
  const run = spawnSync(
    join(ROOT, 'node_modules/.bin/cdk'),
    ['synth', '--quiet', '--no-notices', '-o', outdir],
    {
      cwd: ROOT,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      encoding: 'utf8',
    },
  );
  const synthSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`cdk synth failed:\n${run.stderr}`);

  const template = JSON.parse(readFileSync(join(outdir, 'IdcLease.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  const bundles = Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([id, r]) => ({
      id,
      bytes: statSync(join(outdir, r.Metadata?.['aws:asset:path'] ?? '', 'index.mjs')).size,
    }));
  for (const b of bundles) log(`bundle ${b.id.padEnd(32)} ${(b.bytes / 1024).toFixed(1)} KB`);
  return {
    synthSeconds: Math.round(synthSeconds * 10) / 10,
    largestBundleBytes: Math.max(...bundles.map((b) => b.bytes)),
  };
}

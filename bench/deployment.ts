import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The sign-in function's Powertools service name (lib/console-sign-in.ts). */
const SIGN_IN_SERVICE = 'idc-lease-console-auth';

/**
 * `synthSeconds`: `cdk synth` of the app as `npm test` runs it (bundling included, offline; the
 * console's build too when it is stale). `largestBundleBytes`: the biggest handler bundle that
 * synth produced (esbuild, minified, SDK external: the options in lib/lease-function.ts), read
 * from the cloud assembly, so the figure is what would be deployed. Goal: ≤ 150 KB per function.
 * The sign-in function is left out of it and reported as `signInBundleBytes`: its XML signature
 * libraries make it the one function allowed past the goal. CDK's own deployment function
 * (Python, the console's BucketDeployment) bundles no code of ours and is not counted.
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
    Resources: Record<
      string,
      {
        Type: string;
        Metadata?: Record<string, string>;
        Properties?: { Runtime?: string; Environment?: { Variables?: Record<string, string> } };
      }
    >;
  };
  const bundles = Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Runtime?.startsWith('nodejs'))
    .map(([id, r]) => ({
      id,
      signIn: r.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === SIGN_IN_SERVICE,
      bytes: statSync(join(outdir, r.Metadata?.['aws:asset:path'] ?? '', 'index.mjs')).size,
    }));
  for (const b of bundles) log(`bundle ${b.id.padEnd(32)} ${(b.bytes / 1024).toFixed(1)} KB`);
  const signIn = bundles.filter((b) => b.signIn);
  if (signIn.length !== 1) throw new Error(`expected one sign-in function, found ${signIn.length}`);
  return {
    synthSeconds: Math.round(synthSeconds * 10) / 10,
    largestBundleBytes: Math.max(...bundles.filter((b) => !b.signIn).map((b) => b.bytes)),
    signInBundleBytes: signIn[0]?.bytes ?? 0,
  };
}

/**
 * `npm run console:build`: builds console/dist/. With `--if-stale` (how `cdk synth` calls it,
 * lib/console-site.ts) only when the build is missing or older than its inputs, as the local
 * runtime does.
 */
import { buildConsole, ensureConsoleBuilt } from '../local/console-assets.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);
const started = Date.now();
if (process.argv.includes('--if-stale')) {
  await ensureConsoleBuilt(log);
} else {
  const dist = await buildConsole();
  log(`built ${dist} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

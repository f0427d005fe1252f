import { ensureConsoleBuilt } from '../../local/console-assets.ts';

/** One build before the browser tests, instead of each test file racing to make it. */
export default async function setup(): Promise<void> {
  await ensureConsoleBuilt((line) => process.stderr.write(`${line}\n`));
}

#!/usr/bin/env -S npx tsx
/** `lease`: the idc-lease command line (see `lease --help`). */
import { run } from '../cli/main.ts';

process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});

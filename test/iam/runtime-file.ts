import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalInfo } from '../../local/runtime.ts';

/** Where the integration tests' runtime says where it is, for the IAM proof that runs after them. */
export const RUNTIME_FILE = fileURLToPath(new URL('../../test-results/iam/runtime.json', import.meta.url));
export const REPORT_FILE = fileURLToPath(new URL('../../test-results/iam-report.json', import.meta.url));

/** Set once per `vitest` process (vitest.config.ts): a file from an earlier run is not this run's. */
export const testRunId = (): string | undefined => process.env.IDC_LEASE_TEST_RUN;

export const writeRuntimeFile = (info: LocalInfo): void => {
  mkdirSync(dirname(RUNTIME_FILE), { recursive: true });
  writeFileSync(RUNTIME_FILE, JSON.stringify({ runId: testRunId(), info }, null, 2));
};

/** The integration runtime of this run, or why there is none. */
export const readRuntimeFile = (): LocalInfo => {
  let written: { runId?: string; info: LocalInfo };
  try {
    written = JSON.parse(readFileSync(RUNTIME_FILE, 'utf8'));
  } catch {
    throw new Error(
      'no integration runtime: the IAM proof evaluates the integration tests’ calls; run it with them',
    );
  }
  if (!testRunId() || written.runId !== testRunId())
    throw new Error('the integration runtime is not this run’s: run the proof with --project integration');
  return written.info;
};

/** How to read `test-results/iam-report.json` (also in the README, "IAM, proven"). */
export const READ_ME = [
  'summary: calls recorded by the emulator, those signed by a deployed principal’s key, and the harness’s (left out).',
  'denied: recorded (or unrecorded, with a reason) calls the principal’s synthesized role does not allow: each fails the proof.',
  'unused: actions a role grants that no call used; `acknowledged` says why one stays, an unacknowledged one fails a full run.',
  'verdicts: every distinct principal × action × resource ARN with the simulator’s result, how many calls asked, and the workflow states.',
];

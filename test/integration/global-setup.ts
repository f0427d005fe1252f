import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { type LocalInfo, type LocalRuntime, startLocalRuntime } from '../../local/runtime.ts';
import { writeRuntimeFile } from '../iam/runtime-file.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    info: LocalInfo;
  }
}

/** The workflow limits every integration test runs with (a test of a limit reads them from here). */
export const INTEGRATION_LIMITS = {
  creationPolls: 15,
  deletionPolls: 15,
  joinPolls: 20,
  tuplePolls: 30,
  evidencePolls: 6,
  listPages: 100,
} as const;

let runtime: LocalRuntime | undefined;

/** One local runtime for all integration tests; each test uses its own users, so tuples never collide. */
export async function setup(project: TestProject) {
  runtime = await startLocalRuntime({
    seed: fileURLToPath(new URL('../fixtures/seed.json', import.meta.url)),
    policy: fileURLToPath(new URL('../fixtures/policy.json', import.meta.url)),
    port: 0,
    logLevel: 'ERROR',
    // Tests watch a lease's "ending soon" message within seconds, not the deployed minute.
    endingSoonSweepSeconds: 1,
    // Tests watch a stuck creation or deletion give up within a minute, not the deployed three.
    workflowLimits: INTEGRATION_LIMITS,
  });
  // The IAM proof (test/iam/, after every integration test) reads the emulator's call log.
  writeRuntimeFile(runtime.info);
  project.provide('apiUrl', runtime.url);
  project.provide('info', runtime.info);
}

export async function teardown() {
  await runtime?.stop();
}

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
  });
  // The IAM proof (test/iam/, after every integration test) reads the emulator's call log.
  writeRuntimeFile(runtime.info);
  project.provide('apiUrl', runtime.url);
  project.provide('info', runtime.info);
}

export async function teardown() {
  await runtime?.stop();
}

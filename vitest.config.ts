import { randomUUID } from 'node:crypto';
import { defineConfig } from 'vitest/config';

// The SDK warns once per process that node 20 support ends in 2027; it is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Tells the IAM proof which integration runtime belongs to this run (test/iam/runtime-file.ts).
process.env.IDC_LEASE_TEST_RUN ??= randomUUID();

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // The console's pure logic and its API client, without a browser.
          include: ['test/unit/**/*.test.ts', 'console/test/**/*.test.ts'],
          // Stack tests synthesize the whole app (seconds each, more on a loaded machine).
          testTimeout: 90_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          // Leases run in real time on the emulator: seconds, not milliseconds.
          testTimeout: 90_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'iam',
          include: ['test/iam/**/*.test.ts'],
          globalSetup: ['test/iam/global-setup.ts'],
          // After every other project: the proof evaluates the calls the integration tests made.
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          // Builds console/dist once when it is stale, before any browser opens it.
          globalSetup: ['test/browser/global-setup.ts'],
          // Chromium on a shared 2-core machine: one file at a time, generous deadlines.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

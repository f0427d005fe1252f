import { defineConfig } from 'vitest/config';

// The SDK warns once per process that node 20 support ends in 2027; it is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
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
    ],
  },
});

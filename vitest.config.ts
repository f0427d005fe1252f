import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
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

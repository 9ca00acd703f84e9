import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Machines have two cores; script tests spawn child processes of their own.
    maxWorkers: 2,
    minWorkers: 1,
  },
});

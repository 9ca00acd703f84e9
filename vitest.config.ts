import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // The files share their two worker processes instead of each starting afresh
    // (importing DuckDB, the BigQuery client and the modules once per worker, not
    // once per file). test/support/file-hygiene.ts fails any file that leaves the
    // process changed (environment, working directory, exit code, timers).
    isolate: false,
    setupFiles: ['test/support/file-hygiene.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Machines have two cores; script tests spawn child processes of their own.
    maxWorkers: 2,
    minWorkers: 1,
  },
});

// Mutation testing of the code that decides (`npm run mutate`; not part of .ci/run).
// See docs/TESTING.md for what is mutated, the score and the surviving mutants.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  // Each mutant runs only the tests that reached it.
  coverageAnalysis: 'perTest',
  // Mutants only reached while a module loads (constant tables) would each need
  // the whole test set; they are counted as ignored, and the constants that
  // decide (thresholds, policies) are pinned by tests with hand-written values.
  ignoreStatic: true,
  mutate: [
    'lib/gates/**/*.ts',
    'lib/state/**/*.ts',
    'lib/backfill/season-status.ts',
    'lib/backfill/runner.ts',
    'lib/backfill/history.ts',
    'lib/warehouse/translate.ts',
    'lib/final/**/*.ts',
    'lib/jobs/phase4/sql.ts',
  ],
  // The machine has two cores shared with other work.
  concurrency: 1,
  // A mutant's time limit is 1.5 × its tests' time in the dry run + this; a
  // mutant that makes a loop spin is a Timeout (detected) after seconds, not minutes.
  timeoutMS: 5_000,
  // Results accumulate here across `--incremental` runs (see docs/TESTING.md).
  incrementalFile: 'reports/stryker-incremental.json',
  // A loaded machine makes the first full run of the test set slow.
  dryRunTimeoutMinutes: 30,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};

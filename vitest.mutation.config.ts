/**
 * The focused test set `npm run mutate` runs against each mutant: the tests that
 * exercise the deciding code directly, in process, in seconds. Script tests
 * (child processes) are left out: a child process never runs the active mutant.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export const MUTATION_TESTS = [
  'test/gates.test.ts',
  'test/final.test.ts',
  'test/final-show.test.ts',
  'test/decisions.test.ts', // the state model, from hand-made facts
  'test/state-model.test.ts',
  'test/season-status.test.ts', // the state's facts and season statuses, on small in-memory warehouses
  'test/final-evidence.test.ts', // what Step 5 loads from the warehouse
  'test/final-edges.test.ts', // Step 5's re-run plan, ranges, quality and screen at their edges
  'test/final-outcomes.test.ts', // Step 5's expected outcomes, basis and difference line by line
  'test/runner.test.ts',
  'test/runner-paths.test.ts', // the runner's BigQuery, loader and fault paths, on a wrapped in-memory warehouse
  'test/runner-crash-points.test.ts', // RUNBOOK_CRASH_AT's points, the kill caught
  'test/history.test.ts',
  'test/translate.test.ts',
  'test/translate-edges.test.ts', // which parts DATE_DIFF and TIMESTAMP_DIFF take
  'test/conformance.test.ts',
  'test/phase4-processors.test.ts', // the Phase 4 SQL builders, on a fixture league
  'test/phase4-sql.test.ts', // the same builders one by one, on a few hand-placed games
];

// Replaces the include list (mergeConfig would append to it); none of these
// tests copies the seeded template, so the global setup (seconds) is skipped.
// Not isolated: Stryker switches mutants at run time, so the test worker and its
// loaded modules are reused from one mutant to the next.
// Short timeouts: the slowest of these tests takes about 2 s, its slowest hook
// about 5 s; a mutant that makes a loop or a query hang fails fast instead of
// holding the one runner for a minute.
export default defineConfig({
  ...base,
  test: { ...base.test, include: MUTATION_TESTS, globalSetup: [], isolate: false, testTimeout: 10_000, hookTimeout: 30_000 },
});

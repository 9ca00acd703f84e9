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
  'test/runner.test.ts',
  'test/history.test.ts',
  'test/season-status.test.ts',
  'test/translate.test.ts',
  'test/conformance.test.ts',
  'test/phase4-sql.test.ts',
];

// Replaces the include list (mergeConfig would append to it); none of these
// tests copies the seeded template, so the global setup (seconds) is skipped.
// Not isolated: Stryker switches mutants at run time, so the test worker and its
// loaded modules are reused from one mutant to the next.
export default defineConfig({ ...base, test: { ...base.test, include: MUTATION_TESTS, globalSetup: [], isolate: false } });

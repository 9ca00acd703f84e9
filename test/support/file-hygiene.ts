/**
 * Runs around every test file (vitest.config.ts: setupFiles). The files share
 * their worker processes (isolate: false), so what one file changes in the
 * process must not reach the next: a file that leaves the environment, the
 * working directory, the exit code or fake timers changed fails, naming each
 * change, and the change is undone so the next file starts clean. Mocks left
 * behind (spies of process.kill, setTimeout …) are restored too.
 */
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { restoreProcess, snapshotProcess, type ProcessState } from './process-state.ts';

let before: ProcessState;

beforeAll(() => { before = snapshotProcess(); });

afterAll(() => {
  vi.restoreAllMocks();
  expect(restoreProcess(before), 'what this test file changed in the shared worker process and left changed').toEqual([]);
});

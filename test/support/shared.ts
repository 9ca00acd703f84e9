/**
 * Sharing what script tests build, so the suite runs each expensive script once:
 * a run made by the first test that reads it, and copies of a warehouse a real
 * run has advanced (never a state faked with SQL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Sandbox } from './scripts.ts';

/**
 * `fn` run once, by whichever test asks first (inside that test, so its timeout
 * and failure belong to a test); later callers get the same result. A test run
 * alone (`-t`) still builds what it reads.
 */
export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => (made ??= fn());
}

/**
 * A new sandbox holding a copy of `from`'s warehouse (and its write-ahead log,
 * if a run left one) and journal as they are now: the state a user has after
 * the runs made on `from`. Only for a warehouse no process is writing.
 */
export function copyOf(from: Sandbox): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-case-'));
  const warehouse = path.join(dir, 'nba.duckdb');
  fs.copyFileSync(from.warehouse, warehouse);
  if (fs.existsSync(`${from.warehouse}.wal`)) fs.copyFileSync(`${from.warehouse}.wal`, `${warehouse}.wal`);
  const journal = path.join(dir, 'journal.jsonl');
  if (fs.existsSync(from.journal)) fs.copyFileSync(from.journal, journal);
  return { dir, warehouse, journal };
}

/**
 * Seeds one template warehouse per test run (a few seconds), which script
 * tests copy, so each test starts from the same seeded state without seeding
 * again (seed.test.ts checks this seeding itself: the file and its summary);
 * brings the scripts' bundle up to date; and gives the run one temporary
 * folder, removed when it ends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { DuckDBWarehouse } from '../../lib/warehouse/duckdb.ts';
import { ensureBaseSchema } from '../../lib/warehouse/open.ts';
import { seedWarehouse, type SeedSummary } from '../../lib/seed/load.ts';
import { ensureJobTables } from '../../lib/jobs/registry.ts';
// @ts-expect-error plain JavaScript, no declarations
import { bundleFor } from '../../lib/start/launch.mjs';

export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-tests-'));
  // Every test's sandbox (a copy of the 7 MB seeded warehouse, larger once a script writes
  // to it; hundreds a run) and every script's temporary files go under this folder, removed
  // at the end: os.tmpdir() reads TMPDIR, and the test workers and the scripts they start inherit it.
  process.env.TMPDIR = dir;
  const file = path.join(dir, 'template.duckdb');
  const w = new DuckDBWarehouse({ file, project: 'nba-props-platform' });
  let seeded: SeedSummary | undefined;
  await w.hold(async () => { await ensureBaseSchema(w); seeded = await seedWarehouse(w); await ensureJobTables(w); });
  await w.close();
  project.provide('seededTemplate', file);
  // What seedWarehouse reported making it: seed.test.ts checks it against the generator and the file's rows.
  project.provide('seedSummary', seeded!);
  // Scripts start from a bundle (lib/start/launch.mjs): built here once, not by the first tests at once.
  await bundleFor(path.resolve(import.meta.dirname, '../../runbook/01-validate-phase2.mts'));
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext { seededTemplate: string; seedSummary: SeedSummary }
}

/**
 * Every read of every Phase 3/4 job is bounded by constants on the table's date
 * column (its partition column on BigQuery): the requested dates, or the year of
 * history before them. BigQuery skips partitions only for a constant bound, and
 * DuckDB pushes only constant ranges into its scans; the check reads DuckDB's
 * plan (EXPLAIN (FORMAT JSON)) of each job's insert, scan by scan.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox } from './support/scripts.ts';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { PHASE2_TABLES, type TableDef } from '../lib/seed/schema.ts';
import { PHASE3_JOBS, PHASE4_JOBS } from '../lib/jobs/registry.ts';
import { PHASE3_PROCESSORS } from '../lib/jobs/phase3/index.ts';
import { PHASE4_TABLES } from '../lib/jobs/phase4/index.ts';
import { insertParams } from '../lib/jobs/dates.ts';
import { runBackfill } from '../lib/backfill/runner.ts';
import { insertAttempts, markSucceeded } from '../lib/backfill/history.ts';
import { RUN_HISTORY } from '../lib/seed/schema.ts';

const PROJECT = 'nba-props-platform';
// In 2023-24: the odds table starts in May 2023. Out of order on purpose.
const DATES = ['2024-01-11', '2024-01-10', '2024-01-12'];
// By hand: the requested dates run 2024-01-10 .. 2024-01-12; 366 days before the first is 2023-01-09.
const LOWER = ["'2024-01-10'::DATE", "'2023-01-09'::DATE"];
const UPPER = ["'2024-01-12'::DATE"];
// Rows outside every bound too, before the year of history and after the dates: else DuckDB drops a
// bound its statistics show always true, and there would be nothing to check.
const AROUND = ['2022-12-01', '2024-01-05', '2024-01-20'];

interface Scan { table: string; filters: string }

function scans(node: { extra_info?: { Table?: string; Filters?: string | string[] }; children?: unknown[] }, out: Scan[] = []): Scan[] {
  if (node.extra_info?.Table) out.push({ table: node.extra_info.Table.split('.').slice(-2).join('.'), filters: ([] as string[]).concat(node.extra_info.Filters ?? []).join(' AND ') });
  for (const c of node.children ?? []) scans(c as never, out);
  return out;
}

const TABLES = new Map<string, TableDef>([RUN_HISTORY, ...PHASE2_TABLES, ...PHASE3_PROCESSORS.map((p) => p.output), ...PHASE4_TABLES].map((t) => [t.name, t]));

describe('Phase 3/4 reads are bounded by constant dates', () => {
  let dir: string;
  let file: string;
  let w: DuckDBWarehouse;
  // Read-only checks of one warehouse: the real Phase 3 and 4 runs come first, so every table
  // holds rows on the dates (DuckDB plans a read that finds nothing as an empty result).
  beforeAll(async () => {
    ({ dir, warehouse: file } = sandbox());
    w = new DuckDBWarehouse({ file, project: PROJECT });
    for (const job of [...PHASE3_JOBS, ...PHASE4_JOBS]) {
      const run = await runBackfill(w, job, { dates: [...AROUND, ...DATES] });
      expect(run.done, job.job).toBe(AROUND.length + DATES.length);
    }
  }, 120_000);
  afterAll(async () => { await w.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  for (const job of [...PHASE3_JOBS, ...PHASE4_JOBS]) {
    it(`${job.job}: every table it reads, only between constant dates on its date column`, async () => {
      const r = await w.query(`EXPLAIN (FORMAT JSON) ${job.insertSql!(PROJECT)}`, insertParams(DATES));
      const plan = JSON.parse(String(Object.values(r.rows[0]).at(-1))) as never[];
      const read = plan.flatMap((n) => scans(n));
      // Each table the job declares and its SQL names is among the scans checked (a read
      // planned away would pass unseen). Some declared ones only order the jobs.
      const sql = job.insertSql!(PROJECT);
      for (const dep of job.dependencies.filter((d) => sql.includes(`.${d.table}\``))) {
        expect(read.map((s) => s.table), `${dep.table} is read`).toContain(dep.table);
      }
      for (const { table, filters } of read) {
        const col = TABLES.get(table)?.dateColumn;
        expect(col, `${table} is a known table`).toBeTruthy();
        const lower = LOWER.some((v) => filters.includes(`${col}>=${v}`));
        const upper = UPPER.some((v) => filters.includes(`${col}<=${v}`) || filters.includes(`${col}<${v}`));
        expect({ lower, upper }, `${table}: ${filters}`).toEqual({ lower: true, upper: true });
      }
    });
  }

  // The history rows every chunk writes: the attempt count, the rows this run already wrote, and the
  // records on each date read the run history and the output on the chunk's dates alone.
  const key = { runId: 'bounds-run', processorName: 'PlayerGameSummaryProcessor', phase: 'phase_3_analytics' as const };
  const history = {
    'a new attempt': () => insertAttempts(PROJECT, key, DATES, { status: 'running' }),
    'a failed attempt for dates without one': () => insertAttempts(PROJECT, key, DATES, { status: 'failed', onlyNew: true }),
    'marking success, with the records written': () => markSucceeded(PROJECT, key, DATES, { table: 'nba_analytics.player_game_summary', dateColumn: 'game_date' }),
  };
  for (const [what, statement] of Object.entries(history)) {
    it(`run history, ${what}: only the chunk's dates, between constants, of every table read`, async () => {
      const s = statement();
      const r = await w.query(`EXPLAIN (FORMAT JSON) ${s.sql}`, s.params);
      const read = (JSON.parse(String(Object.values(r.rows[0]).at(-1))) as never[]).flatMap((n) => scans(n));
      const tables = read.map((x) => x.table);
      // The update's own rows (this run's, none yet here) may be planned away; the count it reads may not.
      expect(tables).toContain(what.startsWith('marking') ? 'nba_analytics.player_game_summary' : 'nba_reference.processor_run_history');
      for (const { table, filters } of read) {
        const col = TABLES.get(table)!.dateColumn;
        const bounds = { lower: filters.includes(`${col}>='2024-01-10'::DATE`), upper: filters.includes(`${col}<='2024-01-12'::DATE`) };
        expect(bounds, `${table}: ${filters}`).toEqual({ lower: true, upper: true });
      }
    });
  }
});

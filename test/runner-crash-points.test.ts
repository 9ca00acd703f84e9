/**
 * The runner's crash points, in process: RUNBOOK_CRASH_AT=<point> must kill the
 * process exactly where it names (the reliability script tests kill real
 * processes there). Here the kill is caught instead of delivered, so the test
 * sees which points a run passes, and in which order.
 */
import { afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { ensureBaseSchema } from '../lib/warehouse/open.ts';
import { PHASE2_TABLES, createTableSql } from '../lib/seed/schema.ts';

const project = 'nba-props-platform';
let duck: DuckDBWarehouse;
let runBackfill: typeof import('../lib/backfill/runner.ts').runBackfill;

// A runner of its own, loaded afresh: a crash point counts the times it was reached in
// this process. Loaded here, not in the test, so that what the module runs while it
// loads stays outside any test (mutation testing counts it as static, as elsewhere).
beforeAll(async () => {
  vi.resetModules();
  ({ runBackfill } = await import('../lib/backfill/runner.ts'));
});

beforeEach(async () => {
  duck = new DuckDBWarehouse({ file: ':memory:', project });
  await ensureBaseSchema(duck);
  for (const t of PHASE2_TABLES) await duck.execute(createTableSql(t, project));
  await duck.execute(`INSERT INTO \`${project}.nba_raw.nbac_schedule\` (game_id, game_date, game_status) VALUES ('g1', DATE '2021-11-01', 3), ('g2', DATE '2021-11-02', 3)`);
  await duck.execute(`CREATE TABLE \`${project}.nba_analytics.g\` (game_id STRING, game_date DATE)`);
});
afterEach(async () => {
  delete process.env.RUNBOOK_CRASH_AT;
  vi.restoreAllMocks();
  await duck.close();
});

it('kills itself at the point RUNBOOK_CRASH_AT names, and only there: after the history rows, before each transaction, between chunks', async () => {
  const killed: string[] = [];
  const kill = process.kill.bind(process);
  vi.spyOn(process, 'kill').mockImplementation(((pid: number, signal?: string | number) => {
    if (signal === 'SIGKILL') { killed.push(String(process.env.RUNBOOK_CRASH_AT)); return true; }
    return kill(pid, signal);
  }) as typeof process.kill);
  // Two dates in two chunks: each point but 'history-write' is passed twice a run; counts add
  // up over the runs, so the second run's second transaction is 'before-transaction''s fourth.
  for (const point of ['history-write', 'before-transaction', 'between-chunks', 'before-transaction:4', 'before-transaction:9', 'nowhere']) {
    process.env.RUNBOOK_CRASH_AT = point;
    await runBackfill(duck, {
      job: 'analytics/g', processorName: 'GProcessor', phase: 'phase_3_analytics',
      output: { name: 'nba_analytics.g', dateColumn: 'game_date', keys: ['game_id'] }, dependencies: [],
      insertSql: (pr) => `INSERT INTO \`${pr}.nba_analytics.g\` SELECT game_id, game_date FROM \`${pr}.nba_raw.nbac_schedule\` WHERE game_date IN UNNEST(@dates)`,
    }, { dates: ['2021-11-01', '2021-11-02'], chunks: 2 });
  }
  expect(killed).toEqual(['history-write', 'before-transaction', 'between-chunks', 'before-transaction:4']);
});

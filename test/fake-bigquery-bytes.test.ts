/**
 * The local BigQuery server's bytes estimate (test/support/fake-bigquery.ts)
 * follows BigQuery's on-demand billing closely enough to show partition
 * pruning: per table read, 8 bytes a cell of the columns read, over the rows of
 * the partitions the read's constant bounds on the partition column admit. The
 * expected figures are worked out by hand from the rows put in.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox } from './support/scripts.ts';
import { BigQueryWarehouse } from '../lib/warehouse/bigquery.ts';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { p } from '../lib/warehouse/params.ts';
import { insertParams } from '../lib/jobs/dates.ts';
import { PHASE3_JOBS, PHASE4_JOBS } from '../lib/jobs/registry.ts';
import { runBackfill } from '../lib/backfill/runner.ts';
import { FakeBigQuery } from './support/fake-bigquery.ts';

const PROJECT = 'nba-props-platform';
const GAMES = `\`${PROJECT}.bytes_test.games\``;
const FLAT = `\`${PROJECT}.bytes_test.flat\``;
/** Rows per game_date in both tables: 26 in all. */
const ROWS_ON: Record<string, number> = { '2024-01-01': 3, '2024-01-02': 5, '2024-01-03': 7, '2024-01-04': 11 };
const ALL_ROWS = 26;
const COLUMNS = 4; // game_id, game_date, points, minutes

function warehouse(fake: FakeBigQuery): BigQueryWarehouse {
  return new BigQueryWarehouse({ project: PROJECT, endpoint: fake.endpoint, poll: { firstMs: 2, maxMs: 10 }, retry: { baseDelayMs: 1, maxDelayMs: 4 } });
}

describe('the local server bills the partitions and columns a query reads', () => {
  let fake: FakeBigQuery;
  let w: BigQueryWarehouse;
  const bytes = async (sql: string, params = {}) => (await w.dryRun(sql, params)).bytesProcessed;

  beforeAll(async () => {
    fake = await FakeBigQuery.start(PROJECT);
    w = warehouse(fake);
    await w.execute(`CREATE SCHEMA IF NOT EXISTS \`${PROJECT}.bytes_test\``);
    const columns = '(game_id STRING, game_date DATE, points INT64, minutes FLOAT64)';
    await w.execute(`CREATE TABLE ${GAMES} ${columns}\nPARTITION BY game_date\nCLUSTER BY game_id`);
    await w.execute(`CREATE TABLE ${FLAT} ${columns}`); // not partitioned
    let k = 0;
    const values = Object.entries(ROWS_ON).flatMap(([d, n]) => Array.from({ length: n }, () => `('g${k++}', DATE '${d}', ${k}, ${k / 2})`));
    for (const t of [GAMES, FLAT]) await w.execute(`INSERT INTO ${t} VALUES ${values.join(', ')}`);
    expect(Number((await fake.rows('SELECT COUNT(*) AS n FROM bytes_test.games'))[0].n)).toBe(ALL_ROWS);
  });
  afterAll(async () => { await fake?.close(); });

  it('a read bounded to 2 dates: the rows on those dates × the columns read × 8', async () => {
    const sql = `SELECT game_id, points FROM ${GAMES} WHERE game_date BETWEEN @first_date AND @last_date`;
    const params = { first_date: p.date('2024-01-02'), last_date: p.date('2024-01-03') };
    // game_id, points and the filtered game_date, on the 5 + 7 rows of Jan 2 and 3.
    expect(await bytes(sql, params)).toBe((5 + 7) * 3 * 8);
    // A job reports the same figure as its dry run.
    const r = await w.query(sql, params);
    expect(r.rows).toHaveLength(5 + 7);
    expect(r.stats?.bytesProcessed).toBe((5 + 7) * 3 * 8);
  });

  it('bounds written as literals, IN UNNEST(@dates) or onDates prune alike', async () => {
    expect(await bytes(`SELECT points FROM ${GAMES} WHERE game_date >= DATE '2024-01-04'`)).toBe(11 * 2 * 8);
    expect(await bytes(`SELECT points FROM ${GAMES} WHERE game_date > DATE '2024-01-03'`)).toBe(11 * 2 * 8);
    // Jan 1 and 4 only: the partitions between them are skipped too.
    expect(await bytes(`SELECT points FROM ${GAMES} WHERE game_date IN UNNEST(@dates)`, { dates: p.dates(['2024-01-01', '2024-01-04']) })).toBe((3 + 11) * 2 * 8);
    // Beside another IN UNNEST (a second semi join over the scan, as the failure-evidence query has).
    expect(await bytes(`SELECT points FROM ${GAMES} WHERE game_id IN UNNEST(@ids) AND game_date IN UNNEST(@dates)`,
      { ids: p.strings(['g0', 'g25']), dates: p.dates(['2024-01-01', '2024-01-04']) })).toBe((3 + 11) * 3 * 8);
    expect(await bytes(`SELECT points FROM ${GAMES} WHERE game_date IN UNNEST(@dates) AND game_date BETWEEN @first_date AND @last_date`,
      insertParams(['2024-01-04', '2024-01-02']))).toBe((5 + 11) * 2 * 8);
  });

  it('an unbounded read, or a bound on another column, counts the whole table', async () => {
    expect(await bytes(`SELECT game_id, points FROM ${GAMES}`)).toBe(ALL_ROWS * 2 * 8);
    expect(await bytes(`SELECT game_id FROM ${GAMES} WHERE points > 20`)).toBe(ALL_ROWS * 2 * 8);
    // An OR of two dates is no constant range the estimate reads: every partition.
    expect(await bytes(`SELECT game_id FROM ${GAMES} WHERE game_date = DATE '2024-01-01' OR points > 20`)).toBe(ALL_ROWS * 3 * 8);
    // A table without PARTITION BY has nothing to skip.
    expect(await bytes(`SELECT game_id, points FROM ${FLAT} WHERE game_date BETWEEN DATE '2024-01-02' AND DATE '2024-01-03'`)).toBe(ALL_ROWS * 3 * 8);
  });

  it('fewer columns cost less; COUNT(*) reads none', async () => {
    const bounded = (cols: string) => bytes(`SELECT ${cols} FROM ${GAMES} WHERE game_date = DATE '2024-01-03'`);
    expect(await bounded('game_id, points, minutes')).toBe(7 * 4 * 8);
    expect(await bounded('points')).toBe(7 * 2 * 8);
    expect(await bounded('game_date')).toBe(7 * 1 * 8);
    expect(await bytes(`SELECT COUNT(*) AS n FROM ${GAMES}`)).toBe(0);
  });

  it('DELETE bills every column of the partitions it touches; INSERT … SELECT only what it reads', async () => {
    const del = `DELETE FROM ${GAMES} WHERE game_date IN UNNEST(@dates) AND game_date BETWEEN @first_date AND @last_date`;
    expect(await bytes(del, insertParams(['2024-01-02', '2024-01-03']))).toBe((5 + 7) * COLUMNS * 8);
    expect(await bytes(`INSERT INTO ${FLAT} SELECT * FROM ${GAMES} WHERE game_date = DATE '2024-01-01'`)).toBe(3 * COLUMNS * 8);
    expect(await bytes(`INSERT INTO ${FLAT} (game_id) VALUES ('x')`)).toBe(0);
  });

  it('a column two reads share is billed once, over the partitions either reads; a script sums its statements', async () => {
    // a: game_id, game_date, points on Jan 1-3 (3 + 5 + 7 rows); b: game_id, game_date, minutes on Jan 3-4 (7 + 11 rows).
    // game_id and game_date over Jan 1-4 once (26 rows), points over a's 15, minutes over b's 18 (each read alone: 99 cells).
    const join = `SELECT a.points, b.minutes FROM ${GAMES} AS a JOIN ${GAMES} AS b ON a.game_id = b.game_id
      WHERE a.game_date BETWEEN DATE '2024-01-01' AND DATE '2024-01-03' AND b.game_date >= DATE '2024-01-03'`;
    expect(await bytes(join)).toBe((26 * 2 + 15 + 18) * 8);
    const script = `SELECT points FROM ${GAMES} WHERE game_date = DATE '2024-01-04';\nSELECT game_id FROM ${FLAT}`;
    expect(await bytes(script)).toBe(11 * 2 * 8 + ALL_ROWS * 8);
  });

  it('reads of an empty date range bill nothing', async () => {
    expect(await bytes(`SELECT points FROM ${GAMES} WHERE game_date BETWEEN DATE '2025-01-01' AND DATE '2025-01-31'`)).toBe(0);
  });
});

describe('a real Phase 4 insert for 3 dates, on the seeded warehouse', () => {
  const DATES = ['2023-01-10', '2023-01-11', '2023-01-12'];
  // By hand: every read lies between a year before the first date (366 days: 2022-01-09) and the last.
  const LOWEST = '2022-01-09';
  const job = PHASE4_JOBS.find((j) => j.job === 'precompute/player_shot_zone_analysis')!;
  let dir: string;
  let fake: FakeBigQuery;

  beforeAll(async () => {
    const sb = sandbox();
    dir = sb.dir;
    const file = sb.warehouse;
    // The Phase 3 table it reads, over every season (so most of it lies outside the year read).
    const d = new DuckDBWarehouse({ file, project: PROJECT });
    const pgs = PHASE3_JOBS.find((j) => j.job === 'analytics/player_game_summary')!;
    await runBackfill(d, pgs, { start: '2021-10-01', end: '2024-11-29' });
    await d.close();
    fake = await FakeBigQuery.start(PROJECT, { data: file });
  }, 120_000);
  afterAll(async () => { await fake?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('is estimated at the rows of the year it reads, far below every named table whole', async () => {
    expect(job, 'the job exists').toBeTruthy();
    const sql = job.insertSql!(PROJECT);
    const named = [...new Set([...sql.matchAll(/`[^`.]+\.(\w+)\.(\w+)`/g)].map((m) => `${m[1]}.${m[2]}`))];
    const dateColumn = (t: string) => (t.startsWith('nba_precompute.') ? 'analysis_date' : 'game_date');
    // Counted here, independently of the estimate: each table's rows, all and in the year read, and its columns.
    let whole = 0;
    let year = 0;
    for (const t of named) {
      const [{ total, in_year }] = await fake.rows(`SELECT COUNT(*) AS total,
        SUM(CASE WHEN ${dateColumn(t)} BETWEEN DATE '${LOWEST}' AND DATE '${DATES[2]}' THEN 1 ELSE 0 END) AS in_year FROM ${t}`);
      const columns = Object.keys((await fake.rows(`SELECT * FROM ${t} LIMIT 1`))[0] ?? {}).length;
      whole += Number(total) * columns * 8;
      year += Number(in_year ?? 0) * columns * 8;
    }
    expect(named).toContain('nba_analytics.player_game_summary');
    // At least: the player history it reads (game_date from a year before the first date up to the last), one column of it.
    const [{ history }] = await fake.rows(`SELECT COUNT(*) AS history FROM nba_analytics.player_game_summary
      WHERE game_date >= DATE '${LOWEST}' AND game_date < DATE '${DATES[2]}'`);
    const estimate = (await warehouse(fake).dryRun(sql, insertParams(DATES))).bytesProcessed;
    // 1 Dec: estimate 4.1 MB, the year's rows of every named table, every column 16.3 MB, every table whole 51.8 MB (the old estimate).
    expect(estimate).toBeGreaterThanOrEqual(Number(history) * 8);
    expect(estimate).toBeLessThanOrEqual(year);
    expect(estimate).toBeLessThan(whole / 3);
  });
});

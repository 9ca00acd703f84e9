/**
 * One suite, every backend: the embedded DuckDB warehouse, BigQuery through the
 * real client against the local fake, and (when BQ_LIVE_PROJECT is set) a real
 * BigQuery project. Each case asserts the exact normalised rows and column types
 * it expects, and the last test asserts every backend produced identical results.
 *
 * The expected rows are written by hand, from BigQuery's documented semantics
 * (DIV rounds toward zero, `/` is always FLOAT64, TIMESTAMP_DIFF counts whole
 * intervals, …), never taken from a run: the fake BigQuery server runs SQL
 * through the same translate() on DuckDB, so "the backends agree" alone would
 * compare the translator with itself. Every function and construct the
 * runbook's SQL uses (lib/jobs, lib/queries, lib/backfill) has a case here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryWarehouse } from '../lib/warehouse/bigquery.ts';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { p, type Params } from '../lib/warehouse/params.ts';
import { WarehouseError, type Column, type QueryResult, type Warehouse } from '../lib/warehouse/types.ts';
import { FakeBigQuery } from './support/fake-bigquery.ts';

const PROJECT = 'nba-props-platform';
const LIVE_PROJECT = process.env.BQ_LIVE_PROJECT;
const DATASET = 'runbook_conformance';

interface Backend {
  name: string;
  project: string;
  open(): Promise<Warehouse>;
  /** Backend-specific dataset DDL: BigQuery names `project.dataset`, DuckDB a bare schema. */
  createDataset(w: Warehouse): Promise<unknown>;
  finish?(w: Warehouse): Promise<unknown>;
}

let fake: FakeBigQuery | undefined;

const bigQueryDataset = (w: Warehouse) => w.execute(`CREATE SCHEMA IF NOT EXISTS \`${w.project}.${DATASET}\``);

const BACKENDS: Backend[] = [
  {
    name: 'duckdb',
    project: PROJECT,
    open: async () => new DuckDBWarehouse({ file: ':memory:', project: PROJECT }),
    createDataset: (w) => w.execute(`CREATE SCHEMA IF NOT EXISTS ${DATASET}`),
  },
  {
    name: 'bigquery (fake server)',
    project: PROJECT,
    open: async () => {
      fake = await FakeBigQuery.start(PROJECT);
      return new BigQueryWarehouse({ project: PROJECT, endpoint: fake.endpoint, poll: { firstMs: 2, maxMs: 10 }, retry: { baseDelayMs: 1 } });
    },
    createDataset: bigQueryDataset,
    finish: async () => fake?.close(),
  },
  ...(LIVE_PROJECT ? [{
    name: 'bigquery (live)',
    project: LIVE_PROJECT,
    open: async () => new BigQueryWarehouse({ project: LIVE_PROJECT, location: process.env.BQ_LIVE_LOCATION, labels: { purpose: 'conformance' } }),
    createDataset: bigQueryDataset,
    finish: (w: Warehouse) => w.execute(`DROP SCHEMA IF EXISTS \`${LIVE_PROJECT}.${DATASET}\` CASCADE`),
  }] : []),
];

/** Results by backend and case, compared across backends at the end. */
const results = new Map<string, Map<string, Pick<QueryResult, 'columns' | 'rows'>>>();

const cols = (spec: Record<string, Column['type']>): Column[] => Object.entries(spec).map(([name, type]) => ({ name, type }));

// ---- the type zoo ---------------------------------------------------------------------------

const TYPE_ZOO_SQL = `SELECT
  CAST(42 AS INT64) AS int_small,
  CAST('9007199254740993' AS INT64) AS int_past_2_53,
  CAST('-9223372036854775808' AS INT64) AS int_min,
  CAST(1.5 AS FLOAT64) AS float_half,
  CAST('inf' AS FLOAT64) AS float_inf,
  CAST('NaN' AS FLOAT64) AS float_nan,
  CAST('123.456' AS NUMERIC) AS numeric_value,
  TRUE AS bool_true,
  'héllo' AS string_value,
  DATE '2024-02-29' AS date_leap,
  DATE '1969-12-31' AS date_pre_epoch,
  TIMESTAMP '2024-01-15 10:30:00.123' AS ts_millis,
  TIMESTAMP '1969-07-20 20:17:40' AS ts_pre_epoch,
  ['a', 'b', 'c'] AS array_string,
  [1, 9007199254740993] AS array_int,
  CAST(NULL AS INT64) AS null_int,
  CAST(NULL AS FLOAT64) AS null_float,
  CAST(NULL AS STRING) AS null_string,
  CAST(NULL AS BOOL) AS null_bool,
  CAST(NULL AS DATE) AS null_date,
  CAST(NULL AS TIMESTAMP) AS null_timestamp`;

const TYPE_ZOO_COLUMNS = cols({
  int_small: 'INT64', int_past_2_53: 'INT64', int_min: 'INT64', float_half: 'FLOAT64', float_inf: 'FLOAT64', float_nan: 'FLOAT64',
  numeric_value: 'NUMERIC', bool_true: 'BOOL', string_value: 'STRING', date_leap: 'DATE', date_pre_epoch: 'DATE',
  ts_millis: 'TIMESTAMP', ts_pre_epoch: 'TIMESTAMP', array_string: 'ARRAY<STRING>', array_int: 'ARRAY<INT64>',
  null_int: 'INT64', null_float: 'FLOAT64', null_string: 'STRING', null_bool: 'BOOL', null_date: 'DATE', null_timestamp: 'TIMESTAMP',
});

const TYPE_ZOO_ROW = {
  int_small: 42, int_past_2_53: '9007199254740993', int_min: '-9223372036854775808', float_half: 1.5, float_inf: Infinity, float_nan: NaN,
  numeric_value: 123.456, bool_true: true, string_value: 'héllo', date_leap: '2024-02-29', date_pre_epoch: '1969-12-31',
  ts_millis: '2024-01-15T10:30:00.123Z', ts_pre_epoch: '1969-07-20T20:17:40.000Z', array_string: ['a', 'b', 'c'], array_int: [1, '9007199254740993'],
  null_int: null, null_float: null, null_string: null, null_bool: null, null_date: null, null_timestamp: null,
};

// ---- the escaping corpus: each value written as a BigQuery literal, and passed as a parameter ---

const CORPUS: { literal: string; value: string }[] = [
  { literal: String.raw`'it\'s'`, value: "it's" },
  { literal: `"it's"`, value: "it's" },
  { literal: String.raw`"say \"hi\""`, value: 'say "hi"' },
  { literal: String.raw`'C:\\temp\\new'`, value: 'C:\\temp\\new' },
  { literal: String.raw`'\';DROP TABLE x;--'`, value: "';DROP TABLE x;--" },
  { literal: String.raw`'line1\nline2\ttab'`, value: 'line1\nline2\ttab' },
  { literal: "'`backticks` inside'", value: '`backticks` inside' },
  { literal: "'@not_a_param'", value: '@not_a_param' },
  { literal: "'-- not a comment /* nor this */'", value: '-- not a comment /* nor this */' },
  { literal: "'$1 ? %s :name'", value: '$1 ? %s :name' },
  { literal: "'héllo wörld ✓ 日本語 🏀'", value: 'héllo wörld ✓ 日本語 🏀' },
  { literal: String.raw`'\u00e9\U0001F3C0'`, value: 'é🏀' },
  { literal: "''", value: '' },
  { literal: "'''triple 'quoted' text'''", value: "triple 'quoted' text" },
  { literal: String.raw`r'raw \n stays'`, value: String.raw`raw \n stays` },
];

// ---- functions the runbook's SQL uses ---------------------------------------------------------

const GAMES_CTE = `WITH games AS (
  SELECT DATE '2024-01-01' AS d, 'LAL' AS team, 110 AS pts UNION ALL
  SELECT DATE '2024-01-01', 'BOS', 95 UNION ALL
  SELECT DATE '2024-01-02', 'LAL', 120 UNION ALL
  SELECT DATE '2024-01-03', 'NYK', 101
)`;

const FUNCTIONS_SQL = `${GAMES_CTE}
SELECT
  d,
  COUNT(*) AS games,
  COUNTIF(pts > 100) AS over_100,
  SUM(COUNT(*)) OVER () AS total_games,
  SAFE_DIVIDE(SUM(pts), COUNT(*)) AS avg_pts,
  SAFE_DIVIDE(SUM(pts), 0) AS div_by_zero,
  ROUND(SAFE_DIVIDE(COUNTIF(pts > 100), COUNT(*)) * 100, 1) AS pct_over_100,
  EXTRACT(YEAR FROM d) AS yr,
  DATE_SUB(d, INTERVAL 7 DAY) AS week_before,
  CAST(d AS STRING) AS d_text,
  SUBSTR(CAST(d AS STRING), 1, 7) AS month_text,
  CAST(COUNT(*) AS FLOAT64) AS games_float,
  CAST('12' AS INT64) + 1 AS thirteen
FROM games
WHERE d IN UNNEST(@dates)
GROUP BY d
ORDER BY d`;

const TIME_SQL = `SELECT
  TIMESTAMP_SUB(TIMESTAMP '2024-01-15 10:30:00', INTERVAL 2 HOUR) AS two_hours_before,
  TIMESTAMP_SUB(TIMESTAMP '2024-03-10 00:00:00', INTERVAL 1 DAY) AS day_before,
  DATE_SUB(DATE '2024-03-01', INTERVAL 1 DAY) AS leap_day,
  CURRENT_TIMESTAMP() > TIMESTAMP '2020-01-01 00:00:00' AS now_after_2020,
  TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 1 HOUR) < CURRENT_TIMESTAMP() AS sub_is_earlier`;

// ---- more of the runbook's SQL, each value worked out by hand ----------------------------------

/** Week numbers as lib/queries/phase4.ts computes them (@start_date = 2021-10-19). */
const DIVISION_SQL = `SELECT
  DIV(17, 7) AS div_17_7,
  DIV(-7, 2) AS div_toward_zero,
  DIV(14, 7) AS div_exact,
  7 / 2 AS slash_is_float,
  DATE_DIFF(DATE '2021-11-08', @start_date, DAY) AS days_in,
  DIV(DATE_DIFF(DATE '2021-11-08', @start_date, DAY), 7) + 1 AS week_of_nov_8,
  DIV(DATE_DIFF(DATE '2021-10-25', @start_date, DAY), 7) + 1 AS week_of_oct_25,
  DIV(DATE_DIFF(DATE '2021-10-26', @start_date, DAY), 7) + 1 AS week_of_oct_26,
  DATE_DIFF(DATE '2024-03-01', DATE '2024-02-28', DAY) AS across_leap_day,
  DATE_DIFF(DATE '2021-10-19', DATE '2021-11-08', DAY) AS negative_days,
  DATE_DIFF(DATE '2022-01-01', DATE '2021-12-31', DAY) - 1 AS back_to_back_rest`;

const DATES_SQL = `SELECT
  DATE_SUB(DATE '2024-03-01', INTERVAL 366 DAY) AS a_leap_year_before,
  DATE_SUB(DATE '2022-01-01', INTERVAL 1 DAY) AS new_years_eve,
  DATE_ADD(DATE '2024-02-28', INTERVAL 1 DAY) AS leap_day,
  DATE_ADD(DATE '2023-12-31', INTERVAL 1 DAY) AS new_year,
  TIMESTAMP_ADD(TIMESTAMP '2024-01-01 23:30:00', INTERVAL 90 MINUTE) AS ninety_minutes_later,
  TIMESTAMP_DIFF(TIMESTAMP '2024-01-01 10:00:00', TIMESTAMP '2024-01-01 08:30:00', HOUR) AS whole_hours,
  TIMESTAMP_DIFF(TIMESTAMP '2024-01-01 10:00:00', TIMESTAMP '2024-01-01 08:30:00', MINUTE) AS minutes,
  DATE(TIMESTAMP '2024-01-01 23:00:00') AS date_of_timestamp,
  FORMAT_DATE('%Y-%m', DATE '2024-01-05') AS year_month,
  EXTRACT(YEAR FROM DATE '2022-04-10') AS season_end_year,
  EXTRACT(MONTH FROM DATE '2022-04-10') AS season_end_month,
  CAST(DATE '2021-10-19' AS STRING) AS date_text,
  DATE '2021-10-19' < DATE '2021-10-20' AS dates_compare`;

/** Two teams' games: the windows of lib/jobs (game numbers, next/previous game, frames, a named WINDOW). */
const WINDOWS_SQL = `WITH g AS (
  SELECT 'LAL' AS team, DATE '2024-01-01' AS d, 110 AS pts UNION ALL
  SELECT 'LAL', DATE '2024-01-03', 120 UNION ALL
  SELECT 'LAL', DATE '2024-01-04', 100 UNION ALL
  SELECT 'LAL', DATE '2024-01-12', 90 UNION ALL
  SELECT 'BOS', DATE '2024-01-02', 95 UNION ALL
  SELECT 'BOS', DATE '2024-01-05', 105
)
SELECT team, d,
  ROW_NUMBER() OVER (PARTITION BY team ORDER BY d) AS game_index,
  ROW_NUMBER() OVER (PARTITION BY team ORDER BY pts DESC, d) AS best_first,
  LEAD(d) OVER (PARTITION BY team ORDER BY d) AS next_d,
  LAG(d) OVER (PARTITION BY team ORDER BY d) AS prev_d,
  DATE_DIFF(d, LAG(d) OVER (PARTITION BY team ORDER BY d), DAY) - 1 AS days_rest,
  SUM(pts) OVER (PARTITION BY team ORDER BY d ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS last_two_sum,
  AVG(pts) OVER (PARTITION BY team ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_avg,
  COUNT(*) OVER (PARTITION BY team ORDER BY DATE_DIFF(d, DATE '1970-01-01', DAY)
    RANGE BETWEEN 7 PRECEDING AND 1 PRECEDING) AS games_last_7_days,
  SUM(pts) OVER season_so_far AS season_pts
FROM g
WINDOW season_so_far AS (PARTITION BY team ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
ORDER BY team, d`;

/** lib/jobs/phase3/player_games.ts's minutes parse, and the arithmetic of the Phase 4 scores. */
const SCALARS_SQL = `WITH m AS (
  SELECT 1 AS k, '34:30' AS minutes UNION ALL
  SELECT 2, ' 12 ' UNION ALL
  SELECT 3, '' UNION ALL
  SELECT 4, CAST(NULL AS STRING)
)
SELECT k,
  CASE WHEN STRPOS(minutes, ':') > 0
    THEN CAST(NULLIF(TRIM(SUBSTR(minutes, 1, STRPOS(minutes, ':') - 1)), '') AS FLOAT64)
      + CAST(NULLIF(TRIM(SUBSTR(minutes, STRPOS(minutes, ':') + 1)), '') AS FLOAT64) / 60
    ELSE CAST(NULLIF(TRIM(minutes), '') AS FLOAT64) END AS decimal_minutes,
  STRPOS(minutes, ':') AS colon_at,
  COALESCE(minutes, 'none') AS coalesced,
  LEAST(1.0, 36 * k / 72) AS capped,
  SQRT(k * k * 4) AS root,
  ROUND(100.0 * k / 3, 1) AS pct_one_decimal,
  CONCAT('game ', CAST(k AS STRING)) AS label
FROM m
ORDER BY k`;

const AGGREGATES_SQL = `WITH r AS (
  SELECT DATE '2024-01-01' AS d, 'success' AS status, 3 AS n UNION ALL
  SELECT DATE '2024-01-01', 'failed', NULL UNION ALL
  SELECT DATE '2024-01-02', 'failed', 5 UNION ALL
  SELECT DATE '2024-01-02', 'running', 0 UNION ALL
  SELECT DATE '2024-01-03', 'skipped', 2
)
SELECT
  COUNT(*) AS all_rows,
  COUNT(n) AS non_null,
  COUNTIF(status = 'failed') AS failed,
  COUNTIF(n > 100) AS none_over_100,
  COUNT(DISTINCT d) AS dates,
  COUNT(DISTINCT CASE WHEN status != 'running' THEN d END) AS finished_dates,
  SUM(n) AS total,
  MIN(d) AS first_date,
  MAX(d) AS last_date,
  SAFE_DIVIDE(SUM(n), COUNT(n)) AS mean,
  SAFE_DIVIDE(0, 5) AS zero_over_five,
  SAFE_DIVIDE(1, NULL) AS over_null,
  SAFE_DIVIDE(COUNTIF(n > 100), COUNTIF(n > 100)) AS zero_over_zero,
  LOGICAL_OR(status = 'running') AS any_running,
  LOGICAL_AND(n IS NOT NULL) AS all_known,
  ARRAY_LENGTH(['a', 'b', 'c']) AS three,
  TO_JSON_STRING(['a', 'b']) AS json_list
FROM r`;

/**
 * The latest value per group, as BigQuery SQL writes it: ARRAY_AGG(x ORDER BY y
 * DESC LIMIT 1)[OFFSET(0)]. One NULL points value (LAL's 2024-01-04) shows where
 * BigQuery sorts NULLs (first ascending, last descending), and a third element
 * that only LAL has shows OFFSET's 0-based index and SAFE_OFFSET's NULL.
 */
const ARRAY_AGG_SQL = `WITH s AS (
  SELECT 'LAL' AS team, DATE '2024-01-01' AS d, 110 AS pts UNION ALL
  SELECT 'LAL', DATE '2024-01-03', 120 UNION ALL
  SELECT 'LAL', DATE '2024-01-04', NULL UNION ALL
  SELECT 'BOS', DATE '2024-01-02', 95 UNION ALL
  SELECT 'BOS', DATE '2024-01-05', 105
)
SELECT team,
  ARRAY_AGG(d ORDER BY d DESC LIMIT 1)[OFFSET(0)] AS last_game,
  ARRAY_AGG(pts ORDER BY d DESC LIMIT 1)[OFFSET(0)] AS last_pts,
  ARRAY_AGG(d ORDER BY pts LIMIT 1)[OFFSET(0)] AS lowest_pts_game,
  ARRAY_AGG(d ORDER BY pts DESC)[OFFSET(0)] AS best_game,
  ARRAY_AGG(pts ORDER BY d)[OFFSET(1)] AS second_pts,
  ARRAY_AGG(d ORDER BY d)[SAFE_OFFSET(2)] AS third_game,
  ARRAY_AGG(d ORDER BY d LIMIT 2)[SAFE_OFFSET(2)] AS third_of_two,
  ARRAY_AGG(d ORDER BY d)[ORDINAL(1)] AS first_game,
  (SELECT ARRAY_AGG(d ORDER BY d LIMIT 1)[OFFSET(0)] FROM s WHERE pts > 1000) AS of_no_rows
FROM s
GROUP BY team
ORDER BY team`;

describe.each(BACKENDS)('conformance: $name', (backend) => {
  let w: Warehouse;
  let release: () => void = () => undefined;
  let holding: Promise<unknown> = Promise.resolve();
  const seen = new Map<string, Pick<QueryResult, 'columns' | 'rows'>>();
  results.set(backend.name, seen);

  /** Runs the query, keeps its result for the cross-backend comparison, returns it. */
  async function run(caseName: string, sql: string, params?: Params): Promise<QueryResult> {
    const r = await w.query(sql, params, { label: `conformance/${caseName}` });
    seen.set(caseName, { columns: r.columns, rows: r.rows });
    return r;
  }

  beforeAll(async () => {
    w = await backend.open();
    // Keep the embedded database open for the whole suite (an in-memory one would vanish between calls).
    const held = new Promise<void>((resolve) => { release = resolve; });
    holding = w.hold(() => held);
    await backend.createDataset(w);
  });

  afterAll(async () => {
    try {
      if (w) await backend.finish?.(w);
    } finally {
      release();
      await holding;
      await w?.close();
    }
  });

  it('type zoo: every type normalised by schema', async () => {
    const r = await run('type-zoo', TYPE_ZOO_SQL);
    expect(r.columns).toEqual(TYPE_ZOO_COLUMNS);
    expect(r.rows).toEqual([TYPE_ZOO_ROW]);
  });

  it('typed parameters: DATE, INT64, FLOAT64, STRING, BOOL, TIMESTAMP, arrays and NULLs', async () => {
    const r = await run('parameters', `SELECT @d AS d, @i AS i, @f AS f, @s AS s, @b AS b, @ts AS ts,
        @ds AS ds, @ss AS ss, @ints AS ints, CAST(@nd AS DATE) AS nd, CAST(@ni AS INT64) AS ni,
        CAST(@start AS DATE) AS start, DATE_SUB(@d, INTERVAL 1 DAY) AS day_before`, {
      d: p.date('2024-03-01'), i: 42, f: p.float(2), s: 'text', b: false, ts: p.timestamp('2024-01-15T10:30:00.123Z'),
      ds: p.dates(['2021-10-19', '2022-04-10']), ss: p.strings(['x', "y'z"]), ints: p.ints([3, 1, 2]),
      nd: p.null('DATE'), ni: p.null('INT64'), start: p.date('2021-10-19'),
    });
    expect(r.columns).toEqual(cols({
      d: 'DATE', i: 'INT64', f: 'FLOAT64', s: 'STRING', b: 'BOOL', ts: 'TIMESTAMP', ds: 'ARRAY<DATE>', ss: 'ARRAY<STRING>',
      ints: 'ARRAY<INT64>', nd: 'DATE', ni: 'INT64', start: 'DATE', day_before: 'DATE',
    }));
    expect(r.rows).toEqual([{
      d: '2024-03-01', i: 42, f: 2, s: 'text', b: false, ts: '2024-01-15T10:30:00.123Z', ds: ['2021-10-19', '2022-04-10'],
      ss: ['x', "y'z"], ints: [3, 1, 2], nd: null, ni: null, start: '2021-10-19', day_before: '2024-02-29',
    }]);
  });

  it('escaping corpus: the same text as a literal and as a parameter', async () => {
    const select = CORPUS.map((c, k) => `@s${k} AS param_${k}, ${c.literal} AS literal_${k}`).join(',\n  ');
    const params = Object.fromEntries(CORPUS.map((c, k) => [`s${k}`, c.value]));
    const r = await run('escaping', `SELECT\n  ${select}`, params);
    const expected = Object.fromEntries(CORPUS.flatMap((c, k) => [[`param_${k}`, c.value], [`literal_${k}`, c.value]]));
    expect(r.rows).toEqual([expected]);
    expect(r.columns.every((c) => c.type === 'STRING')).toBe(true);
  });

  it('functions the runbook uses', async () => {
    const r = await run('functions', FUNCTIONS_SQL, { dates: p.dates(['2024-01-01', '2024-01-02']) });
    expect(r.columns).toEqual(cols({
      d: 'DATE', games: 'INT64', over_100: 'INT64', total_games: 'INT64', avg_pts: 'FLOAT64', div_by_zero: 'FLOAT64',
      pct_over_100: 'FLOAT64', yr: 'INT64', week_before: 'DATE', d_text: 'STRING', month_text: 'STRING', games_float: 'FLOAT64', thirteen: 'INT64',
    }));
    expect(r.rows).toEqual([
      { d: '2024-01-01', games: 2, over_100: 1, total_games: 3, avg_pts: 102.5, div_by_zero: null, pct_over_100: 50, yr: 2024,
        week_before: '2023-12-25', d_text: '2024-01-01', month_text: '2024-01', games_float: 2, thirteen: 13 },
      { d: '2024-01-02', games: 1, over_100: 1, total_games: 3, avg_pts: 120, div_by_zero: null, pct_over_100: 100, yr: 2024,
        week_before: '2023-12-26', d_text: '2024-01-02', month_text: '2024-01', games_float: 1, thirteen: 13 },
    ]);
  });

  it('timestamp and date arithmetic, CURRENT_TIMESTAMP()', async () => {
    const r = await run('time', TIME_SQL);
    expect(r.columns).toEqual(cols({ two_hours_before: 'TIMESTAMP', day_before: 'TIMESTAMP', leap_day: 'DATE', now_after_2020: 'BOOL', sub_is_earlier: 'BOOL' }));
    expect(r.rows).toEqual([{
      two_hours_before: '2024-01-15T08:30:00.000Z', day_before: '2024-03-09T00:00:00.000Z', leap_day: '2024-02-29', now_after_2020: true, sub_is_earlier: true,
    }]);
    // The clock itself differs run to run, so it is checked here and not compared across backends.
    const now = await w.query('SELECT CURRENT_TIMESTAMP() AS now');
    expect(now.columns).toEqual(cols({ now: 'TIMESTAMP' }));
    expect(now.rows[0].now).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Math.abs(Date.parse(String(now.rows[0].now)) - Date.now())).toBeLessThan(5 * 60_000);
  });

  it('DIV is integer division toward zero; / is always FLOAT64; DATE_DIFF counts days (the week numbers of 3.3)', async () => {
    const r = await run('division', DIVISION_SQL, { start_date: p.date('2021-10-19') });
    expect(r.columns).toEqual(cols({
      div_17_7: 'INT64', div_toward_zero: 'INT64', div_exact: 'INT64', slash_is_float: 'FLOAT64', days_in: 'INT64', week_of_nov_8: 'INT64',
      week_of_oct_25: 'INT64', week_of_oct_26: 'INT64', across_leap_day: 'INT64', negative_days: 'INT64', back_to_back_rest: 'INT64',
    }));
    expect(r.rows).toEqual([{
      div_17_7: 2, div_toward_zero: -3, div_exact: 2, slash_is_float: 3.5, days_in: 20, week_of_nov_8: 3,
      week_of_oct_25: 1, week_of_oct_26: 2, across_leap_day: 2, negative_days: -20, back_to_back_rest: 0,
    }]);
  });

  it('date and timestamp arithmetic: leap years, year ends, whole intervals', async () => {
    const r = await run('dates', DATES_SQL);
    expect(r.columns).toEqual(cols({
      a_leap_year_before: 'DATE', new_years_eve: 'DATE', leap_day: 'DATE', new_year: 'DATE', ninety_minutes_later: 'TIMESTAMP',
      whole_hours: 'INT64', minutes: 'INT64', date_of_timestamp: 'DATE', year_month: 'STRING', season_end_year: 'INT64',
      season_end_month: 'INT64', date_text: 'STRING', dates_compare: 'BOOL',
    }));
    expect(r.rows).toEqual([{
      a_leap_year_before: '2023-03-01', new_years_eve: '2021-12-31', leap_day: '2024-02-29', new_year: '2024-01-01',
      ninety_minutes_later: '2024-01-02T01:00:00.000Z', whole_hours: 1, minutes: 90, date_of_timestamp: '2024-01-01',
      year_month: '2024-01', season_end_year: 2022, season_end_month: 4, date_text: '2021-10-19', dates_compare: true,
    }]);
  });

  it('window functions and frames: ROW_NUMBER, LEAD/LAG, ROWS and RANGE frames, a named WINDOW', async () => {
    const r = await run('windows', WINDOWS_SQL);
    expect(r.columns).toEqual(cols({
      team: 'STRING', d: 'DATE', game_index: 'INT64', best_first: 'INT64', next_d: 'DATE', prev_d: 'DATE', days_rest: 'INT64',
      last_two_sum: 'INT64', running_avg: 'FLOAT64', games_last_7_days: 'INT64', season_pts: 'INT64',
    }));
    const row = (team: string, d: string, game_index: number, best_first: number, next_d: string | null, prev_d: string | null,
      days_rest: number | null, last_two_sum: number, running_avg: number, games_last_7_days: number, season_pts: number) =>
      ({ team, d, game_index, best_first, next_d, prev_d, days_rest, last_two_sum, running_avg, games_last_7_days, season_pts });
    expect(r.rows).toEqual([
      row('BOS', '2024-01-02', 1, 2, '2024-01-05', null, null, 95, 95, 0, 95),
      row('BOS', '2024-01-05', 2, 1, null, '2024-01-02', 2, 200, 100, 1, 200),
      row('LAL', '2024-01-01', 1, 2, '2024-01-03', null, null, 110, 110, 0, 110),
      row('LAL', '2024-01-03', 2, 1, '2024-01-04', '2024-01-01', 1, 230, 115, 1, 230),
      row('LAL', '2024-01-04', 3, 3, '2024-01-12', '2024-01-03', 0, 220, 110, 2, 330),
      // 01-04 is 8 days before 01-12: outside "7 PRECEDING".
      row('LAL', '2024-01-12', 4, 4, null, '2024-01-04', 7, 190, 105, 0, 420),
    ]);
  });

  it('UNNEST: of a parameter as a table and in IN, MIN/MAX over it, of an array literal to join on, of an empty array', async () => {
    const dates = p.dates(['2024-01-03', '2024-01-01', '2024-03-01']);
    const asTable = await run('unnest-table', 'SELECT d, DATE_SUB(d, INTERVAL 1 DAY) AS day_before FROM UNNEST(@dates) AS d ORDER BY d', { dates });
    expect(asTable.columns).toEqual(cols({ d: 'DATE', day_before: 'DATE' }));
    expect(asTable.rows).toEqual([
      { d: '2024-01-01', day_before: '2023-12-31' }, { d: '2024-01-03', day_before: '2024-01-02' }, { d: '2024-03-01', day_before: '2024-02-29' },
    ]);

    const bounds = await run('unnest-bounds', `SELECT
  (SELECT MAX(d) FROM UNNEST(@dates) AS d) AS last_date,
  (SELECT DATE_SUB(MIN(d), INTERVAL 366 DAY) FROM UNNEST(@dates) AS d) AS reach_back,
  (SELECT COUNT(*) FROM UNNEST(@dates) AS d) AS how_many`, { dates });
    expect(bounds.rows).toEqual([{ last_date: '2024-03-01', reach_back: '2022-12-31', how_many: 3 }]);

    const inList = await run('unnest-in', `${GAMES_CTE}
SELECT team, d FROM games WHERE team IN UNNEST(@teams) AND d IN UNNEST(@dates) ORDER BY d, team`, { teams: p.strings(['BOS', 'NYK', "O'NEIL"]), dates });
    expect(inList.rows).toEqual([{ team: 'BOS', d: '2024-01-01' }, { team: 'NYK', d: '2024-01-03' }]);

    // lib/jobs' unnestBack and unnestDaysBefore: an array of expressions per row, joined on.
    const back = await run('unnest-array-join', `WITH g AS (SELECT 10 AS idx, DATE '2024-03-01' AS d UNION ALL SELECT 20, DATE '2024-01-01')
SELECT idx, wanted, day
FROM g
CROSS JOIN UNNEST([idx - 0, idx - 2]) AS wanted
CROSS JOIN UNNEST([DATE_SUB(d, INTERVAL 1 DAY)]) AS day
ORDER BY idx, wanted`);
    expect(back.rows).toEqual([
      { idx: 10, wanted: 8, day: '2024-02-29' }, { idx: 10, wanted: 10, day: '2024-02-29' },
      { idx: 20, wanted: 18, day: '2023-12-31' }, { idx: 20, wanted: 20, day: '2023-12-31' },
    ]);

    const none = await run('unnest-empty', `${GAMES_CTE}
SELECT COUNT(*) AS n, (SELECT COUNT(*) FROM UNNEST(@none) AS d) AS listed FROM games WHERE d IN UNNEST(@none)`, { none: p.dates([]) });
    expect(none.rows).toEqual([{ n: 0, listed: 0 }]);
  });

  it('text and number functions: the minutes parse, LEAST, SQRT, ROUND, CONCAT, COALESCE', async () => {
    const r = await run('scalars', SCALARS_SQL);
    expect(r.columns).toEqual(cols({
      k: 'INT64', decimal_minutes: 'FLOAT64', colon_at: 'INT64', coalesced: 'STRING', capped: 'FLOAT64', root: 'FLOAT64',
      pct_one_decimal: 'FLOAT64', label: 'STRING',
    }));
    expect(r.rows).toEqual([
      { k: 1, decimal_minutes: 34.5, colon_at: 3, coalesced: '34:30', capped: 0.5, root: 2, pct_one_decimal: 33.3, label: 'game 1' },
      { k: 2, decimal_minutes: 12, colon_at: 0, coalesced: ' 12 ', capped: 1, root: 4, pct_one_decimal: 66.7, label: 'game 2' },
      { k: 3, decimal_minutes: null, colon_at: 0, coalesced: '', capped: 1, root: 6, pct_one_decimal: 100, label: 'game 3' },
      { k: 4, decimal_minutes: null, colon_at: null, coalesced: 'none', capped: 1, root: 8, pct_one_decimal: 133.3, label: 'game 4' },
    ]);
  });

  it('aggregates: COUNTIF, COUNT(DISTINCT CASE …), SAFE_DIVIDE with zeros and NULLs, LOGICAL_OR/AND, arrays', async () => {
    const r = await run('aggregates', AGGREGATES_SQL);
    expect(r.columns).toEqual(cols({
      all_rows: 'INT64', non_null: 'INT64', failed: 'INT64', none_over_100: 'INT64', dates: 'INT64', finished_dates: 'INT64', total: 'INT64',
      first_date: 'DATE', last_date: 'DATE', mean: 'FLOAT64', zero_over_five: 'FLOAT64', over_null: 'FLOAT64', zero_over_zero: 'FLOAT64',
      any_running: 'BOOL', all_known: 'BOOL', three: 'INT64', json_list: 'STRING',
    }));
    expect(r.rows).toEqual([{
      all_rows: 5, non_null: 4, failed: 2, none_over_100: 0, dates: 3, finished_dates: 3, total: 10, first_date: '2024-01-01', last_date: '2024-01-03',
      mean: 2.5, zero_over_five: 0, over_null: null, zero_over_zero: null, any_running: true, all_known: false, three: 3, json_list: '["a","b"]',
    }]);
  });

  it('ARRAY_AGG(… ORDER BY … LIMIT n)[OFFSET(k)]: the latest value per group; NULLs sorted as BigQuery does; SAFE_OFFSET; out of range fails', async () => {
    const r = await run('array-agg-offset', ARRAY_AGG_SQL);
    expect(r.columns).toEqual(cols({
      team: 'STRING', last_game: 'DATE', last_pts: 'INT64', lowest_pts_game: 'DATE', best_game: 'DATE', second_pts: 'INT64',
      third_game: 'DATE', third_of_two: 'DATE', first_game: 'DATE', of_no_rows: 'DATE',
    }));
    expect(r.rows).toEqual([
      // BOS: 95 on 01-02, 105 on 01-05; two games, so no third.
      { team: 'BOS', last_game: '2024-01-05', last_pts: 105, lowest_pts_game: '2024-01-02', best_game: '2024-01-05', second_pts: 105, third_game: null, third_of_two: null, first_game: '2024-01-02', of_no_rows: null },
      // LAL: 110 on 01-01, 120 on 01-03, NULL on 01-04. The latest game's points are NULL;
      // ascending, the NULL comes first (01-04); descending, last (best is 120 on 01-03).
      { team: 'LAL', last_game: '2024-01-04', last_pts: null, lowest_pts_game: '2024-01-04', best_game: '2024-01-03', second_pts: 120, third_game: '2024-01-04', third_of_two: null, first_game: '2024-01-01', of_no_rows: null },
    ]);
    // OFFSET past the end is an error in BigQuery (SAFE_OFFSET is the NULL-returning form).
    const err = await w.query(`SELECT team, ARRAY_AGG(d ORDER BY d)[OFFSET(2)] AS third FROM (SELECT 'BOS' AS team, DATE '2024-01-02' AS d) GROUP BY team`)
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WarehouseError);
    expect(String((err as Error).message)).toMatch(/Array index 2 is out of bounds/);
  });

  it('ERROR() in a data check fails the statement with its message, and is silent when no row matches', async () => {
    const check = (cond: string) => `${GAMES_CTE}
SELECT ERROR(CONCAT('data check failed: ', team, ' on ', CAST(d AS STRING))) FROM games WHERE ${cond} LIMIT 1`;
    const err = await w.query(check("team = 'NYK'")).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WarehouseError);
    expect(String((err as Error).message)).toContain('data check failed: NYK on 2024-01-03');
    const quiet = await w.query(check('pts > 1000'));
    expect(quiet.rows).toEqual([]);
  });

  it('atomic: commits together, and rolls back entirely when a statement fails', async () => {
    const target = `\`${backend.project}.${DATASET}.atomic_target\``;
    const source = `\`${backend.project}.${DATASET}.atomic_source\``;
    await w.execute(`CREATE OR REPLACE TABLE ${target} (d DATE, label STRING, n INT64)`);
    await w.execute(`CREATE OR REPLACE TABLE ${source} (d DATE, label STRING, n INT64)`);
    await w.execute(`INSERT INTO ${target} (d, label, n) VALUES (DATE '2024-01-01', 'old', 1), (DATE '2024-01-02', 'old', 2), (DATE '2024-01-03', 'old', 3)`);
    await w.execute(`INSERT INTO ${source} (d, label, n) VALUES (DATE '2024-01-01', @a, 10), (DATE '2024-01-02', @b, 20)`,
      { a: CORPUS[4].value, b: CORPUS[10].value });
    const contents = () => run(`atomic-contents-${seen.size}`, `SELECT d, label, n FROM ${target} ORDER BY d`);
    const dates = p.dates(['2024-01-01', '2024-01-02']);
    const replace = [
      { sql: `DELETE FROM ${target} WHERE d IN UNNEST(@dates)`, params: { dates } },
      { sql: `INSERT INTO ${target} (d, label, n) SELECT d, label, n FROM ${source} WHERE d IN UNNEST(@dates)`, params: { dates } },
    ];

    const failing = [...replace, { sql: `INSERT INTO ${target} (d, label, n) SELECT d, label, n FROM \`${backend.project}.${DATASET}.no_such_table\`` }];
    const err = await w.atomic(failing).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WarehouseError);
    expect((err as WarehouseError).code).toBe('NOT_FOUND');
    expect((await contents()).rows).toEqual([
      { d: '2024-01-01', label: 'old', n: 1 }, { d: '2024-01-02', label: 'old', n: 2 }, { d: '2024-01-03', label: 'old', n: 3 },
    ]);

    await w.atomic(replace);
    expect((await contents()).rows).toEqual([
      { d: '2024-01-01', label: CORPUS[4].value, n: 10 }, { d: '2024-01-02', label: CORPUS[10].value, n: 20 }, { d: '2024-01-03', label: 'old', n: 3 },
    ]);
  });
});

describe('conformance: across backends', () => {
  it('every backend returned identical rows and columns for every case', () => {
    const [first, ...others] = [...results.entries()];
    expect(first[1].size).toBeGreaterThan(0);
    for (const [name, byCase] of others) {
      expect([...byCase.keys()], name).toEqual([...first[1].keys()]);
      for (const [caseName, result] of byCase) expect(result, `${name} / ${caseName}`).toEqual(first[1].get(caseName));
    }
  });
});

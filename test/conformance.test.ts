/**
 * One suite, every backend: the embedded DuckDB warehouse, BigQuery through the
 * real client against the local fake, and (when BQ_LIVE_PROJECT is set) a real
 * BigQuery project. Each case asserts the exact normalised rows and column types
 * it expects, and the last test asserts every backend produced identical results.
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

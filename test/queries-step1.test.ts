/**
 * Step 1's queries on a fixture small enough to check by hand: the expected
 * answers are computed here from the fixture's own lists, not from SQL.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { ensureBaseSchema } from '../lib/warehouse/open.ts';
import { PHASE2_TABLES, createTableSql } from '../lib/seed/schema.ts';
import { phase2Coverage, phase2MissingDates } from '../lib/queries/phase2.ts';
import { missingRuns, type MissingRow } from '../lib/repair/phase2.ts';
import { p } from '../lib/warehouse/params.ts';

const project = 'nba-props-platform';
// Ten final game dates (with an off day), one scheduled (status 1) date, one date outside the range.
const finals = ['2021-11-01', '2021-11-02', '2021-11-03', '2021-11-05', '2021-11-06', '2021-11-07', '2021-11-08', '2021-11-09', '2021-11-10', '2021-11-11'];
const scheduledOnly = '2021-11-12';
const outside = '2021-12-01';
const has: Record<string, string[]> = {
  nbac_team_boxscore: finals.filter((d) => !['2021-11-03', '2021-11-05', '2021-11-09'].includes(d)).concat(outside),
  nbac_gamebook_player_stats: finals,
  bdl_player_boxscores: finals.filter((d) => d !== '2021-11-01'),
};
const ctx = { range: { start: '2021-11-01', end: '2021-11-30' }, season: null, asOf: '2021-11-30', project };
let w: DuckDBWarehouse;

beforeAll(async () => {
  w = new DuckDBWarehouse({ file: ':memory:', project });
  await w.hold(async () => {
    await ensureBaseSchema(w);
    for (const t of PHASE2_TABLES) await w.execute(createTableSql(t, project));
    const dates = [...finals, scheduledOnly, outside];
    for (const [i, d] of dates.entries()) {
      await w.execute(`INSERT INTO \`${project}.nba_raw.nbac_schedule\` (game_id, game_date, game_status) VALUES (@id, @d, @s)`, { id: `g${i}`, d: p.date(d), s: d === scheduledOnly ? 1 : 3 });
      // Two games on one date: distinct dates, not rows, are what count.
      if (i === 0) await w.execute(`INSERT INTO \`${project}.nba_raw.nbac_schedule\` (game_id, game_date, game_status) VALUES ('g0b', @d, 3)`, { d: p.date(d) });
    }
    for (const [t, ds] of Object.entries(has)) {
      for (const d of ds) await w.execute(`INSERT INTO \`${project}.nba_raw.${t}\` (game_id, game_date) VALUES ('x', @d)`, { d: p.date(d) });
    }
  });
});

describe('1.1 coverage', () => {
  it('counts distinct dates per table against final game dates, worst first', async () => {
    const q = phase2Coverage(ctx);
    const r = await w.query(q.sql, q.params);
    const inRange = (ds: string[]) => ds.filter((d) => d >= ctx.range.start && d <= ctx.range.end).length;
    const expected = finals.length;
    const want = [...Object.entries(has).map(([t, ds]) => ({ table_name: t, actual_dates: inRange(ds) })), { table_name: 'nbac_schedule', actual_dates: finals.length }]
      .map((x) => ({ ...x, expected, pct: Math.round((x.actual_dates * 1000) / expected) / 10 }))
      .sort((a, b) => a.pct - b.pct || a.table_name.localeCompare(b.table_name));
    expect(r.rows).toEqual(want);
    expect(r.columns.map((c) => c.name)).toEqual(['table_name', 'actual_dates', 'expected', 'pct']);
  });
});

describe('1.3 missing dates', () => {
  it('lists every missing final game date per table, numbered in game-date order', async () => {
    const q = phase2MissingDates(ctx);
    const rows = (await w.query(q.sql, q.params)).rows as unknown as MissingRow[];
    const want = Object.entries(has).flatMap(([t, ds]) => finals.filter((d) => !ds.includes(d)).map((d) => ({ table_name: t, missing_date: d, game_date_number: finals.indexOf(d) + 1 })))
      .sort((a, b) => a.table_name.localeCompare(b.table_name) || a.missing_date.localeCompare(b.missing_date));
    expect(rows).toEqual(want);
  });

  it('groups consecutive game dates into one run, across an off day', async () => {
    const q = phase2MissingDates(ctx);
    const rows = (await w.query(q.sql, q.params)).rows as unknown as MissingRow[];
    // 11-03 and 11-05 are consecutive game dates (11-04 has no games): one run of two.
    expect(missingRuns(rows).filter((r) => r.table_name === 'nbac_team_boxscore')).toEqual([
      { table_name: 'nbac_team_boxscore', missing_from: '2021-11-03', missing_through: '2021-11-05', game_dates: 2 },
      { table_name: 'nbac_team_boxscore', missing_from: '2021-11-09', missing_through: '2021-11-09', game_dates: 1 },
    ]);
  });
});

/**
 * The Phase 4 SQL builders (lib/jobs/phase4/sql.ts), each run on its own over a
 * few hand-placed games in an in-memory DuckDB, and every row checked against
 * values worked out by hand from the rows below (the comments show the working).
 * Fast and in process: this is the test set `npm run mutate` measures
 * lib/jobs/phase4/sql.ts with (docs/TESTING.md).
 *
 * The SQL is built inside each test, never while the file is collected or in a
 * beforeAll: Stryker switches a mutant on after collection and attributes
 * coverage per test (docs/TESTING.md). The warehouse itself is loaded once: it
 * runs none of the code under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeness, historyBounds, historyScope, insertHeader, lastGamesAvg, overLastGames, playerCoverageCtes,
  orderedAvg, rosterCtes, selectList, stddevSampInt, tableRef, teamDatesCte, teamRecentGamesCtes, teamWindowCtes, unnestDaysBefore,
} from '../lib/jobs/phase4/sql.ts';
import { PHASE2_TABLES, type TableDef } from '../lib/seed/schema.ts';
import { PLAYER_GAME_SUMMARY, TEAM_OFFENSE_GAME_SUMMARY } from '../lib/jobs/phase3/tables.ts';
import { insertParams } from '../lib/jobs/dates.ts';
import type { Row } from '../lib/warehouse/types.ts';
import { PROJECT, openMemoryWarehouse, type MemoryWarehouse } from './support/memory-warehouse.ts';

const table = (name: string) => PHASE2_TABLES.find((t) => t.name === name)!;
const SCHEDULE = table('nba_raw.nbac_schedule');
const GAMEBOOK = table('nba_raw.nbac_gamebook_player_stats');

// ------------------------------------------------------------------ the rows
//
// League A, season 2023, AAA (home) v BBB every day 2023-11-01 … 11-20, games A01 … A20,
// final; A21 on 11-21 is only scheduled (the date the roster tests ask for).
//  - a1 (AAA) plays all twenty: points = game number k, minutes = k + 0.5;
//  - a2 (AAA) plays game 1 only, a3 game 11 only, a4 game 10 only;
//  - b1 plays games 1-15 for BBB (10 points each), then 16-20 for AAA (20 each): traded;
//  - b2 (BBB) plays 1-19 (4 points each); in game 20 he has a row with 0 minutes (30 points);
//  - b3 (BBB) plays all twenty (7 points each).
//
// League B, season 2023, December (no league A game then):
//  B1 12-02 CCC-DDD final · B2 12-04 CCC-EEE final · B3 12-06 DDD-CCC final ·
//  B4 12-08 CCC-DDD postponed (status 1, never final) · B5 12-09 EEE-CCC final ·
//  B6 12-12 CCC-DDD scheduled; and B0 2023-04-01 CCC-DDD of season 2022.
//  Phase 3 player rows: B1 c1 c2 c5 d1 · B2 c1 c3 e1 · B3 c1 c2 c3 c4 d1 · B5 none (Phase 3 lacks it).
//  Gamebook: B2 c2 dnp, c4 active · B3 c3 dnp (he also played) · B5 c1 dnp, c2 inactive.
//  Team offence (pace): CCC B0 90, B1 100, B2 101, B3 102, B5 104, B6 106 · DDD B1 110, B3 112 · EEE B2 120, B5 124.
//
// League T, season 2021, for team_dates and the history scope:
//  T0 2021-10-20 FFF-GGG final · T1 2022-01-05 FFF-GGG postponed (status 1) · T2 2022-01-05 FFF-GGG final
//  (re-listed) · T4 2022-01-06 JJJ-HHH scheduled · T3 2022-01-06 HHH-III scheduled · T5 2022-01-08 FFF-GGG ·
//  T9 2020-12-01 FFF-GGG, season_year 2021 by mistake (older than any season: only the date bound drops it).
//
// League C, season 2020, for long seasons (no limit on games): x1 (XXX) plays 129 games on 2020-10-01 +0 … +128,
// y1 (YYY) 128 games on 2020-10-01 +0 … +127, points = i + 1 and minutes = i + 1.25 in the game of day +i
// (y1's usage_rate 20.1234567891, ten decimal places, in every game);
// K1 2021-03-01 XXX-ZZZ and K2 2021-03-02 YYY-ZZZ scheduled.
//
// League D, season 2019, for FLOAT64 last-N averages: UUU (home) v VVV every day 2019-11-01 … 11-12, games
// D01 … D12, final; D13 on 11-13 only scheduled. u1 (UUU) plays all twelve: points 10 + k in game k, minutes
// and usage_rate from U1_MINUTES / U1_USAGE (usage NULL in games 5 and 12), values whose sum rounds
// differently newest first and oldest first. Team offence (pace) of UUU from UUU_PACE in games 1-12, except game 7,
// which Phase 3 lacks (no row), and game 11, whose pace is NULL: values whose newest-first sum over the last 10 rows
// rounds differently from the oldest-first one. VVV has no team offence rows.

const U1_MINUTES = [0.1, 0.7, 2.3, 0.3, 1.9, 0.2, 3.1, 0.6, 1.1, 0.4, 2.2, 0.9];
const U1_USAGE = [15, 17, 26.3, 21.9, null, 23, 18.3, 15.7, 25.2, 25.2, 29, null];
const UUU_PACE = [98.13, 101.71, 99.37, 100.93, 97.29, 103.31, null, 96.67, 102.23, 99.91, null, 98.87];

const day = (start: string, n: number) => new Date(Date.parse(`${start}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const pad = (k: number) => String(k).padStart(2, '0');

function scheduleRows(): object[] {
  const g = (game_id: string, game_date: string, season_year: number, home: string, away: string, game_status = 3) =>
    ({ game_id, game_date, season_year, game_status, season_type: 'Regular Season', home_team_abbr: home, away_team_abbr: away });
  return [
    ...Array.from({ length: 20 }, (_, i) => g(`A${pad(i + 1)}`, `2023-11-${pad(i + 1)}`, 2023, 'AAA', 'BBB')),
    g('A21', '2023-11-21', 2023, 'AAA', 'BBB', 1),
    g('B0', '2023-04-01', 2022, 'CCC', 'DDD'),
    g('B1', '2023-12-02', 2023, 'CCC', 'DDD'), g('B2', '2023-12-04', 2023, 'CCC', 'EEE'), g('B3', '2023-12-06', 2023, 'DDD', 'CCC'),
    g('B4', '2023-12-08', 2023, 'CCC', 'DDD', 1), g('B5', '2023-12-09', 2023, 'EEE', 'CCC'), g('B6', '2023-12-12', 2023, 'CCC', 'DDD', 1),
    g('T0', '2021-10-20', 2021, 'FFF', 'GGG'), g('T2', '2022-01-05', 2021, 'FFF', 'GGG'), g('T1', '2022-01-05', 2021, 'FFF', 'GGG', 1),
    g('T4', '2022-01-06', 2021, 'JJJ', 'HHH', 1), g('T3', '2022-01-06', 2021, 'HHH', 'III', 1), g('T5', '2022-01-08', 2021, 'FFF', 'GGG', 1),
    g('T9', '2020-12-01', 2021, 'FFF', 'GGG'),
    g('K1', '2021-03-01', 2020, 'XXX', 'ZZZ', 1), g('K2', '2021-03-02', 2020, 'YYY', 'ZZZ', 1),
    ...Array.from({ length: 13 }, (_, i) => g(`D${pad(i + 1)}`, `2019-11-${pad(i + 1)}`, 2019, 'UUU', 'VVV', i < 12 ? 3 : 1)),
  ];
}

function playerRows(): object[] {
  const rows: object[] = [];
  const row = (player_lookup: string, team_abbr: string, game_id: string, game_date: string, season_year: number, points: number, minutes: number, usage_rate: number | null = 20.5) =>
    rows.push({ game_id, game_date, season_year, player_lookup, team_abbr, points, minutes, rebounds: 1, assists: 2, usage_rate, fg_attempted: 9, fg3_attempted: 3 });
  for (let k = 1; k <= 20; k++) {
    const id = `A${pad(k)}`;
    const date = `2023-11-${pad(k)}`;
    row('a1', 'AAA', id, date, 2023, k, k + 0.5);
    if (k === 1) row('a2', 'AAA', id, date, 2023, 8, 20);
    if (k === 11) row('a3', 'AAA', id, date, 2023, 9, 20);
    if (k === 10) row('a4', 'AAA', id, date, 2023, 9, 20);
    row('b1', k <= 15 ? 'BBB' : 'AAA', id, date, 2023, k <= 15 ? 10 : 20, 30);
    row('b2', 'BBB', id, date, 2023, k <= 19 ? 4 : 30, k <= 19 ? 25 : 0);
    row('b3', 'BBB', id, date, 2023, 7, 30);
  }
  const b: [string, string, string, string[]][] = [
    ['B1', '2023-12-02', 'CCC', ['c1', 'c2', 'c5']], ['B1', '2023-12-02', 'DDD', ['d1']],
    ['B2', '2023-12-04', 'CCC', ['c1', 'c3']], ['B2', '2023-12-04', 'EEE', ['e1']],
    ['B3', '2023-12-06', 'CCC', ['c1', 'c2', 'c3', 'c4']], ['B3', '2023-12-06', 'DDD', ['d1']],
  ];
  for (const [id, date, team, players] of b) for (const pl of players) row(pl, team, id, date, 2023, 10, 30);
  for (let i = 0; i < 129; i++) {
    row('x1', 'XXX', `X${i}`, day('2020-10-01', i), 2020, i + 1, i + 1.25);
    if (i < 128) row('y1', 'YYY', `Y${i}`, day('2020-10-01', i), 2020, i + 1, i + 1.25, 20.1234567891);
  }
  for (let k = 1; k <= 12; k++) row('u1', 'UUU', `D${pad(k)}`, `2019-11-${pad(k)}`, 2019, 10 + k, U1_MINUTES[k - 1], U1_USAGE[k - 1]);
  return rows;
}

function gamebookRows(): object[] {
  const g = (game_id: string, game_date: string, player_lookup: string, player_status: string) =>
    ({ game_id, game_date, player_lookup, team_abbr: 'CCC', player_status });
  return [
    g('B2', '2023-12-04', 'c2', 'dnp'), g('B2', '2023-12-04', 'c4', 'active'), g('B3', '2023-12-06', 'c3', 'dnp'),
    g('B5', '2023-12-09', 'c1', 'dnp'), g('B5', '2023-12-09', 'c2', 'inactive'),
  ];
}

function offenseRows(): object[] {
  const t = (game_id: string, game_date: string, season_year: number, team_abbr: string, pace: number | null) => ({ game_id, game_date, season_year, team_abbr, pace });
  return [
    t('B0', '2023-04-01', 2022, 'CCC', 90), t('B1', '2023-12-02', 2023, 'CCC', 100), t('B2', '2023-12-04', 2023, 'CCC', 101),
    t('B3', '2023-12-06', 2023, 'CCC', 102), t('B5', '2023-12-09', 2023, 'CCC', 104), t('B6', '2023-12-12', 2023, 'CCC', 106),
    t('B1', '2023-12-02', 2023, 'DDD', 110), t('B3', '2023-12-06', 2023, 'DDD', 112),
    t('B2', '2023-12-04', 2023, 'EEE', 120), t('B5', '2023-12-09', 2023, 'EEE', 124),
    ...UUU_PACE.flatMap((pace, i) => (i === 6 ? [] : [t(`D${pad(i + 1)}`, `2019-11-${pad(i + 1)}`, 2019, 'UUU', pace)])),
  ];
}

// ------------------------------------------------------------------ helpers

let mw: MemoryWarehouse;
beforeAll(async () => {
  mw = await openMemoryWarehouse([
    [SCHEDULE, scheduleRows()], [GAMEBOOK, gamebookRows()], [PLAYER_GAME_SUMMARY, playerRows()], [TEAM_OFFENSE_GAME_SUMMARY, offenseRows()],
  ]);
}, 30_000);
afterAll(async () => { await mw?.close(); });

/** Runs `WITH <ctes> <select>` for the dates, as a processor binds them. */
async function run(dates: string[], ctes: string[], select: string): Promise<Row[]> {
  const { rows } = await mw.w.query(`WITH ${ctes.join(',\n')}\n${select}`, insertParams(dates));
  return rows;
}

const T = (name: string) => `\`${PROJECT}.${name}\``;

// ------------------------------------------------------------------ tests

describe('tableRef', () => {
  it('quotes project.dataset.table in backticks', () => {
    expect(tableRef('nba-props-platform', 'nba_raw.nbac_schedule')).toBe('`nba-props-platform.nba_raw.nbac_schedule`');
  });

  it('takes project ids of 6 to 30 characters: a letter first, letters, digits, hyphens, no hyphen last', () => {
    for (const ok of ['abcdef', 'a1-b-2', 'a'.repeat(30), 'my-project-123', 'a0000z']) {
      expect(() => tableRef(ok, 'd.t'), ok).not.toThrow();
    }
  });

  it('refuses any other project id with its value in the message', () => {
    const bad = ['abcde', 'a'.repeat(31), '1abcdef', '-abcdef', 'abcdef-', 'Abcdef', 'abc_def', 'abc.def', 'abc`def',
      ' abcdef', 'abcdef ', 'abcdef\nx', 'x\nabcdef', ''];
    for (const b of bad) {
      expect(() => tableRef(b, 'd.t'), JSON.stringify(b)).toThrow(`not a valid project id: ${JSON.stringify(b)}`);
    }
  });
});

describe('insertHeader and selectList', () => {
  const def: TableDef = {
    name: 'nba_precompute.example', dateColumn: 'analysis_date', keys: ['player_lookup'],
    columns: [['analysis_date', 'DATE', ''], ['player_lookup', 'STRING', ''], ['points_avg', 'FLOAT64', ''], ['processed_at', 'TIMESTAMP', '']],
  };

  it('the INSERT names every column in the table order', () => {
    expect(insertHeader(PROJECT, def)).toBe('INSERT INTO `nba-props-platform.nba_precompute.example` (analysis_date, player_lookup, points_avg, processed_at)');
  });

  it('the select list follows the table order whatever the order given, processed_at defaulting to now', () => {
    expect(selectList(def, { points_avg: 'AVG(p)', analysis_date: 'd', player_lookup: 'r.player_lookup' }))
      .toBe('d AS analysis_date,\n  r.player_lookup AS player_lookup,\n  AVG(p) AS points_avg,\n  CURRENT_TIMESTAMP() AS processed_at');
  });

  it('an expression given for processed_at replaces the default', () => {
    expect(selectList(def, { processed_at: 'TIMESTAMP \'2024-01-01\'', analysis_date: 'd', player_lookup: 'p', points_avg: '1' }))
      .toBe("d AS analysis_date,\n  p AS player_lookup,\n  1 AS points_avg,\n  TIMESTAMP '2024-01-01' AS processed_at");
  });

  it('a column without an expression is refused, by name', () => {
    expect(() => selectList(def, { analysis_date: 'd' })).toThrow(/^nba_precompute\.example: select list lacks player_lookup, points_avg$/);
  });

  it('an expression for a column the table lacks is refused, by name', () => {
    expect(() => selectList(def, { analysis_date: 'd', player_lookup: 'p', points_avg: '1', bogus: '2', other: '3' }))
      .toThrow(/^nba_precompute\.example: select list +has unknown bogus, other$/);
  });

  it('both at once: what lacks and what is unknown', () => {
    expect(() => selectList(def, { analysis_date: 'd', bogus: '2' }))
      .toThrow(/^nba_precompute\.example: select list lacks player_lookup, points_avg +has unknown bogus$/);
  });
});

describe('completeness, stddevSampInt, unnestDaysBefore (evaluated)', () => {
  it('completeness_pct is games / window in percent with one decimal, never integer division', async () => {
    const { rows } = await mw.w.query(`SELECT g, ${completeness('g', 15)} AS pct, ${completeness('g', 3)} AS pct3
      FROM UNNEST([0, 2, 7, 15]) AS g ORDER BY g`);
    // By hand: 2/15 = 13.33 %, 7/15 = 46.67 %, 2/3 = 66.67 %, 7/3 = 233.33 %.
    expect(rows).toEqual([
      { g: 0, pct: 0, pct3: 0 }, { g: 2, pct: 13.3, pct3: 66.7 }, { g: 7, pct: 46.7, pct3: 233.3 }, { g: 15, pct: 100, pct3: 500 },
    ]);
  });

  it('STDDEV_SAMP from integer sums: NULL for fewer than two values, NULLs ignored, an expression parenthesised', async () => {
    const { rows } = await mw.w.query(`SELECT k, ${stddevSampInt('v')} AS sd, ${stddevSampInt('v - 1')} AS sd_shifted
      FROM (
        SELECT 'eight' AS k, 2 AS v
        UNION ALL SELECT 'eight', 4
        UNION ALL SELECT 'eight', 4
        UNION ALL SELECT 'eight', 4
        UNION ALL SELECT 'eight', 5
        UNION ALL SELECT 'eight', 5
        UNION ALL SELECT 'eight', 7
        UNION ALL SELECT 'eight', 9
        UNION ALL SELECT 'pair', 1
        UNION ALL SELECT 'pair', CAST(NULL AS INT64)
        UNION ALL SELECT 'pair', 3
        UNION ALL SELECT 'one', 6
        UNION ALL SELECT 'none', CAST(NULL AS INT64)
      ) AS x GROUP BY k ORDER BY k`);
    // eight: mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32, 32/7 → √4.571428… = 2.138089935;
    // pair: 1 and 3 → √2; one value or none → NULL. Shifting every value by 1 changes no deviation.
    const sd = Object.fromEntries(rows.map((r) => [r.k, [r.sd, r.sd_shifted]]));
    expect(sd.eight[0]).toBeCloseTo(2.138089935, 8);
    expect(sd.eight[1]).toBeCloseTo(2.138089935, 8);
    expect(sd.pair[0]).toBeCloseTo(Math.SQRT2, 12);
    expect(sd.pair[1]).toBeCloseTo(Math.SQRT2, 12);
    expect(sd.one).toEqual([null, null]);
    expect(sd.none).toEqual([null, null]);
  });

  it('the n days before a date, across a leap day', async () => {
    const { rows } = await mw.w.query(`SELECT day_before FROM (SELECT DATE '2024-03-02' AS d) AS r
      CROSS JOIN ${unnestDaysBefore('r.d', 3, 'day_before')} ORDER BY day_before DESC`);
    expect(rows.map((r) => r.day_before)).toEqual(['2024-03-01', '2024-02-29', '2024-02-28']);
  });
});

describe('history scope and bounds', () => {
  it('historyBounds: before the last date, from 366 days before the first', async () => {
    const { rows } = await mw.w.query(`SELECT d FROM UNNEST([DATE '2023-01-08', DATE '2023-01-09', DATE '2024-01-11', DATE '2024-01-12', DATE '2024-01-13']) AS d
      WHERE ${historyBounds('d')} ORDER BY d`, insertParams(['2024-01-12', '2024-01-10']));
    // First date 2024-01-10: 365 days back is 2023-01-10 (2023 has no leap day), 366 is 2023-01-09.
    expect(rows.map((r) => r.d)).toEqual(['2023-01-09', '2024-01-11']);
  });

  it('historyScope: the seasons of the dates, before the last, within the year before the first', async () => {
    const rows = await run(['2022-01-06'], [teamDatesCte(PROJECT)],
      `SELECT s.game_id FROM ${T('nba_raw.nbac_schedule')} AS s WHERE ${historyScope('s')} ORDER BY s.game_id`);
    // Season 2021 games before 2022-01-06: T0, T1, T2 (T9 is season 2021 too but older than 2021-01-05).
    expect(rows.map((r) => r.game_id)).toEqual(['T0', 'T1', 'T2']);
  });
});

describe('teamDatesCte', () => {
  it('one row per team and requested date, from the schedule, keeping a re-listed team\'s most advanced game', async () => {
    const rows = await run(['2022-01-05', '2022-01-06', '2022-01-07'], [teamDatesCte(PROJECT)],
      'SELECT * FROM team_dates ORDER BY game_date, team_abbr');
    // 01-05: T1 (postponed) and T2 (final) list FFF and GGG: T2 is kept. 01-06: HHH is in T3 and T4,
    // both scheduled: the lower game id, T3. 01-07: no game. T5 (01-08) was not asked for.
    expect(rows).toEqual([
      { game_id: 'T2', game_date: '2022-01-05', season_year: 2021, team_abbr: 'FFF', opponent_abbr: 'GGG', is_home: true },
      { game_id: 'T2', game_date: '2022-01-05', season_year: 2021, team_abbr: 'GGG', opponent_abbr: 'FFF', is_home: false },
      { game_id: 'T3', game_date: '2022-01-06', season_year: 2021, team_abbr: 'HHH', opponent_abbr: 'III', is_home: true },
      { game_id: 'T3', game_date: '2022-01-06', season_year: 2021, team_abbr: 'III', opponent_abbr: 'HHH', is_home: false },
      { game_id: 'T4', game_date: '2022-01-06', season_year: 2021, team_abbr: 'JJJ', opponent_abbr: 'HHH', is_home: true },
    ]);
  });
});

describe('teamWindowCtes: the last n final games before the date, from the schedule', () => {
  it('skips games never played, games of the date itself and of another season', async () => {
    const rows = await run(['2023-12-12'], [teamDatesCte(PROJECT), teamWindowCtes(PROJECT, 3)],
      'SELECT * FROM team_window ORDER BY team_abbr, game_date');
    // CCC's final games before 12-12: B1, B2, B3, B5 (B4 postponed): the last three. DDD: B1, B3 (B4 postponed,
    // B0 is 2022's): two, the window cannot be full.
    const w = (team: string, id: string, date: string) => ({ as_of_date: '2023-12-12', team_abbr: team, game_id: id, game_date: date });
    expect(rows).toEqual([
      w('CCC', 'B2', '2023-12-04'), w('CCC', 'B3', '2023-12-06'), w('CCC', 'B5', '2023-12-09'),
      w('DDD', 'B1', '2023-12-02'), w('DDD', 'B3', '2023-12-06'),
    ]);
  });

  it('several dates in one statement: each sees only the games before it', async () => {
    const rows = await run(['2023-12-12', '2023-12-04'], [teamDatesCte(PROJECT), teamWindowCtes(PROJECT, 3)],
      'SELECT as_of_date, team_abbr, game_id FROM team_window ORDER BY as_of_date, team_abbr, game_id');
    // 12-04 (B2, CCC-EEE): CCC has B1 before it (not B0, of 2022); EEE has nothing: no row.
    expect(rows).toEqual([
      { as_of_date: '2023-12-04', team_abbr: 'CCC', game_id: 'B1' },
      { as_of_date: '2023-12-12', team_abbr: 'CCC', game_id: 'B2' }, { as_of_date: '2023-12-12', team_abbr: 'CCC', game_id: 'B3' },
      { as_of_date: '2023-12-12', team_abbr: 'CCC', game_id: 'B5' },
      { as_of_date: '2023-12-12', team_abbr: 'DDD', game_id: 'B1' }, { as_of_date: '2023-12-12', team_abbr: 'DDD', game_id: 'B3' },
    ]);
  });

  it('numbers each team\'s final games oldest first and links each to the next', async () => {
    const rows = await run(['2023-12-12'], [teamDatesCte(PROJECT), teamWindowCtes(PROJECT, 3)],
      "SELECT game_id, team_game_index, next_game_date FROM schedule_team_log WHERE team_abbr = 'CCC' ORDER BY team_game_index");
    expect(rows).toEqual([
      { game_id: 'B1', team_game_index: 1, next_game_date: '2023-12-04' }, { game_id: 'B2', team_game_index: 2, next_game_date: '2023-12-06' },
      { game_id: 'B3', team_game_index: 3, next_game_date: '2023-12-09' }, { game_id: 'B5', team_game_index: 4, next_game_date: null },
    ]);
  });

  it('a window of 15 over league A: games 6 to 20 before 11-21', async () => {
    const rows = await run(['2023-11-21'], [teamDatesCte(PROJECT), teamWindowCtes(PROJECT, 15)],
      "SELECT game_id FROM team_window WHERE team_abbr = 'AAA' ORDER BY game_id");
    expect(rows.map((r) => r.game_id)).toEqual(Array.from({ length: 15 }, (_, i) => `A${pad(i + 6)}`));
  });
});

describe('rosterCtes: player_log, team_recent, roster and season averages', () => {
  it('player_log: games with minutes, numbered per player and season, each with his next game', async () => {
    const rows = await run(['2023-11-21'], [teamDatesCte(PROJECT), rosterCtes(PROJECT)],
      "SELECT game_id, game_index, next_game_date FROM player_log WHERE player_lookup = 'b2' AND game_index >= 18 ORDER BY game_index");
    // b2's game 20 has 0 minutes: his log ends at game 19, with no next game.
    expect(rows).toEqual([
      { game_id: 'A18', game_index: 18, next_game_date: '2023-11-19' }, { game_id: 'A19', game_index: 19, next_game_date: null },
    ]);
  });

  it('team_recent: each playing team\'s last 10 game dates before the date', async () => {
    const rows = await run(['2023-11-21'], [teamDatesCte(PROJECT), rosterCtes(PROJECT)],
      'SELECT as_of_date, team_abbr, opponent_abbr, is_home, game_id, season_year, team_game_date FROM team_recent ORDER BY team_abbr, team_game_date');
    const r = (team: string, opp: string, home: boolean, d: number) => ({
      as_of_date: '2023-11-21', team_abbr: team, opponent_abbr: opp, is_home: home, game_id: 'A21', season_year: 2023, team_game_date: `2023-11-${pad(d)}`,
    });
    const last10 = Array.from({ length: 10 }, (_, i) => i + 11);
    expect(rows).toEqual([...last10.map((d) => r('AAA', 'BBB', true, d)), ...last10.map((d) => r('BBB', 'AAA', false, d))]);
  });

  it('roster: players whose latest game was for a team playing the date, within its last 10 games', async () => {
    const rows = await run(['2023-11-21'], [teamDatesCte(PROJECT), rosterCtes(PROJECT, ['points'])],
      `SELECT as_of_date, season_year, game_id, team_abbr, opponent_abbr, is_home, player_lookup, last_game_date, last_game_index, points_avg_season
       FROM roster ORDER BY team_abbr, player_lookup`);
    // a2 (game 1) and a4 (game 10) are past AAA's last ten (11-20); a3 (game 11) is the tenth. b1's latest
    // games are AAA's. b2's latest game with minutes is 19; his 0-minute game 20 (30 points) never counts.
    // Averages: a1 (1+…+20)/20 = 10.5; a3 9; b1 (15·10 + 5·20)/20 = 12.5; b2 4; b3 7.
    const r = (team: string, opp: string, home: boolean, player: string, last: number, avg: number) => ({
      as_of_date: '2023-11-21', season_year: 2023, game_id: 'A21', team_abbr: team, opponent_abbr: opp, is_home: home,
      player_lookup: player, last_game_date: `2023-11-${pad(last)}`, last_game_index: player === 'a3' ? 1 : last, points_avg_season: avg,
    });
    expect(rows).toEqual([
      r('AAA', 'BBB', true, 'a1', 20, 10.5), r('AAA', 'BBB', true, 'a3', 11, 9), r('AAA', 'BBB', true, 'b1', 20, 12.5),
      r('BBB', 'AAA', false, 'b2', 19, 4), r('BBB', 'AAA', false, 'b3', 20, 7),
    ]);
  });

  it('several dates in one statement: each date\'s roster and averages use only its own past', async () => {
    const rows = await run(['2023-11-06', '2023-11-21'], [teamDatesCte(PROJECT), rosterCtes(PROJECT, ['points', 'minutes'])],
      `SELECT as_of_date, team_abbr, player_lookup, last_game_index, points_avg_season, minutes_avg_season
       FROM roster WHERE as_of_date = '2023-11-06' ORDER BY team_abbr, player_lookup`);
    // Before 11-06: games 1-5. a1: points 15/5 = 3, minutes (1.5+2.5+3.5+4.5+5.5)/5 = 3.5; a2 game 1 is
    // within AAA's last ten; b1 still BBB's.
    const r = (team: string, player: string, last: number, pts: number, min: number) =>
      ({ as_of_date: '2023-11-06', team_abbr: team, player_lookup: player, last_game_index: last, points_avg_season: pts, minutes_avg_season: min });
    expect(rows).toEqual([
      r('AAA', 'a1', 5, 3, 3.5), r('AAA', 'a2', 1, 8, 20),
      r('BBB', 'b1', 5, 10, 30), r('BBB', 'b2', 5, 4, 25), r('BBB', 'b3', 5, 7, 30),
    ]);
  });

  it('FLOAT64 season averages: running averages over the whole season so far', async () => {
    const rows = await run(['2023-11-21'], [teamDatesCte(PROJECT), rosterCtes(PROJECT, ['minutes', 'usage_rate', 'points'])],
      `SELECT player_lookup, minutes_avg_season, usage_rate_avg_season, points_avg_season FROM roster ORDER BY player_lookup`);
    // a1: minutes 1.5 … 20.5 → (210 + 20·0.5)/20 = 11; b2: 19 games of 25 minutes (the 0-minute game left out).
    expect(rows).toEqual([
      { player_lookup: 'a1', minutes_avg_season: 11, usage_rate_avg_season: 20.5, points_avg_season: 10.5 },
      { player_lookup: 'a3', minutes_avg_season: 20, usage_rate_avg_season: 20.5, points_avg_season: 9 },
      { player_lookup: 'b1', minutes_avg_season: 30, usage_rate_avg_season: 20.5, points_avg_season: 12.5 },
      { player_lookup: 'b2', minutes_avg_season: 25, usage_rate_avg_season: 20.5, points_avg_season: 4 },
      { player_lookup: 'b3', minutes_avg_season: 30, usage_rate_avg_season: 20.5, points_avg_season: 7 },
    ]);
  });

  it('roster\'s columns: the team date\'s, the player\'s latest game, one season average per column asked for', async () => {
    const rows = await run(['2023-11-21'], [teamDatesCte(PROJECT), rosterCtes(PROJECT, ['points', 'minutes', 'rebounds', 'usage_rate', 'assists'])],
      "SELECT * FROM roster WHERE player_lookup = 'b3'");
    // b3: 20 games of 7 points, 30 minutes, 1 rebound, 2 assists, usage 20.5. Each average once, under its own name.
    expect(rows).toEqual([{
      as_of_date: '2023-11-21', season_year: 2023, game_id: 'A21', team_abbr: 'BBB', opponent_abbr: 'AAA', is_home: false,
      player_lookup: 'b3', last_game_date: '2023-11-20', last_game_index: 20,
      points_avg_season: 7, minutes_avg_season: 30, rebounds_avg_season: 1, usage_rate_avg_season: 20.5, assists_avg_season: 2,
    }]);
    const { columns } = await mw.w.query(`WITH ${teamDatesCte(PROJECT)},\n${rosterCtes(PROJECT, ['points', 'minutes', 'rebounds', 'usage_rate', 'assists'])}
      SELECT * FROM roster`, insertParams(['2023-11-21']));
    expect(columns.map((c) => c.name)).toEqual([
      'as_of_date', 'season_year', 'game_id', 'team_abbr', 'opponent_abbr', 'is_home', 'player_lookup', 'last_game_date', 'last_game_index',
      'points_avg_season', 'minutes_avg_season', 'rebounds_avg_season', 'usage_rate_avg_season', 'assists_avg_season',
    ]);
  });

  it('a season of 128 games: every game counted', async () => {
    const rows = await run(['2021-03-02'], [teamDatesCte(PROJECT), rosterCtes(PROJECT, ['minutes', 'points'])],
      'SELECT player_lookup, last_game_index, minutes_avg_season, points_avg_season FROM roster');
    // y1: minutes 1.25 … 128.25 → (128·129/2 + 128·0.25)/128 = 64.5 + 0.25; points 1 … 128 → 64.5.
    expect(rows).toEqual([{ player_lookup: 'y1', last_game_index: 128, minutes_avg_season: 64.75, points_avg_season: 64.5 }]);
  });

  it('a FLOAT64 season average adds each value to nine decimal places (NUMERIC), so its sum is exact', async () => {
    const rows = await run(['2021-03-02'], [teamDatesCte(PROJECT), rosterCtes(PROJECT, ['usage_rate'])],
      'SELECT player_lookup, usage_rate_avg_season FROM roster');
    // y1: 128 games of 20.1234567891 → 20.123456789 each (nine places), 128 · 20.123456789 / 128.
    expect(rows).toEqual([{ player_lookup: 'y1', usage_rate_avg_season: 20.123456789 }]);
  });

  it('a FLOAT64 season average has no limit on games either: 129 of them', async () => {
    const rows = await run(['2021-03-01'], [teamDatesCte(PROJECT), rosterCtes(PROJECT, ['minutes'])],
      'SELECT player_lookup, last_game_index, minutes_avg_season FROM roster');
    // x1: minutes 1.25 … 129.25 → (129·130/2 + 129·0.25)/129 = 65 + 0.25.
    expect(rows).toEqual([{ player_lookup: 'x1', last_game_index: 129, minutes_avg_season: 65.25 }]);
  });

  it('an INT64 season average is exact over any number of games: no limit', async () => {
    const rows = await run(['2021-03-01'], [teamDatesCte(PROJECT), rosterCtes(PROJECT, ['points'])],
      'SELECT player_lookup, last_game_index, points_avg_season FROM roster');
    // x1: points 1 … 129 → 129·130/2 / 129 = 65.
    expect(rows).toEqual([{ player_lookup: 'x1', last_game_index: 129, points_avg_season: 65 }]);
  });
});

describe('last-N windows (overLastGames, lastGamesAvg) read at each roster row\'s latest game', () => {
  const windows = () => ({
    n10: `COUNT(*) ${overLastGames(10)}`,
    p5: lastGamesAvg('points', 5),
    p10: lastGamesAvg('points', 10),
    m5: lastGamesAvg('minutes', 5),
    m10: lastGamesAvg('minutes', 10),
    sd10: stddevSampInt('g.points', overLastGames(10)),
  });

  it('his last 5 and 10 games before each date: across a trade, fewer early on, a 0-minute game left out', async () => {
    const rows = await run(['2023-11-06', '2023-11-21'], [teamDatesCte(PROJECT), rosterCtes(PROJECT, [], windows())],
      'SELECT as_of_date, player_lookup, n10, p5, p10, m5, m10 FROM roster ORDER BY as_of_date, player_lookup');
    // 11-06 (games 1-5 before it): a1 points 1…5 → 3, minutes 1.5…5.5 → 3.5; a2 one game (8 points, 20 min).
    // 11-21 (games 1-20): a1 last 5 = games 16…20 → points 18, minutes 18.5; last 10 = 11…20 → 15.5, 16.
    // a3: his only game (11), the first of his season → one game. b1: 16…20 for AAA (20 points), 11…15 for
    // BBB (10) → last 5 = 20, last 10 = 15. b2: 10…19 (game 20 had no minutes) → 4 and 25.
    const r = (date: string, player: string, n10: number, p5: number, p10: number, m5: number, m10: number) =>
      ({ as_of_date: date, player_lookup: player, n10, p5, p10, m5, m10 });
    expect(rows).toEqual([
      r('2023-11-06', 'a1', 5, 3, 3, 3.5, 3.5), r('2023-11-06', 'a2', 1, 8, 8, 20, 20),
      r('2023-11-06', 'b1', 5, 10, 10, 30, 30), r('2023-11-06', 'b2', 5, 4, 4, 25, 25), r('2023-11-06', 'b3', 5, 7, 7, 30, 30),
      r('2023-11-21', 'a1', 10, 18, 15.5, 18.5, 16), r('2023-11-21', 'a3', 1, 9, 9, 20, 20),
      r('2023-11-21', 'b1', 10, 20, 15, 30, 30), r('2023-11-21', 'b2', 10, 4, 4, 25, 25), r('2023-11-21', 'b3', 10, 7, 7, 30, 30),
    ]);
  });

  it('STDDEV_SAMP over his last 10 games: from the window\'s integer sums, NULL for one game', async () => {
    const rows = await run(['2023-11-21'], [teamDatesCte(PROJECT), rosterCtes(PROJECT, [], windows())],
      "SELECT player_lookup, sd10 FROM roster WHERE player_lookup IN ('a1', 'a3', 'b1', 'b3') ORDER BY player_lookup");
    // a1: 11…20, deviations ±0.5 … ±4.5 → Σ = 2·(0.25+2.25+6.25+12.25+20.25) = 82.5, /9 → √9.1667 = 3.02765;
    // a3: one game → NULL; b1: five 10s and five 20s → 10·25/9 → √27.78 = 5.27046; b3: all 7 → 0.
    const sd = Object.fromEntries(rows.map((x) => [x.player_lookup, x.sd10]));
    expect(sd.a1).toBeCloseTo(3.0276503540974917, 12);
    expect(sd.a3).toBeNull();
    expect(sd.b1).toBeCloseTo(5.270462766947299, 12);
    expect(sd.b3).toBe(0);
  });

  it('logJoins: a per-game value joined onto the log, summed over his last games, no row added', async () => {
    const rows = await run(['2023-11-21'], [teamDatesCte(PROJECT), rosterCtes(PROJECT, [], { bonus3: `SUM(x.bonus) ${overLastGames(3)}` },
      "LEFT JOIN (SELECT 'A20' AS game_id, 5 AS bonus UNION ALL SELECT 'A18', 7 UNION ALL SELECT 'A16', 100) AS x ON x.game_id = g.game_id")],
      'SELECT player_lookup, bonus3 FROM roster ORDER BY player_lookup');
    // Games 18-20 for a1, b1, b3: 7 + 5 = 12 (A16 is outside the last three); b2: 17-19 → 7; a3: game 11 only → NULL.
    expect(rows).toEqual([
      { player_lookup: 'a1', bonus3: 12 }, { player_lookup: 'a3', bonus3: null }, { player_lookup: 'b1', bonus3: 12 },
      { player_lookup: 'b2', bonus3: 7 }, { player_lookup: 'b3', bonus3: 12 },
    ]);
  });

  // His last n values added newest first (games_ago 1, 2, …; a NULL as 0), divided by the number of non-NULL values.
  const newestFirst = (values: (number | null)[], n: number) => {
    const last = values.slice(-n).reverse();
    let sum = 0;
    for (const v of last) sum = sum + (v ?? 0);
    return sum / last.filter((v) => v !== null).length;
  };
  const oldestFirst = (values: (number | null)[], n: number) => {
    const last = values.slice(-n);
    let sum = 0;
    for (const v of last) sum = sum + (v ?? 0);
    return sum / last.filter((v) => v !== null).length;
  };

  it('FLOAT64: added newest first, to the bit; a NULL usage skipped in the count, not in the order', async () => {
    const rows = await run(['2019-11-13'], [teamDatesCte(PROJECT), rosterCtes(PROJECT, [], {
      m5: lastGamesAvg('minutes', 5), m10: lastGamesAvg('minutes', 10),
      u5: lastGamesAvg('usage_rate', 5), u10: lastGamesAvg('usage_rate', 10),
    })], 'SELECT player_lookup, last_game_index, m5, m10, u5, u10 FROM roster');
    // u1, games 8…12: minutes 0.9 + 2.2 + 0.4 + 1.1 + 0.6 = 5.199999999999999 (newest first; oldest first
    // 5.200000000000001) / 5; usage (12 is NULL) 0 + 29 + 25.2 + 25.2 + 15.7 over 4 values = 23.775000000000002.
    // Games 3…12: minutes 13 / 10 = 1.3 (oldest first 1.3000000000000003); usage over 8 values (5 and 12 NULL).
    const expected = {
      player_lookup: 'u1', last_game_index: 12,
      m5: newestFirst(U1_MINUTES, 5), m10: newestFirst(U1_MINUTES, 10), u5: newestFirst(U1_USAGE, 5), u10: newestFirst(U1_USAGE, 10),
    };
    expect(expected).toMatchObject({ m5: 1.0399999999999998, m10: 1.3, u5: 23.775000000000002, u10: 23.075000000000003 });
    // The fixture tells the orders apart: oldest first would give other bits.
    for (const [values, n] of [[U1_MINUTES, 5], [U1_MINUTES, 10], [U1_USAGE, 5], [U1_USAGE, 10]] as const) {
      expect(newestFirst(values, n)).not.toBe(oldestFirst(values, n));
    }
    expect(rows).toEqual([expected]);
  });

  it('a date\'s FLOAT64 figures are the same bits whether it runs alone or with every date of the season', async () => {
    const cols = () => [teamDatesCte(PROJECT), rosterCtes(PROJECT, [], { m5: lastGamesAvg('minutes', 5), m10: lastGamesAvg('minutes', 10), u10: lastGamesAvg('usage_rate', 10) })];
    const all = Array.from({ length: 12 }, (_, i) => `2019-11-${pad(i + 2)}`);
    const together = await run(all, cols(), 'SELECT as_of_date, m5, m10, u10 FROM roster ORDER BY as_of_date');
    expect(together).toHaveLength(12);
    for (const row of together) {
      const [alone] = await run([row.as_of_date as string], cols(), 'SELECT as_of_date, m5, m10, u10 FROM roster');
      expect(alone).toEqual(row);
      // Games 1 … k before 11-(k+1): the same newest-first sums.
      const k = Number(String(row.as_of_date).slice(-2)) - 1;
      expect(row).toEqual({
        as_of_date: row.as_of_date, m5: newestFirst(U1_MINUTES.slice(0, k), 5), m10: newestFirst(U1_MINUTES.slice(0, k), 10),
        u10: newestFirst(U1_USAGE.slice(0, k), 10),
      });
    }
  });
});

describe('playerCoverageCtes: of his team\'s last n games, those his data exists for', () => {
  it('his Phase 3 row, or a gamebook inactive/DNP in a game Phase 3 holds; each game once', async () => {
    const rows = await run(['2023-12-12'], [teamDatesCte(PROJECT), rosterCtes(PROJECT), playerCoverageCtes(PROJECT, 3)],
      'SELECT as_of_date, player_lookup, games_present FROM player_coverage ORDER BY player_lookup');
    // CCC's window: B2, B3, B5 (Phase 3 lacks B5, so its gamebook rows cannot count). DDD's: B1, B3.
    // c1: B2, B3 → 2 (his DNP in B5 does not count). c2: DNP in B2, played B3 → 2 (inactive in B5: no).
    // c3: B2, B3 (played and DNP in B3: once) → 2. c4: B3 (an 'active' gamebook row in B2 is not data of
    // not playing) → 1. c5: played B1 only, outside the window → 0, still listed. d1: B1, B3 → 2.
    const r = (player: string, n: number) => ({ as_of_date: '2023-12-12', player_lookup: player, games_present: n });
    expect(rows).toEqual([r('c1', 2), r('c2', 2), r('c3', 2), r('c4', 1), r('c5', 0), r('d1', 2)]);
  });

  it('the games of the windows, and those of them Phase 3 holds', async () => {
    const rows = await run(['2023-12-12'], [teamDatesCte(PROJECT), rosterCtes(PROJECT), playerCoverageCtes(PROJECT, 3)],
      `SELECT 'window' AS kind, game_id FROM window_games UNION ALL SELECT 'phase3', game_id FROM phase3_window_games ORDER BY kind, game_id`);
    expect(rows).toEqual([
      { kind: 'phase3', game_id: 'B1' }, { kind: 'phase3', game_id: 'B2' }, { kind: 'phase3', game_id: 'B3' },
      { kind: 'window', game_id: 'B1' }, { kind: 'window', game_id: 'B2' }, { kind: 'window', game_id: 'B3' }, { kind: 'window', game_id: 'B5' },
    ]);
  });
});

describe('teamRecentGamesCtes: a Phase 3 team table\'s last n games per team', () => {
  it('each playing team\'s last n games before the date, newest first, this season only', async () => {
    const rows = await run(['2023-12-09', '2023-12-12'],
      [teamDatesCte(PROJECT), teamRecentGamesCtes('pace', T('nba_analytics.team_offense_game_summary'), ['game_id', 'pace'], 2)],
      'SELECT * FROM pace_games ORDER BY as_of_date, team_abbr, games_ago');
    // 12-09 (B5, EEE-CCC): CCC B3 102, B2 101 (B5 is that day's); EEE B2 120 only.
    // 12-12: CCC B5 104, B3 102 (B6 is that day's); DDD B3 112, B1 110.
    const g = (date: string, team: string, ago: number, id: string, pace: number) => ({ as_of_date: date, team_abbr: team, games_ago: ago, game_id: id, pace });
    expect(rows).toEqual([
      g('2023-12-09', 'CCC', 1, 'B3', 102), g('2023-12-09', 'CCC', 2, 'B2', 101), g('2023-12-09', 'EEE', 1, 'B2', 120),
      g('2023-12-12', 'CCC', 1, 'B5', 104), g('2023-12-12', 'CCC', 2, 'B3', 102),
      g('2023-12-12', 'DDD', 1, 'B3', 112), g('2023-12-12', 'DDD', 2, 'B1', 110),
    ]);
  });

  it('the first game of a season has no history, not last season\'s', async () => {
    const rows = await run(['2023-12-02'],
      [teamDatesCte(PROJECT), teamRecentGamesCtes('pace', T('nba_analytics.team_offense_game_summary'), ['game_id', 'pace'], 2)],
      'SELECT * FROM pace_games');
    expect(rows).toEqual([]);
  });

  it('<name>_log: the table\'s games in scope, numbered per team and season, with the next game\'s date', async () => {
    const rows = await run(['2023-12-12'],
      [teamDatesCte(PROJECT), teamRecentGamesCtes('pace', T('nba_analytics.team_offense_game_summary'), ['game_id', 'pace'], 2)],
      "SELECT team_abbr, season_year, game_date, game_id, pace, game_index, next_game_date FROM pace_log WHERE team_abbr = 'CCC' ORDER BY game_index");
    // B0 is of season 2022 and B6 on the last date: neither is read.
    const l = (d: string, id: string, pace: number, i: number, next: string | null) =>
      ({ team_abbr: 'CCC', season_year: 2023, game_date: d, game_id: id, pace, game_index: i, next_game_date: next });
    expect(rows).toEqual([
      l('2023-12-02', 'B1', 100, 1, '2023-12-04'), l('2023-12-04', 'B2', 101, 2, '2023-12-06'),
      l('2023-12-06', 'B3', 102, 3, '2023-12-09'), l('2023-12-09', 'B5', 104, 4, null),
    ]);
  });
  const paceCtes = (n: number) => [teamDatesCte(PROJECT), teamRecentGamesCtes('pace', T('nba_analytics.team_offense_game_summary'), ['game_id', 'pace'], n)];
  const gameIds = (rows: Row[]) => rows.map((x) => `${x.as_of_date} ${x.team_abbr} ${x.games_ago} ${x.game_id}`);

  it('a 15-game window early in the season: the games so far, not the date\'s own', async () => {
    // With 11-13 in the statement, D06 … D12 are read too.
    const rows = await run(['2019-11-06', '2019-11-13'], paceCtes(15), 'SELECT as_of_date, team_abbr, games_ago, game_id FROM pace_games ORDER BY as_of_date, games_ago');
    // 11-06 is D06's date: UUU's Phase 3 games before it are D01 … D05, newest first (D06, that day's, is in the
    // log but not in the window). VVV has no team offence rows, so no games.
    expect(gameIds(rows.filter((x) => x.as_of_date === '2019-11-06'))).toEqual(['2019-11-06 UUU 1 D05', '2019-11-06 UUU 2 D04', '2019-11-06 UUU 3 D03', '2019-11-06 UUU 4 D02', '2019-11-06 UUU 5 D01']);
  });

  it('a game Phase 3 lacks is not in the table\'s log: the last 10 reach one game further back', async () => {
    const rows = await run(['2019-11-13'], paceCtes(10), 'SELECT as_of_date, team_abbr, games_ago, game_id FROM pace_games ORDER BY games_ago');
    // UUU's rows before 11-13: D01 … D06, D08 … D12 (no D07) → the last 10 are D12 … D08, then D06 … D02.
    expect(gameIds(rows)).toEqual(['D12', 'D11', 'D10', 'D09', 'D08', 'D06', 'D05', 'D04', 'D03', 'D02'].map((id, i) => `2019-11-13 UUU ${i + 1} ${id}`));
  });

  it('orderedAvg over them: FLOAT64 added newest first, to the bit, a NULL pace skipped in the count, not the order', async () => {
    const rows = await run(['2019-11-06', '2019-11-13'], paceCtes(10),
      `SELECT g.as_of_date, g.team_abbr, ${orderedAvg('g', 'pace', 10)} AS pace_last_10 FROM pace_games AS g GROUP BY g.as_of_date, g.team_abbr ORDER BY g.as_of_date`);
    // 11-06: D05 … D01 = (97.29 + 100.93 + 99.37 + 101.71 + 98.13) / 5 = 99.486.
    // 11-13: D12, D11 (NULL, as 0), D10, D09, D08, D06 … D02: 98.87 + 0 + 99.91 + 102.23 + 96.67 + 103.31 + 97.29
    // + 100.93 + 99.37 + 101.71 = 900.29 over 9 values: 100.03222222222223 newest first (oldest first …222).
    const last = (k: number) => UUU_PACE.slice(0, k).filter((_, i) => i !== 6).slice(-10);
    const newestFirst = (values: (number | null)[]) => {
      let sum = 0;
      for (const v of [...values].reverse()) sum = sum + (v ?? 0);
      return sum / values.filter((v) => v !== null).length;
    };
    const oldestFirst = (values: (number | null)[]) => values.reduce<number>((sum, v) => sum + (v ?? 0), 0) / values.filter((v) => v !== null).length;
    expect([newestFirst(last(5)), newestFirst(last(12))]).toEqual([99.486, 100.03222222222223]);
    expect(oldestFirst(last(12))).not.toBe(newestFirst(last(12)));
    expect(rows).toEqual([
      { as_of_date: '2019-11-06', team_abbr: 'UUU', pace_last_10: newestFirst(last(5)) },
      { as_of_date: '2019-11-13', team_abbr: 'UUU', pace_last_10: newestFirst(last(12)) },
    ]);
  });
  it('logJoins: a per-game value joined onto the log once, carried into each date\'s games, no row added', async () => {
    const rows = await run(['2023-12-09', '2023-12-12'], [teamDatesCte(PROJECT), teamRecentGamesCtes('pace', T('nba_analytics.team_offense_game_summary'), ['game_id'], 2,
      "LEFT JOIN (SELECT 'B3' AS game_id, 'CCC' AS team_abbr, 7 AS bonus UNION ALL SELECT 'B5', 'EEE', 100) AS x ON x.game_id = t.game_id AND x.team_abbr = t.team_abbr",
      { bonus: 'x.bonus' })],
      'SELECT as_of_date, team_abbr, games_ago, game_id, bonus FROM pace_games ORDER BY as_of_date, team_abbr, games_ago');
    // The same games as without the join (see the first test): CCC's B3 carries 7 on both dates, EEE's B5 (100) is
    // 12-09's own game, so not in its window; every other game has no value (NULL).
    const g = (date: string, team: string, ago: number, id: string, bonus: number | null) => ({ as_of_date: date, team_abbr: team, games_ago: ago, game_id: id, bonus });
    expect(rows).toEqual([
      g('2023-12-09', 'CCC', 1, 'B3', 7), g('2023-12-09', 'CCC', 2, 'B2', null), g('2023-12-09', 'EEE', 1, 'B2', null),
      g('2023-12-12', 'CCC', 1, 'B5', null), g('2023-12-12', 'CCC', 2, 'B3', 7),
      g('2023-12-12', 'DDD', 1, 'B3', null), g('2023-12-12', 'DDD', 2, 'B1', null),
    ]);
  });
});

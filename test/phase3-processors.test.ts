/**
 * The five Phase 3 processors, run on a small hand-built season in an in-memory
 * warehouse and checked against figures computed here, in TypeScript, straight
 * from the fixture's Phase 2 rows (never from the processors' SQL).
 *
 * The fixture: four teams over eleven days of the 2024-25 season, plus one game of
 * the season before. It holds back-to-backs (LAL 10-25/10-26, BOS 10-25/10-26,
 * NYK 10-27/10-28, …), an overtime game (10-27), a date the gamebook lacks
 * (10-28: bdl only), a player only bdl lists (bos10 on 10-30), an inactive star
 * (nyk1 on 10-24), a postponed game (10-31, status 1) and odds for some games.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PHASE3_PROCESSORS, playerGameSummaryProcessor, teamDefenseGameSummaryProcessor,
  teamOffenseGameSummaryProcessor, upcomingPlayerGameContextProcessor, upcomingTeamGameContextProcessor,
} from '../lib/jobs/phase3/index.ts';
import type { ProcessorDef } from '../lib/jobs/types.ts';
import { PLAYER_GAME_SUMMARY } from '../lib/jobs/phase3/tables.ts';
import { insertParams } from '../lib/jobs/dates.ts';
import { p as param } from '../lib/warehouse/params.ts';
import { splitStatements } from '../lib/warehouse/translate.ts';
import type { Row } from '../lib/warehouse/types.ts';
import type { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import {
  FIXTURE_PROJECT, RawFixtureBuilder, fixtureDates, openFixtureWarehouse, rotation,
  type GameSpec, type PlayerLineSpec, type RawFixture, type RawRow,
} from './support/fixtures.ts';

// ---------------------------------------------------------------- the fixture

function buildFixture(): RawFixture {
  const b = new RawFixtureBuilder();
  const game = (gameId: string, date: string, home: string, away: string, extra: Partial<GameSpec> = {}, players?: PlayerLineSpec[]) =>
    b.game({
      gameId, date, home, away, ...extra,
      players: players ?? [...rotation(home, gameId, { overtime: extra.overtime }), ...rotation(away, gameId, { overtime: extra.overtime })],
    });

  game('0022301230', '2024-04-14', 'BOS', 'NYK'); // last season: no part of this season's history
  game('0022400001', '2024-10-22', 'BOS', 'NYK');
  game('0022400002', '2024-10-22', 'LAL', 'MIN');
  game('0022400003', '2024-10-24', 'NYK', 'LAL', {}, [
    ...rotation('NYK', '0022400003', { swap: { out: 'nyk1', in: 'nyk9', status: 'inactive', reason: 'Injury/Illness - Left Ankle; Sprain' } }),
    ...rotation('LAL', '0022400003'),
  ]);
  game('0022400004', '2024-10-24', 'MIN', 'BOS');
  game('0022400005', '2024-10-25', 'BOS', 'LAL');
  game('0022400006', '2024-10-26', 'LAL', 'BOS');
  game('0022400007', '2024-10-27', 'MIN', 'NYK', { overtime: 1 });
  game('0022400008', '2024-10-28', 'NYK', 'BOS', { gamebook: false }); // the gamebook lacks the whole date
  game('0022400009', '2024-10-29', 'LAL', 'MIN');
  // bos10, a call-up only bdl lists, takes 4.5 of bos8's 26 minutes.
  const bos = rotation('BOS', '0022400010').map((pl) => (pl.player === 'bos8' ? { ...pl, minutes: 21.5, line: undefined } : pl));
  game('0022400010', '2024-10-30', 'BOS', 'MIN', {}, [
    ...bos, { player: 'bos10', team: 'BOS', minutes: 4.5, inGamebook: false }, ...rotation('MIN', '0022400010'),
  ]);
  game('0022400011', '2024-10-30', 'LAL', 'NYK');
  game('0022400012', '2024-10-31', 'NYK', 'LAL', { status: 1 }); // postponed: never final
  game('0022400013', '2024-11-01', 'BOS', 'NYK');
  game('0022400014', '2024-11-01', 'MIN', 'LAL');

  return b
    .props({ gameId: '0022400008', player: 'nyk1', team: 'NYK', lines: { draftkings: 24.5, fanduel: 25.5 } })
    .props({ gameId: '0022400008', player: 'bos1', team: 'BOS', lines: { draftkings: 27.5 } })
    .props({ gameId: '0022400010', player: 'bos1', team: 'BOS', lines: { draftkings: 26.5, fanduel: 27.5, betmgm: 26.5 } })
    .props({ gameId: '0022400010', player: 'min1', team: 'MIN', lines: { draftkings: 21.5, fanduel: 22.5, betmgm: 23.5, caesars: 20.5 } })
    .props({ gameId: '0022400011', player: 'lal1', team: 'LAL', lines: { draftkings: 30.5 } })
    .props({ gameId: '0022400012', player: 'nyk1', team: 'NYK', lines: { draftkings: 25.5 } })
    .props({ gameId: '0022400013', player: 'bos1', team: 'BOS', lines: { draftkings: 27.5, fanduel: 28.5 } })
    .props({ gameId: '0022400013', player: 'nyk1', team: 'BKN', lines: { draftkings: 24.5 } }) // a stale team label
    .props({ gameId: '0022400013', player: 'bos9', team: 'BOS', lines: { draftkings: 3.5 } }) // never played
    .props({ gameId: '0022400014', player: 'min1', team: 'MIN', lines: { draftkings: 22.5, fanduel: 23.5, betmgm: 21.5 } })
    .build();
}

// ------------------------------------------- expectations, computed independently

type Expected = Record<string, string | number | boolean | null>;

const num = (v: unknown): number => Number(v);
const str = (v: unknown): string => String(v);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

function finalGames(fx: RawFixture): Map<string, RawRow> {
  return new Map(fx.tables.nbac_schedule.filter((g) => g.game_status === 3).map((g) => [str(g.game_id), g]));
}

function venue(game: RawRow, team: string) {
  const isHome = game.home_team_abbr === team;
  return { is_home: isHome, opponent_abbr: str(isHome ? game.away_team_abbr : game.home_team_abbr) };
}

/** player_game_summary, from the raw rows: gamebook active lines, then bdl for players the gamebook does not list. */
function expectedPlayerGames(fx: RawFixture): Expected[] {
  const games = finalGames(fx);
  const listed = new Set(fx.tables.nbac_gamebook_player_stats.map((r) => `${r.game_id}|${r.player_lookup}`));
  const rows: Expected[] = [];
  for (const r of fx.tables.nbac_gamebook_player_stats) {
    const game = games.get(str(r.game_id));
    if (!game || r.player_status !== 'active' || !(num(r.minutes) > 0)) continue;
    rows.push({
      game_id: str(r.game_id), game_date: str(game.game_date), season_year: num(game.season_year),
      player_lookup: str(r.player_lookup), player_name: str(r.player_name), team_abbr: str(r.team_abbr),
      ...venue(game, str(r.team_abbr)), starter: Boolean(r.starter), minutes: num(r.minutes), points: num(r.points),
      fg_made: num(r.fg2_made) + num(r.fg3_made), fg_attempted: num(r.fg2_attempted) + num(r.fg3_attempted),
      fg3_made: num(r.fg3_made), fg3_attempted: num(r.fg3_attempted), ft_made: num(r.ft_made), ft_attempted: num(r.ft_attempted),
      offensive_rebounds: num(r.offensive_rebounds), defensive_rebounds: num(r.defensive_rebounds),
      rebounds: num(r.offensive_rebounds) + num(r.defensive_rebounds),
      assists: num(r.assists), steals: num(r.steals), blocks: num(r.blocks), turnovers: num(r.turnovers),
      personal_fouls: num(r.personal_fouls), plus_minus: num(r.plus_minus), primary_source: 'nbac_gamebook',
    });
  }
  for (const r of fx.tables.bdl_player_boxscores) {
    const game = games.get(str(r.game_id));
    if (!game || listed.has(`${r.game_id}|${r.player_lookup}`)) continue;
    const [mm, ss] = str(r.minutes).split(':').map(Number);
    const minutes = mm + ss / 60;
    if (!(minutes > 0)) continue;
    rows.push({
      game_id: str(r.game_id), game_date: str(game.game_date), season_year: num(game.season_year),
      player_lookup: str(r.player_lookup), player_name: null, team_abbr: str(r.team_abbr),
      ...venue(game, str(r.team_abbr)), starter: null, minutes, points: num(r.points),
      fg_made: num(r.fgm), fg_attempted: num(r.fga), fg3_made: num(r.fg3m), fg3_attempted: num(r.fg3a),
      ft_made: num(r.ftm), ft_attempted: num(r.fta), offensive_rebounds: num(r.oreb), defensive_rebounds: num(r.dreb),
      rebounds: num(r.reb), assists: num(r.ast), steals: num(r.stl), blocks: num(r.blk), turnovers: num(r.turnover),
      personal_fouls: num(r.pf), plus_minus: null, primary_source: 'bdl_boxscores',
    });
  }
  // Usage rate needs the team's totals over the same rows.
  const team = new Map<string, { min: number; fga: number; fta: number; tov: number }>();
  for (const r of rows) {
    const k = `${r.game_id}|${r.team_abbr}`;
    const t = team.get(k) ?? { min: 0, fga: 0, fta: 0, tov: 0 };
    t.min += num(r.minutes); t.fga += num(r.fg_attempted); t.fta += num(r.ft_attempted); t.tov += num(r.turnovers);
    team.set(k, t);
  }
  for (const r of rows) {
    const t = team.get(`${r.game_id}|${r.team_abbr}`)!;
    const [fga, fta, tov, min] = [num(r.fg_attempted), num(r.ft_attempted), num(r.turnovers), num(r.minutes)];
    r.effective_fg_pct = ratio(num(r.fg_made) + 0.5 * num(r.fg3_made), fga);
    r.true_shooting_pct = ratio(num(r.points), 2 * (fga + 0.44 * fta));
    const usage = ratio((fga + 0.44 * fta + tov) * (t.min / 5), min * (t.fga + 0.44 * t.fta + t.tov));
    r.usage_rate = usage === null ? null : 100 * usage;
  }
  return rows;
}

const possessionsOf = (b: RawRow) =>
  num(b.fg2_attempted) + num(b.fg3_attempted) - num(b.offensive_rebounds) + num(b.turnovers) + 0.44 * num(b.ft_attempted);

/** Each final game's team box rows, each beside its opponent's. */
function boxPairs(fx: RawFixture): { game: RawRow; own: RawRow; opp: RawRow }[] {
  const games = finalGames(fx);
  const box = fx.tables.nbac_team_boxscore;
  return box
    .filter((b) => games.has(str(b.game_id)))
    .map((own) => ({ game: games.get(str(own.game_id))!, own, opp: box.find((o) => o.game_id === own.game_id && o !== own)! }));
}

function expectedTeamOffense(fx: RawFixture): Expected[] {
  return boxPairs(fx).map(({ game, own, opp }) => {
    const fga = num(own.fg2_attempted) + num(own.fg3_attempted);
    const fgm = num(own.fg2_made) + num(own.fg3_made);
    const poss = possessionsOf(own);
    return {
      game_id: str(own.game_id), game_date: str(game.game_date), season_year: num(game.season_year),
      team_abbr: str(own.team_abbr), ...venue(game, str(own.team_abbr)),
      win: num(own.points) > num(opp.points), points: num(own.points), opponent_points: num(opp.points),
      fg_made: fgm, fg_attempted: fga, fg3_made: num(own.fg3_made), fg3_attempted: num(own.fg3_attempted),
      ft_made: num(own.ft_made), ft_attempted: num(own.ft_attempted), offensive_rebounds: num(own.offensive_rebounds),
      assists: num(own.assists), turnovers: num(own.turnovers), overtime_periods: num(game.overtime_periods),
      possessions: poss, pace: (48 * poss) / (num(own.minutes) / 5), offensive_rating: (100 * num(own.points)) / poss,
      effective_fg_pct: (fgm + 0.5 * num(own.fg3_made)) / fga,
      true_shooting_pct: num(own.points) / (2 * (fga + 0.44 * num(own.ft_attempted))),
    };
  });
}

function expectedTeamDefense(fx: RawFixture): Expected[] {
  return boxPairs(fx).map(({ game, own, opp }) => {
    const oppFga = num(opp.fg2_attempted) + num(opp.fg3_attempted);
    const oppFgm = num(opp.fg2_made) + num(opp.fg3_made);
    const poss = possessionsOf(opp);
    return {
      game_id: str(own.game_id), game_date: str(game.game_date), season_year: num(game.season_year),
      team_abbr: str(own.team_abbr), ...venue(game, str(own.team_abbr)),
      win: num(own.points) > num(opp.points), points_allowed: num(opp.points),
      opp_fg_made: oppFgm, opp_fg_attempted: oppFga, opp_fg3_made: num(opp.fg3_made), opp_fg3_attempted: num(opp.fg3_attempted),
      opp_ft_made: num(opp.ft_made), opp_ft_attempted: num(opp.ft_attempted),
      opp_effective_fg_pct: (oppFgm + 0.5 * num(opp.fg3_made)) / oppFga, opp_turnovers: num(opp.turnovers),
      defensive_rebounds: num(own.defensive_rebounds), steals: num(own.steals), blocks: num(own.blocks),
      possessions: poss, pace: (48 * poss) / (num(opp.minutes) / 5), defensive_rating: (100 * num(opp.points)) / poss,
    };
  });
}

function expectedTeamContext(fx: RawFixture): Expected[] {
  const games = [...finalGames(fx).values()].sort((a, b) => str(a.game_date).localeCompare(str(b.game_date)));
  const context = new Map<string, Expected>(); // by game|team
  const teams = new Set(games.flatMap((g) => [str(g.home_team_abbr), str(g.away_team_abbr)]));
  for (const team of teams) {
    const own = games.filter((g) => g.home_team_abbr === team || g.away_team_abbr === team);
    own.forEach((g, k) => {
      const date = str(g.game_date);
      const season = own.slice(0, k).filter((e) => e.season_year === g.season_year);
      const previous = season.at(-1);
      const daysRest = previous ? daysBetween(str(previous.game_date), date) - 1 : null;
      const { is_home, opponent_abbr } = venue(g, team);
      let streak = 1;
      for (let j = season.length - 1; j >= 0 && venue(season[j], team).is_home === is_home; j--) streak++;
      context.set(`${g.game_id}|${team}`, {
        game_id: str(g.game_id), game_date: date, season_year: num(g.season_year), season_type: str(g.season_type),
        team_abbr: team, opponent_abbr, is_home, days_rest: daysRest, is_back_to_back: daysRest === 0,
        games_last_7_days: season.filter((e) => daysBetween(str(e.game_date), date) <= 7).length,
        home_away_streak: streak,
      });
    });
  }
  return [...context.values()].map((c) => {
    const opp = context.get(`${c.game_id}|${c.opponent_abbr}`)!;
    return { ...c, opponent_days_rest: opp.days_rest, opponent_is_back_to_back: opp.is_back_to_back };
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function expectedPlayerContext(fx: RawFixture): Expected[] {
  const games = finalGames(fx);
  const log = expectedPlayerGames(fx);
  const lines = new Map<string, RawRow[]>();
  for (const o of fx.tables.odds_api_player_points_props) {
    if (!games.has(str(o.game_id))) continue;
    const k = `${o.game_id}|${o.player_lookup}`;
    lines.set(k, [...(lines.get(k) ?? []), o]);
  }
  return [...lines.values()].map((odds) => {
    const game = games.get(str(odds[0].game_id))!;
    const player = str(odds[0].player_lookup);
    const date = str(game.game_date);
    const playedHere = log.find((r) => r.game_id === game.game_id && r.player_lookup === player);
    const oddsTeam = str(odds[0].team_abbr);
    const team = [game.home_team_abbr, game.away_team_abbr].includes(oddsTeam) ? oddsTeam : str(playedHere?.team_abbr);
    const before = log
      .filter((r) => r.player_lookup === player && r.season_year === game.season_year && str(r.game_date) < date)
      .sort((a, b) => str(b.game_date).localeCompare(str(a.game_date)));
    const last = (n: number, col: string) => mean(before.slice(0, n).map((r) => num(r[col])));
    const daysRest = before.length ? daysBetween(str(before[0].game_date), date) - 1 : null;
    return {
      game_id: str(game.game_id), game_date: date, season_year: num(game.season_year), player_lookup: player,
      team_abbr: team, ...venue(game, team),
      points_line: median(odds.map((o) => num(o.points_line))), bookmaker_count: odds.length,
      avg_points_last_5: last(5, 'points'), avg_points_last_10: last(10, 'points'), avg_minutes_last_5: last(5, 'minutes'),
      games_played_season: before.length, days_rest: daysRest, is_back_to_back: daysRest === 0,
    };
  });
}

// ------------------------------------------------------------------ harness

const keyOf = (r: Record<string, unknown>, keys: string[]) => keys.map((k) => String(r[k])).join('|');

/** Same keys, and every expected column equal (numbers to 1e-9). */
function expectRows(actual: Row[], expected: Expected[], keys: string[]): void {
  expect(actual.map((r) => keyOf(r, keys)).sort()).toEqual(expected.map((r) => keyOf(r, keys)).sort());
  const byKey = new Map(actual.map((r) => [keyOf(r, keys), r]));
  for (const e of expected) {
    const a = byKey.get(keyOf(e, keys))!;
    for (const [column, value] of Object.entries(e)) {
      const where = `${keyOf(e, keys)} ${column}`;
      if (typeof value === 'number') expect(a[column], where).toBeCloseTo(value, 9);
      else expect(a[column], where).toEqual(value);
    }
  }
}

let fx: RawFixture;
let w: DuckDBWarehouse;
let close: () => Promise<void>;
/** Each processor's output after one run over every fixture date, processed_at set aside. */
const fullRun = new Map<ProcessorDef, Row[]>();
const ALL_DATES: string[] = [];

/** What the runner does for a batch of dates: delete them, insert them, in one transaction. */
async function run(proc: ProcessorDef, dates: string[]): Promise<void> {
  const dateParams = { dates: param.dates(dates) };
  await w.atomic([
    { sql: `DELETE FROM \`${FIXTURE_PROJECT}.${proc.output.name}\` WHERE game_date IN UNNEST(@dates)`, params: dateParams },
    { sql: proc.insertSql(FIXTURE_PROJECT), params: insertParams(dates) },
  ]);
}

async function read(proc: ProcessorDef, dates?: string[]): Promise<Row[]> {
  const where = dates ? 'WHERE game_date IN UNNEST(@dates)' : '';
  const { rows } = await w.query(`SELECT * FROM \`${FIXTURE_PROJECT}.${proc.output.name}\` ${where}`, dates ? { dates: param.dates(dates) } : {});
  return rows
    .map(({ processed_at: _set, ...rest }) => rest)
    .sort((a, b) => keyOf(a, proc.output.keys).localeCompare(keyOf(b, proc.output.keys)));
}

const rowOf = (rows: Row[], match: Record<string, unknown>) => {
  const found = rows.filter((r) => Object.entries(match).every(([k, v]) => r[k] === v));
  expect(found, JSON.stringify(match)).toHaveLength(1);
  return found[0];
};

beforeAll(async () => {
  fx = buildFixture();
  ALL_DATES.push(...fixtureDates(fx));
  ({ w, close } = await openFixtureWarehouse(fx, PHASE3_PROCESSORS.map((proc) => proc.output)));
  for (const proc of PHASE3_PROCESSORS) {
    await run(proc, ALL_DATES);
    fullRun.set(proc, await read(proc));
  }
});

afterAll(async () => {
  await close?.();
});

// -------------------------------------------------------------------- tests

describe('Phase 3 processor definitions', () => {
  it('lists the five contract jobs in order, each writing its own nba_analytics table', () => {
    expect(PHASE3_PROCESSORS.map((proc) => [proc.job, proc.processorName, proc.output.name])).toEqual([
      ['analytics/player_game_summary', 'PlayerGameSummaryProcessor', 'nba_analytics.player_game_summary'],
      ['analytics/team_defense_game_summary', 'TeamDefenseGameSummaryProcessor', 'nba_analytics.team_defense_game_summary'],
      ['analytics/team_offense_game_summary', 'TeamOffenseGameSummaryProcessor', 'nba_analytics.team_offense_game_summary'],
      ['analytics/upcoming_team_game_context', 'UpcomingTeamGameContextProcessor', 'nba_analytics.upcoming_team_game_context'],
      ['analytics/upcoming_player_game_context', 'UpcomingPlayerGameContextProcessor', 'nba_analytics.upcoming_player_game_context'],
    ]);
    for (const proc of PHASE3_PROCESSORS) {
      expect(proc.phase).toBe('phase_3_analytics');
      expect(proc.order).toBeUndefined();
      expect(proc.description.length).toBeGreaterThan(0);
      expect(proc.description).not.toContain('\n');
      for (const [name, , description] of proc.output.columns) expect(description, `${proc.output.name}.${name}`).not.toBe('');
    }
  });

  it('writes one set-based statement over @dates that reads only the Phase 2 tables it declares', () => {
    for (const proc of PHASE3_PROCESSORS) {
      const sql = proc.insertSql(FIXTURE_PROJECT);
      expect(splitStatements(sql)).toHaveLength(1);
      expect(sql).toMatch(new RegExp(`^INSERT INTO \`${FIXTURE_PROJECT}\\.${proc.output.name}\` \\(${proc.output.columns.map(([c]) => c).join(', ')}\\)`));
      expect(sql).toContain('IN UNNEST(@dates)');
      const read = new Set([...sql.matchAll(/`[^`.]+\.([^`]+)`/g)].map((m) => m[1]).filter((t) => t !== proc.output.name));
      expect([...read].filter((t) => !t.startsWith('nba_raw.')), proc.job).toEqual([]); // parallel jobs: no Phase 3 input
      expect([...read].sort(), proc.job).toEqual(proc.dependencies.map((d) => d.table).sort());
    }
  });

  it('declares what a date needs: the schedule, a box-score source, the odds', () => {
    const deps = (proc: ProcessorDef) => Object.fromEntries(proc.dependencies.map((d) => [d.table, d]));
    const pgs = deps(playerGameSummaryProcessor);
    expect(pgs['nba_raw.nbac_schedule'].required).toBe(true);
    // Either player source will do, but not neither.
    expect(pgs['nba_raw.nbac_gamebook_player_stats']).toMatchObject({ required: false, anyOf: 'player_boxscores' });
    expect(pgs['nba_raw.bdl_player_boxscores']).toMatchObject({ required: false, anyOf: 'player_boxscores' });
    for (const proc of [teamOffenseGameSummaryProcessor, teamDefenseGameSummaryProcessor]) {
      expect(deps(proc)['nba_raw.nbac_team_boxscore'].required).toBe(true);
    }
    expect(deps(upcomingTeamGameContextProcessor)['nba_raw.nbac_schedule'].required).toBe(true);
    const upc = deps(upcomingPlayerGameContextProcessor);
    expect(upc['nba_raw.odds_api_player_points_props'].required).toBe(true);
    expect(upc['nba_raw.nbac_gamebook_player_stats']).toMatchObject({ required: false });
    expect(upc['nba_raw.nbac_gamebook_player_stats'].lookbackDays).toBeGreaterThanOrEqual(30);
  });
});

describe('player_game_summary', () => {
  it('matches the box scores computed from the raw rows, every column', () => {
    expectRows(fullRun.get(playerGameSummaryProcessor)!, expectedPlayerGames(fx), ['game_id', 'player_lookup']);
  });

  it('falls back to bdl for a date the gamebook lacks and for a player it does not list', () => {
    const rows = fullRun.get(playerGameSummaryProcessor)!;
    const missingDate = rows.filter((r) => r.game_date === '2024-10-28');
    expect(missingDate).toHaveLength(16);
    expect(new Set(missingDate.map((r) => r.primary_source))).toEqual(new Set(['bdl_boxscores']));
    expect(missingDate.every((r) => r.plus_minus === null && r.player_name === null && r.starter === null)).toBe(true);
    expect(rowOf(rows, { game_id: '0022400010', player_lookup: 'bos10' })).toMatchObject({
      primary_source: 'bdl_boxscores', team_abbr: 'BOS', minutes: 4.5, plus_minus: null, opponent_abbr: 'MIN', is_home: true,
    });
    expect(rows.filter((r) => r.game_id === '0022400010' && r.primary_source === 'nbac_gamebook')).toHaveLength(16);
    // 'MM:SS' read as decimal minutes: bos1 played 36:30 on 10-28.
    expect(rowOf(rows, { game_date: '2024-10-28', player_lookup: 'bos1' }).minutes).toBe(36.5);
  });

  it('has no row for inactive or DNP players, nor for games that were not final', () => {
    const rows = fullRun.get(playerGameSummaryProcessor)!;
    expect(rows.find((r) => r.game_id === '0022400003' && r.player_lookup === 'nyk1')).toBeUndefined();
    expect(rows.filter((r) => r.player_lookup === 'bos9')).toEqual([]);
    expect(rows.filter((r) => r.game_id === '0022400012')).toEqual([]);
  });

  it('adds up to the team box score: points and minutes per team per game', () => {
    const players = fullRun.get(playerGameSummaryProcessor)!;
    for (const team of fullRun.get(teamOffenseGameSummaryProcessor)!) {
      const mine = players.filter((r) => r.game_id === team.game_id && r.team_abbr === team.team_abbr);
      expect(mine.reduce((s, r) => s + num(r.points), 0)).toBe(team.points);
      expect(mine.reduce((s, r) => s + num(r.minutes), 0)).toBeCloseTo(240 + 25 * num(team.overtime_periods), 9);
      // Usage shares, weighted by minutes, average 20% (one player in five) by construction.
      const weighted = mine.reduce((s, r) => s + num(r.usage_rate) * num(r.minutes), 0) / mine.reduce((s, r) => s + num(r.minutes), 0);
      expect(weighted).toBeCloseTo(20, 9);
    }
  });
});

describe('team_offense_game_summary and team_defense_game_summary', () => {
  it('offense matches the box-score formulas', () => {
    expectRows(fullRun.get(teamOffenseGameSummaryProcessor)!, expectedTeamOffense(fx), ['game_id', 'team_abbr']);
  });

  it('defense matches the box-score formulas', () => {
    expectRows(fullRun.get(teamDefenseGameSummaryProcessor)!, expectedTeamDefense(fx), ['game_id', 'team_abbr']);
  });

  it("mirrors: a team's defence is its opponent's offence, and the overtime game runs 265 minutes", () => {
    const offense = fullRun.get(teamOffenseGameSummaryProcessor)!;
    for (const d of fullRun.get(teamDefenseGameSummaryProcessor)!) {
      const o = rowOf(offense, { game_id: d.game_id, team_abbr: d.opponent_abbr });
      expect(d.points_allowed).toBe(o.points);
      expect(num(d.possessions)).toBeCloseTo(num(o.possessions), 9);
      expect(num(d.defensive_rating)).toBeCloseTo(num(o.offensive_rating), 9);
      expect(d.win).toBe(!o.win);
    }
    const ot = rowOf(offense, { game_id: '0022400007', team_abbr: 'MIN' });
    expect(ot.overtime_periods).toBe(1);
    expect(num(ot.pace)).toBeCloseTo((48 * num(ot.possessions)) / 53, 9); // 265 team minutes / 5
  });
});

describe('upcoming_team_game_context', () => {
  it('matches rest, density and streaks computed from the schedule', () => {
    expectRows(fullRun.get(upcomingTeamGameContextProcessor)!, expectedTeamContext(fx), ['game_id', 'team_abbr']);
  });

  it('gets the hand-checked cases right', () => {
    const rows = fullRun.get(upcomingTeamGameContextProcessor)!;
    const at = (date: string, team: string) => rowOf(rows, { game_date: date, team_abbr: team });
    // First game of the season: no rest figure, even though BOS played in April.
    expect(at('2024-10-22', 'BOS')).toMatchObject({ days_rest: null, is_back_to_back: false, games_last_7_days: 0, home_away_streak: 1 });
    expect(at('2024-10-24', 'BOS')).toMatchObject({ days_rest: 1, is_back_to_back: false, is_home: false, home_away_streak: 1 });
    // BOS home 10-25, at LAL 10-26: a back-to-back, against LAL on its own second night.
    expect(at('2024-10-26', 'BOS')).toMatchObject({
      days_rest: 0, is_back_to_back: true, games_last_7_days: 3, opponent_days_rest: 0, opponent_is_back_to_back: true,
    });
    // Two road games running (10-26 at LAL, 10-28 at NYK); NYK on a back-to-back after the 10-27 overtime game.
    expect(at('2024-10-28', 'BOS')).toMatchObject({ home_away_streak: 2, games_last_7_days: 4, opponent_is_back_to_back: true });
    // LAL: three home games running (10-26, 10-29, 10-30), the last a back-to-back.
    expect(at('2024-10-30', 'LAL')).toMatchObject({ is_home: true, home_away_streak: 3, days_rest: 0, is_back_to_back: true });
    // The postponed 10-31 game is not rest-breaking history: NYK's previous game was 10-30.
    expect(at('2024-11-01', 'NYK')).toMatchObject({ days_rest: 1, is_back_to_back: false, is_home: false, home_away_streak: 2 });
    expect(at('2024-11-01', 'BOS')).toMatchObject({ days_rest: 1, games_last_7_days: 4, home_away_streak: 2 });
  });
});

describe('upcoming_player_game_context', () => {
  it('matches lines and form computed from the odds and the game log', () => {
    expectRows(fullRun.get(upcomingPlayerGameContextProcessor)!, expectedPlayerContext(fx), ['game_id', 'player_lookup']);
  });

  it('has a row only for final games with a points line', () => {
    const rows = fullRun.get(upcomingPlayerGameContextProcessor)!;
    // Not the postponed 10-31 game's line, and no player without one.
    expect(rows.map((r) => `${r.game_date} ${r.player_lookup}`).sort()).toEqual([
      '2024-10-28 bos1', '2024-10-28 nyk1', '2024-10-30 bos1', '2024-10-30 lal1', '2024-10-30 min1',
      '2024-11-01 bos1', '2024-11-01 bos9', '2024-11-01 min1', '2024-11-01 nyk1',
    ]);
  });

  it('gets the hand-checked cases right', () => {
    const rows = fullRun.get(upcomingPlayerGameContextProcessor)!;
    const log = expectedPlayerGames(fx).filter((r) => r.player_lookup === 'bos1');
    const pointsOn = (date: string) => num(log.find((r) => r.game_date === date)!.points);
    // bos1 before 11-01: six games; the last five leave out 10-22 and the game itself.
    const bos1 = rowOf(rows, { game_date: '2024-11-01', player_lookup: 'bos1' });
    expect(bos1).toMatchObject({ games_played_season: 6, days_rest: 1, is_back_to_back: false, points_line: 28, bookmaker_count: 2, is_home: true });
    const lastFive = ['2024-10-24', '2024-10-25', '2024-10-26', '2024-10-28', '2024-10-30'].map(pointsOn);
    expect(num(bos1.avg_points_last_5)).toBeCloseTo(lastFive.reduce((a, b) => a + b, 0) / 5, 9);
    expect(num(bos1.avg_points_last_10)).toBeCloseTo((lastFive.reduce((a, b) => a + b, 0) + pointsOn('2024-10-22')) / 6, 9);
    // Median of four lines (20.5, 21.5, 22.5, 23.5) is 22; of three (26.5, 26.5, 27.5) 26.5.
    expect(rowOf(rows, { game_date: '2024-10-30', player_lookup: 'min1' })).toMatchObject({ points_line: 22, bookmaker_count: 4, is_back_to_back: true });
    expect(rowOf(rows, { game_date: '2024-10-30', player_lookup: 'bos1' })).toMatchObject({ points_line: 26.5, bookmaker_count: 3 });
    // nyk1 sat out 10-24 (inactive); the feed calls his team BKN on 11-01, the box score says NYK.
    expect(rowOf(rows, { game_date: '2024-11-01', player_lookup: 'nyk1' })).toMatchObject({
      team_abbr: 'NYK', opponent_abbr: 'BOS', is_home: false, games_played_season: 4, days_rest: 1,
    });
    // bos9 never played: a line but no form.
    expect(rowOf(rows, { game_date: '2024-11-01', player_lookup: 'bos9' })).toMatchObject({
      team_abbr: 'BOS', games_played_season: 0, avg_points_last_5: null, avg_points_last_10: null,
      avg_minutes_last_5: null, days_rest: null, is_back_to_back: false,
    });
  });
});

describe('every Phase 3 table', () => {
  it('has one row per key and only final games', () => {
    const final = new Set([...finalGames(fx).keys()]);
    for (const proc of PHASE3_PROCESSORS) {
      const rows = fullRun.get(proc)!;
      expect(rows.length, proc.job).toBeGreaterThan(0);
      const keys = rows.map((r) => keyOf(r, proc.output.keys));
      expect(new Set(keys).size, proc.job).toBe(keys.length);
      expect(rows.filter((r) => !final.has(str(r.game_id))), proc.job).toEqual([]);
    }
  });

  it.each(PHASE3_PROCESSORS.map((proc) => [proc.job, proc] as const))(
    '%s: a run over some dates writes the same rows for them as a run over all dates',
    async (_job, proc) => {
      const some = ['2024-10-28', '2024-11-01'];
      await run(proc, some);
      const { rows } = await w.query(`SELECT COUNT(*) AS n FROM \`${FIXTURE_PROJECT}.${proc.output.name}\` WHERE processed_at IS NULL`);
      expect(rows[0].n).toBe(0);
      expect(await read(proc, some)).toEqual(fullRun.get(proc)!.filter((r) => some.includes(str(r.game_date))));
      expect(await read(proc)).toEqual(fullRun.get(proc)); // the other dates are untouched
    },
  );
});

describe('player_game_summary: the same bits whatever order the box scores arrive in', () => {
  // BOS's minutes add up to 240 oldest-first and to 239.99999999999997 newest-first in
  // FLOAT64 (checked below), so a team total summed in whatever order the rows arrive
  // changes usage_rate in its last bits from one run to the next.
  const MINUTES = [36.1, 33.2, 32.3, 29.4, 28.7, 27.9, 26.3, 26.1];
  const usageByPlayer = async (order: 'given' | 'reversed'): Promise<Map<string, unknown>> => {
    const bos = MINUTES.map((minutes, k): PlayerLineSpec => ({ player: `bos${k + 1}`, team: 'BOS', minutes, starter: k < 5 }));
    const fixture = new RawFixtureBuilder().game({
      gameId: '0022400001', date: '2024-10-22', home: 'BOS', away: 'NYK',
      players: [...(order === 'given' ? bos : [...bos].reverse()), ...rotation('NYK', '0022400001')],
    }).build();
    const { w: one, close: done } = await openFixtureWarehouse(fixture, [PLAYER_GAME_SUMMARY]);
    try {
      await one.execute(playerGameSummaryProcessor.insertSql(FIXTURE_PROJECT), insertParams(['2024-10-22']));
      const { rows } = await one.query(`SELECT player_lookup, usage_rate FROM \`${FIXTURE_PROJECT}.${PLAYER_GAME_SUMMARY.name}\` WHERE team_abbr = 'BOS'`);
      return new Map(rows.map((r) => [str(r.player_lookup), r.usage_rate]));
    } finally { await done(); }
  };

  it('usage_rate sums the team minutes exactly: rows in the reverse order give the same bits', async () => {
    expect(MINUTES.reduce((a, b) => a + b, 0)).not.toBe([...MINUTES].reverse().reduce((a, b) => a + b, 0));
    const [given, reversed] = [await usageByPlayer('given'), await usageByPlayer('reversed')];
    expect(given.size).toBe(MINUTES.length);
    for (const [player, usage] of given) {
      expect(typeof usage, player).toBe('number');
      expect(Object.is(usage, reversed.get(player)), `${player}: ${String(usage)} vs ${String(reversed.get(player))}`).toBe(true);
    }
  });
});

/**
 * The five Phase 4 processors on a small fixture league (test/support/phase4-fixtures.ts),
 * checked against values computed here in TypeScript straight from the fixture:
 * rolling windows, completeness_pct, zones NULL without play-by-play, the composite
 * parts, the feature vector; plus no leakage, one row per key, and subset = full run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PHASE4_PROCESSORS, ML_FEATURES, ML_FEATURE_VERSION, ML_FEATURE_STORE, PLAYER_COMPOSITE_FACTORS,
  PLAYER_DAILY_CACHE, PLAYER_SHOT_ZONE_ANALYSIS, TEAM_DEFENSE_ZONE_ANALYSIS, PHASE4_TABLES,
} from '../lib/jobs/phase4/index.ts';
import { addDays, daysBetween } from '../lib/seasons/calendar.ts';
import { splitStatements } from '../lib/warehouse/translate.ts';
import { p } from '../lib/warehouse/params.ts';
import { insertParams } from '../lib/jobs/dates.ts';
import type { Row } from '../lib/warehouse/types.ts';
import type { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import {
  PROJECT, ZONES, buildFixture, gameDates, openFixtureWarehouse, readTable, runPhase4,
  type Fixture, type PlayerGame, type Shot, type TeamGame, type Zone,
} from './support/phase4-fixtures.ts';

// ---------------------------------------------------------------- the oracle

const fx = buildFixture();
const DATES = gameDates(fx);

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);
const std = (xs: number[]) => {
  if (xs.length < 2) return null;
  const m = avg(xs)!;
  return Math.sqrt(sum(xs.map((x) => (x - m) ** 2)) / (xs.length - 1));
};
const pct = (n: number, window: number) => Math.round((1000 * n) / window) / 10;
const season = (date: string) => fx.games.find((g) => g.game_date === date)!.season_year;

/** Teams playing on a date: team → its game. */
function playing(date: string): Map<string, { game_id: string; opponent: string; is_home: boolean }> {
  const out = new Map<string, { game_id: string; opponent: string; is_home: boolean }>();
  for (const g of fx.games.filter((x) => x.game_date === date)) {
    out.set(g.home, { game_id: g.game_id, opponent: g.away, is_home: true });
    out.set(g.away, { game_id: g.game_id, opponent: g.home, is_home: false });
  }
  return out;
}

const newestFirst = <T extends { game_date: string; game_id: string }>(xs: T[]) =>
  [...xs].sort((a, b) => b.game_date.localeCompare(a.game_date) || b.game_id.localeCompare(a.game_id));

function playerHistory(player: string, date: string): PlayerGame[] {
  return newestFirst(fx.playerGames.filter((g) =>
    g.player_lookup === player && g.season_year === season(date) && g.game_date < date && g.minutes > 0));
}

function teamHistory(team: string, date: string): TeamGame[] {
  return newestFirst(fx.teamGames.filter((g) => g.team_abbr === team && g.season_year === season(date) && g.game_date < date));
}

/** Players on the current roster of each playing team: latest game for it, within its last 10. */
function roster(date: string): Map<string, string> {
  const out = new Map<string, string>();
  const teams = playing(date);
  const players = [...new Set(fx.playerGames.map((g) => g.player_lookup))];
  for (const player of players) {
    const latest = playerHistory(player, date)[0];
    if (!latest || !teams.has(latest.team_abbr)) continue;
    const teamDates = [...new Set(fx.playerGames
      .filter((g) => g.team_abbr === latest.team_abbr && g.season_year === season(date) && g.game_date < date)
      .map((g) => g.game_date))].sort().reverse();
    if (latest.game_date >= teamDates[Math.min(9, teamDates.length - 1)]) out.set(player, latest.team_abbr);
  }
  return out;
}

function zoneTotals(shots: Shot[]): Record<Zone, { att: number; made: number }> {
  const out = {} as Record<Zone, { att: number; made: number }>;
  for (const z of ZONES) {
    const inZone = shots.filter((s) => s.shot_zone === z);
    out[z] = { att: inZone.length, made: inZone.filter((s) => s.shot_made).length };
  }
  return out;
}

const pbpGames = new Set(fx.shots.map((s) => s.game_id));

/** A team's final games this season before the date, newest first, from the schedule. */
function teamSchedule(team: string, date: string) {
  return newestFirst(fx.games.filter((g) => (g.home === team || g.away === team) && g.season_year === season(date) && g.game_date < date));
}

/**
 * completeness_pct as the data contract means it: of the team's last `window`
 * scheduled games before the date, the share for which the data exists (for a
 * player: his Phase 3 row; the fixture records no inactive or DNP rows).
 */
function expectedPlayerCompleteness(player: string, date: string): number {
  const team = roster(date).get(player)!;
  const games = teamSchedule(team, date).slice(0, 10);
  return pct(games.filter((g) => fx.playerGames.some((pg) => pg.player_lookup === player && pg.game_id === g.game_id)).length, 10);
}

function expectedTeamDefense(team: string, date: string) {
  const window = teamHistory(team, date).slice(0, 15);
  const withShots = window.filter((g) => pbpGames.has(g.game_id));
  const opponentShots = fx.shots.filter((s) => withShots.some((g) => g.game_id === s.game_id && s.team_abbr === g.opponent_abbr));
  const leagueShots = fx.shots.filter((s) => s.game_date < date && season(s.game_date) === season(date));
  const t = zoneTotals(opponentShots);
  const l = zoneTotals(leagueShots);
  const total = withShots.length ? sum(ZONES.map((z) => t[z].att)) : null;
  const zone = (z: Zone) => {
    const fg = withShots.length ? ratio(t[z].made, t[z].att) : null;
    const league = ratio(l[z].made, l[z].att);
    return {
      share: withShots.length ? ratio(t[z].att, total) : null,
      fg,
      vsLeague: fg === null || league === null ? null : 100 * (fg - league),
    };
  };
  return {
    games: window.length,
    pointsAllowed: avg(window.map((g) => g.points_allowed)),
    rating: avg(window.map((g) => g.defensive_rating)),
    oppFgPct: ratio(sum(window.map((g) => g.opp_fg_made)), sum(window.map((g) => g.opp_fg_attempted))),
    gamesWithShots: withShots.length,
    zones: Object.fromEntries(ZONES.map((z) => [z, zone(z)])) as Record<Zone, ReturnType<typeof zone>>,
    completeness: pct(teamSchedule(team, date).slice(0, 15).filter((g) => fx.teamGames.some((t) => t.team_abbr === team && t.game_id === g.game_id)).length, 15),
  };
}

function expectedShotZones(player: string, date: string) {
  const window = playerHistory(player, date).slice(0, 10);
  const withShots = window.filter((g) => pbpGames.has(g.game_id));
  const t = zoneTotals(fx.shots.filter((s) => s.player_lookup === player && withShots.some((g) => g.game_id === s.game_id)));
  const total = withShots.length ? sum(ZONES.map((z) => t[z].att)) : null;
  // A zone split needs MIN_ZONE_SHOTS play-by-play shots in the window (15, written out: the rule, not the constant).
  const enough = total !== null && total >= 15;
  const rate = (z: Zone) => (enough ? ratio(t[z].att, total) : null);
  return {
    games: window.length,
    gamesWithShots: withShots.length,
    attempts: (z: Zone) => (withShots.length ? t[z].att : null),
    rate,
    fg: (z: Zone) => (enough ? ratio(t[z].made, t[z].att) : null),
    enough,
    pointsLast5: avg(window.slice(0, 5).map((g) => g.points)),
    pointsLast10: avg(window.map((g) => g.points)),
    minutesLast10: avg(window.map((g) => g.minutes)),
    completeness: expectedPlayerCompleteness(player, date),
  };
}

function expectedFactors(player: string, date: string) {
  const history = playerHistory(player, date);
  const team = history[0].team_abbr;
  const opponent = playing(date).get(team)!.opponent;
  const since = (days: number) => history.filter((g) => g.game_date >= addDays(date, -days));
  const min3 = sum(since(3).map((g) => g.minutes));
  const min7 = sum(since(7).map((g) => g.minutes));
  const backToBack = history[0].game_date === addDays(date, -1);
  const fatigue = (backToBack ? 40 : 0) + 30 * Math.min(1, min3 / 72) + 30 * Math.min(1, min7 / 144);
  const paceOf = (t: string) => avg(fx.teamGames
    .filter((g) => g.team_abbr === t && g.season_year === season(date) && g.game_date < date)
    .sort((a, b) => b.game_date.localeCompare(a.game_date)).slice(0, 10).map((g) => g.offense_pace));
  const teamPace = paceOf(team)!;
  const oppPace = paceOf(opponent)!;
  const zones = expectedShotZones(player, date);
  const defense = expectedTeamDefense(opponent, date);
  const parts = ZONES.map((z) => {
    const r = zones.rate(z);
    const v = defense.zones[z].vsLeague;
    return r === null || v === null ? null : r * v;
  });
  const matchup = parts.every((x) => x === null) ? null : sum(parts.map((x) => x ?? 0));
  const baseline = avg(history.map((g) => g.points))!;
  const usage5 = avg(history.slice(0, 5).map((g) => g.usage_rate))!;
  const usageSeason = avg(history.map((g) => g.usage_rate))!;
  const adjustments = {
    fatigue: -0.08 * baseline * fatigue / 100,
    matchup: baseline * (matchup ?? 0) / 50,
    pace: baseline * (oppPace - teamPace) / (2 * teamPace),
    usage: baseline * 0.5 * (usage5 - usageSeason) / usageSeason,
  };
  return {
    team, opponent, baseline, backToBack, min3, min7, fatigue, matchup, teamPace, oppPace,
    daysRest: daysBetween(history[0].game_date, date) - 1,
    gamesLast7: since(7).length,
    usage5, usageSeason, adjustments,
    composite: sum(Object.values(adjustments)),
  };
}

function expectedDailyCache(player: string, date: string) {
  const h = playerHistory(player, date);
  const last = (n: number, key: 'points' | 'minutes' | 'rebounds' | 'assists') => avg(h.slice(0, n).map((g) => g[key]));
  return {
    games: h.length,
    pointsSeason: avg(h.map((g) => g.points)), reboundsSeason: avg(h.map((g) => g.rebounds)),
    assistsSeason: avg(h.map((g) => g.assists)), minutesSeason: avg(h.map((g) => g.minutes)),
    points5: last(5, 'points'), points10: last(10, 'points'), std10: std(h.slice(0, 10).map((g) => g.points)),
    rebounds10: last(10, 'rebounds'), assists10: last(10, 'assists'),
    minutes5: last(5, 'minutes'), minutes10: last(10, 'minutes'),
    trend: last(5, 'minutes')! - avg(h.map((g) => g.minutes))!,
    completeness: expectedPlayerCompleteness(player, date),
    lastGame: h[0].game_date,
  };
}

// --------------------------------------------------------------- assertions

/** Equal within floating error, with NULL only where NULL is expected. */
function close(actual: unknown, expected: number | null, label: string): void {
  if (expected === null) {
    expect(actual, label).toBeNull();
    return;
  }
  expect(typeof actual, label).toBe('number');
  expect(Math.abs((actual as number) - expected), `${label}: ${String(actual)} vs ${expected}`).toBeLessThan(1e-6);
}

const byDate = (rows: Row[], column: string) => (date: string) => rows.filter((r) => r[column] === date);

// --------------------------------------------------------------------- tests

describe('Phase 4 processor definitions', () => {
  const contract = [
    ['precompute/team_defense_zone_analysis', 'TeamDefenseZoneAnalysisProcessor', 'nba_precompute.team_defense_zone_analysis', 'analysis_date'],
    ['precompute/player_shot_zone_analysis', 'PlayerShotZoneAnalysisProcessor', 'nba_precompute.player_shot_zone_analysis', 'analysis_date'],
    ['precompute/player_composite_factors', 'PlayerCompositeFactorsProcessor', 'nba_precompute.player_composite_factors', 'game_date'],
    ['precompute/player_daily_cache', 'PlayerDailyCacheProcessor', 'nba_precompute.player_daily_cache', 'cache_date'],
    ['precompute/ml_feature_store', 'MLFeatureStoreProcessor', 'nba_predictions.ml_feature_store', 'game_date'],
  ];

  it('names, orders and outputs follow the data contract', () => {
    expect(PHASE4_PROCESSORS.map((d) => [d.job, d.processorName, d.output.name, d.output.dateColumn])).toEqual(contract);
    expect(PHASE4_PROCESSORS.map((d) => d.order)).toEqual([1, 2, 3, 4, 5]);
    for (const d of PHASE4_PROCESSORS) {
      expect(d.phase).toBe('phase_4_precompute');
      expect(d.output.columns.find(([n]) => n === 'completeness_pct')?.[1], d.job).toBe('FLOAT64');
      expect(d.output.columns.filter(([, , desc]) => !desc).map(([n]) => n), d.job).toEqual([]);
    }
  });

  it('each job depends on every Phase 4 job before it, same date, required', () => {
    PHASE4_PROCESSORS.forEach((d, i) => {
      for (const earlier of PHASE4_PROCESSORS.slice(0, i)) {
        const dep = d.dependencies.find((x) => x.table === earlier.output.name);
        expect(dep, `${d.job} → ${earlier.job}`).toEqual({
          table: earlier.output.name, dateColumn: earlier.output.dateColumn, lookbackDays: 0, required: true,
        });
      }
    });
  });

  it('each insert is one set-based BigQuery statement over @dates', () => {
    for (const d of PHASE4_PROCESSORS) {
      const sql = d.insertSql(PROJECT);
      expect(splitStatements(sql), d.job).toHaveLength(1);
      expect(sql.startsWith(`INSERT INTO \`${PROJECT}.${d.output.name}\` (`), d.job).toBe(true);
      expect(sql, d.job).toMatch(/IN UNNEST\(@dates\)/);
    }
  });

  it('rejects a project id that would break out of the table path', () => {
    expect(() => PHASE4_PROCESSORS[0].insertSql('nba`; DROP')).toThrow(/project id/);
  });

  it('the feature store has the ML_FEATURES columns, in order, as FLOAT64', () => {
    const names = ML_FEATURES.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(20);
    const cols = ML_FEATURE_STORE.columns.map(([n]) => n);
    const start = cols.indexOf(names[0]);
    expect(cols.slice(start, start + names.length)).toEqual(names);
    for (const f of ML_FEATURES) {
      expect(ML_FEATURE_STORE.columns.find(([n]) => n === f.name)?.[1]).toBe('FLOAT64');
      expect(f.description.length, f.name).toBeGreaterThan(5);
    }
  });
});

describe('Phase 4 on the fixture league', () => {
  let w: DuckDBWarehouse;
  let close_: () => Promise<void>;
  const out: Record<string, Row[]> = {};

  beforeAll(async () => {
    ({ w, close: close_ } = await openFixtureWarehouse(fx));
    await runPhase4(w, DATES);
    for (const t of PHASE4_TABLES) out[t.name] = await readTable(w, t);
  });
  afterAll(async () => { await close_(); });

  const tdz = () => out[TEAM_DEFENSE_ZONE_ANALYSIS.name];
  const psz = () => out[PLAYER_SHOT_ZONE_ANALYSIS.name];
  const pcf = () => out[PLAYER_COMPOSITE_FACTORS.name];
  const pdc = () => out[PLAYER_DAILY_CACHE.name];
  const mlf = () => out[ML_FEATURE_STORE.name];

  it('writes one row per key and date, only for teams and players playing that date', () => {
    for (const t of PHASE4_TABLES) {
      const keys = out[t.name].map((r) => [t.dateColumn, ...t.keys].map((k) => r[k]).join('|'));
      expect(new Set(keys).size, t.name).toBe(keys.length);
      expect(keys.length, t.name).toBeGreaterThan(0);
    }
    for (const date of DATES) {
      expect(byDate(tdz(), 'analysis_date')(date).map((r) => r.team_abbr).sort()).toEqual([...playing(date).keys()].sort());
      const expected = [...roster(date).entries()].sort();
      const got = (rows: Row[]) => rows.map((r) => [r.player_lookup, r.team_abbr]).sort();
      expect(got(byDate(psz(), 'analysis_date')(date)), date).toEqual(expected);
      expect(got(byDate(pcf(), 'game_date')(date)), date).toEqual(expected);
      expect(got(byDate(pdc(), 'cache_date')(date)), date).toEqual(expected);
      expect(got(byDate(mlf(), 'game_date')(date)), date).toEqual(expected);
    }
  });

  it('rosters follow trades and drop players who stopped playing', () => {
    const last = DATES[DATES.length - 1];
    const row = (date: string, player: string) => psz().find((r) => r.analysis_date === date && r.player_lookup === player);
    expect(psz().some((r) => r.player_lookup === 'nyk4')).toBe(true);
    expect(psz().filter((r) => r.analysis_date === last && r.team_abbr === 'NYK').length).toBeGreaterThan(0);
    expect(row(last, 'nyk4')).toBeUndefined();
    expect(psz().some((r) => r.player_lookup === 'lal3' && r.team_abbr === 'LAL')).toBe(true);
    const gsw = DATES.filter((d) => playing(d).has('GSW')).pop()!;
    expect(row(gsw, 'lal3')?.team_abbr).toBe('GSW');
  });

  it('team_defense_zone_analysis: last-15 averages, completeness, zones only with play-by-play', () => {
    for (const r of tdz()) {
      const e = expectedTeamDefense(r.team_abbr as string, r.analysis_date as string);
      const at = `${r.team_abbr} ${r.analysis_date}`;
      expect(r.games_in_sample, at).toBe(e.games);
      expect(r.completeness_pct, at).toBe(e.completeness);
      expect(r.games_with_shot_data, at).toBe(e.gamesWithShots);
      close(r.points_allowed_avg_last_15, e.pointsAllowed, `${at} points allowed`);
      close(r.defensive_rating_avg_last_15, e.rating, `${at} rating`);
      close(r.opp_fg_pct_allowed_last_15, e.oppFgPct, `${at} opp fg%`);
      for (const z of ZONES) {
        close(r[`${z}_share_allowed`], e.zones[z].share, `${at} ${z} share`);
        close(r[`${z}_fg_pct_allowed`], e.zones[z].fg, `${at} ${z} fg%`);
        close(r[`${z}_fg_pct_vs_league_pp`], e.zones[z].vsLeague, `${at} ${z} vs league`);
      }
    }
    // The first date of the season has no history: a row with nothing in it.
    expect(byDate(tdz(), 'analysis_date')(DATES[0]).every((r) => r.games_in_sample === 0 && r.completeness_pct === 0)).toBe(true);
    expect(tdz().some((r) => r.games_in_sample === 15 && r.completeness_pct === 100)).toBe(true);
    expect(tdz().some((r) => r.paint_share_allowed === null && (r.games_in_sample as number) > 0)).toBe(true);
    expect(tdz().some((r) => r.paint_share_allowed !== null)).toBe(true);
  });

  it('player_shot_zone_analysis: last-10 window, completeness, zones NULL without play-by-play', () => {
    for (const r of psz()) {
      const e = expectedShotZones(r.player_lookup as string, r.analysis_date as string);
      const at = `${r.player_lookup} ${r.analysis_date}`;
      expect(r.games_in_sample, at).toBe(e.games);
      expect(r.games_with_shot_data, at).toBe(e.gamesWithShots);
      expect(r.completeness_pct, at).toBe(e.completeness);
      close(r.points_avg_last_5, e.pointsLast5, `${at} pts5`);
      close(r.points_avg_last_10, e.pointsLast10, `${at} pts10`);
      close(r.minutes_avg_last_10, e.minutesLast10, `${at} min10`);
      for (const z of ZONES) {
        close(r[`${z}_attempts_last_10`], e.attempts(z), `${at} ${z} attempts`);
        close(r[`${z}_rate_last_10`], e.rate(z), `${at} ${z} rate`);
        close(r[`${z}_fg_pct_last_10`], e.fg(z), `${at} ${z} fg%`);
      }
      if (!e.enough) expect(r.primary_scoring_zone, at).toBeNull();
      else expect(r.primary_scoring_zone, at).not.toBeNull();
    }
    expect(psz().filter((r) => r.games_with_shot_data === 0).length).toBeGreaterThan(0);
    expect(psz().filter((r) => r.paint_rate_last_10 !== null).length).toBeGreaterThan(0);
    // The minimum bites: some windows have play-by-play games but too few shots for a zone split.
    expect(psz().filter((r) => (r.games_with_shot_data as number) > 0 && r.primary_scoring_zone === null).length).toBeGreaterThan(0);
  });

  it('player_shot_zone_analysis quality: mostly Good after week 3, lower before', () => {
    const start = DATES[0];
    const good = (rows: Row[]) => rows.filter((r) => (r.completeness_pct as number) >= 90).length / rows.length;
    const late = psz().filter((r) => daysBetween(start, r.analysis_date as string) >= 21);
    const early = psz().filter((r) => daysBetween(start, r.analysis_date as string) < 14);
    expect(good(late)).toBeGreaterThanOrEqual(0.8);
    expect(good(early)).toBeLessThan(0.5);
  });

  it('player_composite_factors: fatigue, matchup, pace and usage parts, and their sum', () => {
    for (const r of pcf()) {
      const e = expectedFactors(r.player_lookup as string, r.game_date as string);
      const at = `${r.player_lookup} ${r.game_date}`;
      expect([r.team_abbr, r.opponent_abbr], at).toEqual([e.team, e.opponent]);
      expect(r.days_rest, at).toBe(e.daysRest);
      expect(r.is_back_to_back, at).toBe(e.backToBack);
      expect(r.games_last_7_days, at).toBe(e.gamesLast7);
      close(r.minutes_last_3_days, e.min3, `${at} min3`);
      close(r.minutes_last_7_days, e.min7, `${at} min7`);
      close(r.fatigue_score, e.fatigue, `${at} fatigue`);
      close(r.baseline_points, e.baseline, `${at} baseline`);
      close(r.zone_matchup_score, e.matchup, `${at} matchup`);
      close(r.team_pace_last_10, e.teamPace, `${at} pace`);
      close(r.pace_diff, e.oppPace - e.teamPace, `${at} pace diff`);
      close(r.usage_change, e.usage5 - e.usageSeason, `${at} usage change`);
      close(r.fatigue_adjustment, e.adjustments.fatigue, `${at} fatigue adj`);
      close(r.matchup_adjustment, e.adjustments.matchup, `${at} matchup adj`);
      close(r.pace_adjustment, e.adjustments.pace, `${at} pace adj`);
      close(r.usage_adjustment, e.adjustments.usage, `${at} usage adj`);
      close(r.composite_adjustment, e.composite, `${at} composite`);
      close(r.projected_points, e.baseline + e.composite, `${at} projection`);
      const parts = ['fatigue_adjustment', 'matchup_adjustment', 'pace_adjustment', 'usage_adjustment'];
      close(r.composite_adjustment, sum(parts.map((c) => r[c] as number)), `${at} parts sum`);
      expect(r.fatigue_score as number).toBeGreaterThanOrEqual(0);
      expect(r.fatigue_score as number).toBeLessThanOrEqual(100);
    }
    // NULL-safe: no zones → no matchup score, and a zero (not NULL) matchup adjustment.
    const noZones = pcf().filter((r) => r.zone_matchup_score === null);
    expect(noZones.length).toBeGreaterThan(0);
    expect(noZones.every((r) => r.matchup_adjustment === 0)).toBe(true);
    expect(pcf().some((r) => r.zone_matchup_score !== null)).toBe(true);
    expect(pcf().some((r) => r.is_back_to_back === true)).toBe(true);
    expect(pcf().some((r) => r.is_back_to_back === false)).toBe(true);
  });

  it('player_daily_cache: season and last-5/10 averages from games before the date', () => {
    for (const r of pdc()) {
      const e = expectedDailyCache(r.player_lookup as string, r.cache_date as string);
      const at = `${r.player_lookup} ${r.cache_date}`;
      expect(r.games_played_season, at).toBe(e.games);
      expect(r.last_game_date, at).toBe(e.lastGame);
      expect(r.completeness_pct, at).toBe(e.completeness);
      close(r.points_avg_season, e.pointsSeason, `${at} pts`);
      close(r.rebounds_avg_season, e.reboundsSeason, `${at} reb`);
      close(r.assists_avg_season, e.assistsSeason, `${at} ast`);
      close(r.minutes_avg_season, e.minutesSeason, `${at} min`);
      close(r.points_avg_last_5, e.points5, `${at} pts5`);
      close(r.points_avg_last_10, e.points10, `${at} pts10`);
      close(r.points_std_last_10, e.std10, `${at} std10`);
      close(r.rebounds_avg_last_10, e.rebounds10, `${at} reb10`);
      close(r.assists_avg_last_10, e.assists10, `${at} ast10`);
      close(r.minutes_avg_last_5, e.minutes5, `${at} min5`);
      close(r.minutes_avg_last_10, e.minutes10, `${at} min10`);
      close(r.minutes_trend, e.trend, `${at} trend`);
    }
  });

  it('ml_feature_store: the named features from their sources, quality score and version', () => {
    const find = (rows: Row[], dateCol: string, date: string, key: string, value: unknown) =>
      rows.find((x) => x[dateCol] === date && x[key] === value)!;
    for (const r of mlf()) {
      const date = r.game_date as string;
      const player = r.player_lookup;
      const d = find(pdc(), 'cache_date', date, 'player_lookup', player);
      const c = find(pcf(), 'game_date', date, 'player_lookup', player);
      const z = find(psz(), 'analysis_date', date, 'player_lookup', player);
      const o = find(tdz(), 'analysis_date', date, 'team_abbr', r.opponent_abbr);
      const line = fx.props.find((x) => x.game_date === date && x.player_lookup === player)?.points_line ?? null;
      const bool = (v: unknown) => (v === null ? null : v ? 1 : 0);
      const expected: Record<string, number | null> = {
        points_avg_last_5: d.points_avg_last_5 as number, points_avg_last_10: d.points_avg_last_10 as number,
        points_avg_season: d.points_avg_season as number, points_std_last_10: d.points_std_last_10 as number | null,
        minutes_avg_last_5: d.minutes_avg_last_5 as number, minutes_avg_season: d.minutes_avg_season as number,
        minutes_trend: d.minutes_trend as number, games_played_season: d.games_played_season as number,
        usage_rate_last_5: c.usage_rate_last_5 as number, usage_change: c.usage_change as number,
        days_rest: c.days_rest as number, is_back_to_back: bool(c.is_back_to_back), fatigue_score: c.fatigue_score as number,
        pace_diff: c.pace_diff as number, opp_def_rating: o.defensive_rating_avg_last_15 as number,
        opp_points_allowed_avg: o.points_allowed_avg_last_15 as number, zone_matchup_score: c.zone_matchup_score as number | null,
        paint_rate: z.paint_rate_last_10 as number | null, three_rate: z.three_rate_last_10 as number | null,
        is_home: bool(c.is_home), composite_adjustment: c.composite_adjustment as number, points_line: line,
      };
      expect(Object.keys(expected)).toEqual(ML_FEATURES.map((f) => f.name));
      for (const f of ML_FEATURES) close(r[f.name], expected[f.name], `${player} ${date} ${f.name}`);
      const missing = Object.values(expected).filter((v) => v === null).length;
      expect(r.features_missing).toBe(missing);
      const n = ML_FEATURES.length;
      close(r.completeness_pct, d.completeness_pct as number, 'completeness');
      const quality = 0.7 * (d.completeness_pct as number) + (30 * (n - missing)) / n;
      expect(Math.abs((r.feature_quality_score as number) - quality)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(r.feature_version).toBe(ML_FEATURE_VERSION);
    }
    expect(mlf().some((r) => r.points_line !== null)).toBe(true);
    expect(mlf().some((r) => r.points_line === null)).toBe(true);
  });

  it('writes nothing for a date without games and does not fail on the first day of a season', async () => {
    let restDay = DATES[0];
    while (DATES.includes(restDay)) restDay = addDays(restDay, 1);
    for (const proc of PHASE4_PROCESSORS) {
      await w.atomic([{ sql: proc.insertSql(PROJECT), params: insertParams([restDay]) }]);
    }
    for (const t of PHASE4_TABLES) {
      const { rows } = await w.query(`SELECT COUNT(*) AS n FROM \`${PROJECT}.${t.name}\` WHERE ${t.dateColumn} = @d`, { d: p.date(restDay) });
      expect(rows[0].n, t.name).toBe(0);
    }
    expect(pcf().filter((r) => r.game_date === DATES[0])).toEqual([]);
    // The previous season's BOS–NYK game never counts: BOS's first record has no history.
    expect(tdz().find((r) => r.analysis_date === DATES[0] && r.team_abbr === 'BOS')?.games_in_sample).toBe(0);
  });
});

describe('completeness_pct measures data: the share of the team\'s last games with the player\'s data', () => {
  it('by hand on one date: 100 for an everyday player, 50 for one of every other game; a recorded DNP counts; a Phase 3 gap lowers it', async () => {
    const { w, close: done } = await openFixtureWarehouse(fx);
    try {
      const bos = fx.games.filter((g) => g.season_year === 2023 && (g.home === 'BOS' || g.away === 'BOS'))
        .sort((a, b) => a.game_date.localeCompare(b.game_date));
      // The date of BOS's game number 12 (0-based): its window is BOS games 2..11, ten games.
      const date = bos[12].game_date;
      const completenessOn = async () => {
        await runPhase4(w, [date]);
        const rows = (await readTable(w, PLAYER_SHOT_ZONE_ANALYSIS)).filter((r) => r.analysis_date === date);
        const pdcRows = (await readTable(w, PLAYER_DAILY_CACHE)).filter((r) => r.cache_date === date);
        const of = (rs: Row[], pl: string) => rs.find((r) => r.player_lookup === pl)?.completeness_pct;
        // The three player jobs measure the same window the same way.
        expect(of(pdcRows, 'bos4')).toBe(of(rows, 'bos4'));
        return { bos1: of(rows, 'bos1'), bos4: of(rows, 'bos4') };
      };
      // bos1 plays every game: 10 of 10. bos4 plays BOS games 0, 2, 4, …: in games 2..11 that is 2, 4, 6, 8, 10: 5 of 10.
      expect(await completenessOn()).toEqual({ bos1: 100, bos4: 50 });

      // The gamebook records bos4 as DNP in game 3, which he sat out: that game's data exists, 6 of 10.
      await w.execute(`INSERT INTO \`${PROJECT}.nba_raw.nbac_gamebook_player_stats\` (game_id, game_date, player_lookup, team_abbr, player_status, status_reason)
        VALUES (@g, @d, 'bos4', 'BOS', 'dnp', 'Coach''s Decision')`, { g: bos[3].game_id, d: p.date(bos[3].game_date) });
      expect(await completenessOn()).toEqual({ bos1: 100, bos4: 60 });

      // Phase 3 loses the date of game 4 (which both played): 9 of 10 for bos1, 5 of 10 for bos4.
      await w.execute(`DELETE FROM \`${PROJECT}.nba_analytics.player_game_summary\` WHERE game_date = @d`, { d: p.date(bos[4].game_date) });
      expect(await completenessOn()).toEqual({ bos1: 90, bos4: 50 });
    } finally {
      await done();
    }
  });

  it('a Phase 3 gap lowers exactly the records whose window holds it (where the player had data), and only after it', async () => {
    const { w, close: done } = await openFixtureWarehouse(fx);
    try {
      await runPhase4(w, DATES);
      const before = await readTable(w, PLAYER_SHOT_ZONE_ANALYSIS);
      const gap = DATES[10];
      await w.execute(`DELETE FROM \`${PROJECT}.nba_analytics.player_game_summary\` WHERE game_date = @d`, { d: p.date(gap) });
      await w.execute(`DELETE FROM \`${PROJECT}.nba_analytics.team_defense_game_summary\` WHERE game_date = @d`, { d: p.date(gap) });
      await runPhase4(w, DATES.filter((d) => d !== gap));
      const afterGap = await readTable(w, PLAYER_SHOT_ZONE_ANALYSIS);
      const key = (r: Row) => `${r.analysis_date}|${r.player_lookup}`;
      const old = new Map(before.map((r) => [key(r), r.completeness_pct as number]));
      const gapTeams = new Set(fx.games.filter((g) => g.game_date === gap).flatMap((g) => [g.home, g.away]));
      for (const r of afterGap.filter((x) => x.analysis_date !== gap)) {
        const team = r.team_abbr as string;
        // The gap is in the window when it is one of the team's last 10 games before the record's date;
        // it lowers the record when the player had data there (nyk4, gone after 5 games, had none).
        const inWindow = gapTeams.has(team) && teamSchedule(team, r.analysis_date as string).slice(0, 10).some((g) => g.game_date === gap)
          && fx.playerGames.some((pg) => pg.player_lookup === r.player_lookup && pg.game_date === gap);
        const was = old.get(key(r));
        if (was === undefined) continue; // the roster itself moved with the gap
        if (inWindow) expect(r.completeness_pct, key(r)).toBeLessThan(was);
        else expect(r.completeness_pct, key(r)).toBe(was);
      }
      expect(afterGap.filter((r) => (r.analysis_date as string) > gap && (r.completeness_pct as number) < (old.get(key(r)) ?? 0)).length).toBeGreaterThan(10);
    } finally {
      await done();
    }
  });
});

describe('Phase 4 without leakage and by subsets', () => {
  const mutateDate = DATES[12];

  /** Changes everything about the games on one date: stats, who played, their shots. */
  async function changeGamesOn(w: DuckDBWarehouse, f: Fixture, date: string): Promise<void> {
    const d = { d: p.date(date) };
    await w.execute(`UPDATE \`${PROJECT}.nba_analytics.player_game_summary\`
      SET points = points + 17, minutes = minutes + 9, usage_rate = usage_rate + 4, rebounds = rebounds + 3 WHERE game_date = @d`, d);
    await w.execute(`DELETE FROM \`${PROJECT}.nba_analytics.player_game_summary\` WHERE game_date = @d AND player_lookup = 'bos1'`, d);
    await w.execute(`UPDATE \`${PROJECT}.nba_analytics.team_defense_game_summary\`
      SET points_allowed = points_allowed + 30, defensive_rating = defensive_rating + 12, opp_fg_made = opp_fg_made + 5 WHERE game_date = @d`, d);
    await w.execute(`UPDATE \`${PROJECT}.nba_analytics.team_offense_game_summary\` SET pace = pace + 8 WHERE game_date = @d`, d);
    const game = f.games.find((g) => g.game_date === date)!;
    await w.execute(`INSERT INTO \`${PROJECT}.nba_raw.nbac_play_by_play_shots\`
      (game_id, game_date, event_id, team_abbr, player_lookup, shot_zone, shot_made)
      VALUES (@g, @d, 9001, @t, @pl, 'three', TRUE), (@g, @d, 9002, @t, @pl, 'paint', FALSE)`,
    { ...d, g: game.game_id, t: game.home, pl: `${game.home.toLowerCase()}2` });
  }

  const snapshot = async (w: DuckDBWarehouse) => {
    const out: Record<string, Row[]> = {};
    for (const t of PHASE4_TABLES) out[t.name] = await readTable(w, t);
    return out;
  };
  const onOrBefore = (rows: Row[], col: string, date: string) => rows.filter((r) => (r[col] as string) <= date);
  const after = (rows: Row[], col: string, date: string) => rows.filter((r) => (r[col] as string) > date);

  it('changing the games of a date changes no record dated on or before it', async () => {
    const { w, close: done } = await openFixtureWarehouse(fx);
    try {
      await runPhase4(w, DATES);
      const before = await snapshot(w);
      await changeGamesOn(w, fx, mutateDate);
      await runPhase4(w, DATES);
      const afterChange = await snapshot(w);
      for (const t of PHASE4_TABLES) {
        expect(onOrBefore(afterChange[t.name], t.dateColumn, mutateDate), t.name)
          .toEqual(onOrBefore(before[t.name], t.dateColumn, mutateDate));
        // …while later records do see it (the change is real).
        expect(after(afterChange[t.name], t.dateColumn, mutateDate), t.name)
          .not.toEqual(after(before[t.name], t.dateColumn, mutateDate));
      }
    } finally {
      await done();
    }
  });

  it('running a subset of dates gives those dates exactly as a full run does', async () => {
    const subset = [DATES[3], DATES[9], DATES[10], DATES[DATES.length - 1]];
    const full = await openFixtureWarehouse(fx);
    const part = await openFixtureWarehouse(fx);
    try {
      await runPhase4(full.w, DATES);
      await runPhase4(part.w, subset);
      const a = await snapshot(full.w);
      const b = await snapshot(part.w);
      for (const t of PHASE4_TABLES) {
        const pick = (rows: Row[]) => rows.filter((r) => subset.includes(r[t.dateColumn] as string));
        expect(pick(b[t.name]).length, t.name).toBeGreaterThan(0);
        expect(b[t.name], t.name).toEqual(pick(a[t.name]));
      }
      // Re-running a date replaces it rather than adding to it.
      await runPhase4(part.w, [DATES[9]]);
      expect(await snapshot(part.w)).toEqual(b);
    } finally {
      await full.close();
      await part.close();
    }
  });
});

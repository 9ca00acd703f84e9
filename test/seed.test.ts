/**
 * The Phase 2 seed: generator invariants over all four seasons (computed once,
 * in memory), then the seeded warehouse (the global setup's, copied) checked
 * with SQL against the gap plan and the Phase 2 re-load fix.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../lib/seed/cli.ts';
import { GAP_PLAN } from '../lib/seed/gaps.ts';
import { buildLeague, type League } from '../lib/seed/generate.ts';
import { isSeeded, reloadPhase2Dates, type SeedSummary } from '../lib/seed/load.ts';
import { PHASE2_TABLE_NAMES, type GamebookRow, type Phase2Rows, type Phase2Table, type ScheduleRow, type TeamBoxRow } from '../lib/seed/rows.ts';
import { PHASE2_TABLES } from '../lib/seed/schema.ts';
import { AS_OF, SEASON_PLANS } from '../lib/seed/seasons.ts';
import { TEAMS } from '../lib/seed/teams.ts';
import { PHASE2_START, SEASONS, addDays, daysBetween } from '../lib/seasons/calendar.ts';
import { scraperQuery, scraperVerdict, type ScraperRow } from '../lib/preflight/boxscore-scraper.ts';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { p } from '../lib/warehouse/params.ts';

let league: League;
let all: Phase2Rows;
const schedule = () => all.nbac_schedule;
const final = () => schedule().filter((g) => g.game_status === 3);

function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Invariants over hundreds of thousands of rows, checked in plain code and
 * asserted once (an expect() per row would take minutes): `expect(bad.found).toEqual([])`
 * reports the first violations.
 */
class Violations {
  readonly found: string[] = [];
  check(ok: boolean, what: () => string): void {
    if (!ok && this.found.length < 10) this.found.push(what());
  }
}
/** Orders rows as `ORDER BY game_id, <key>` does. */
const byGameThen = <R extends { game_id: string }>(key: keyof R) => (a: R, b: R) =>
  a.game_id < b.game_id ? -1 : a.game_id > b.game_id ? 1 : String(a[key]) < String(b[key]) ? -1 : 1;

beforeAll(() => {
  league = buildLeague();
  all = league.rowsFor(league.gameDates);
});

describe('schedule', () => {
  const regular = (year: number) => schedule().filter((g) => g.season_year === year && g.season_type === 'Regular Season');

  it('plays 1,230 regular-season games per season, 82 per team, 41 of them at home', () => {
    for (const { season } of SEASON_PLANS) {
      const games = regular(season.year);
      expect(games).toHaveLength(1230);
      for (const t of TEAMS) {
        expect(games.filter((g) => g.home_team_abbr === t.abbr || g.away_team_abbr === t.abbr)).toHaveLength(82);
        expect(games.filter((g) => g.home_team_abbr === t.abbr)).toHaveLength(41);
      }
    }
  });

  it('never has a team twice a day or three days running, and 1-15 games a day', () => {
    const bad = new Violations();
    const byTeam = groupBy(schedule().flatMap((g) => [[g.home_team_abbr, g.game_date], [g.away_team_abbr, g.game_date]]), ([team]) => team);
    for (const [team, games] of byTeam) {
      const sorted = games.map(([, date]) => date).sort();
      bad.check(new Set(sorted).size === sorted.length, () => `${team} twice on a day`);
      for (let k = 2; k < sorted.length; k++) bad.check(daysBetween(sorted[k - 2], sorted[k]) > 2, () => `${team} three days running to ${sorted[k]}`);
    }
    for (const [date, games] of groupBy(schedule(), (g) => g.game_date)) bad.check(games.length <= 15, () => `${date}: ${games.length} games`);
    expect(bad.found).toEqual([]);
  });

  it('gives each team about 12-16 back-to-backs a season, and typical nights of 5-11 games', () => {
    for (const { season } of SEASON_PLANS) {
      const games = regular(season.year);
      const b2b = TEAMS.map((t) => {
        const d = games.filter((g) => g.home_team_abbr === t.abbr || g.away_team_abbr === t.abbr).map((g) => g.game_date).sort();
        return d.filter((x, k) => k > 0 && daysBetween(d[k - 1], x) === 1).length;
      });
      expect(mean(b2b)).toBeGreaterThanOrEqual(12);
      expect(mean(b2b)).toBeLessThanOrEqual(16);
      const perDay = [...groupBy(games, (g) => g.game_date).values()].map((g) => g.length).sort((a, b) => a - b);
      expect(perDay[Math.floor(perDay.length * 0.25)]).toBeGreaterThanOrEqual(5);
      expect(perDay[Math.floor(perDay.length * 0.75)]).toBeLessThanOrEqual(11);
    }
  });

  it('leaves the All-Star break and the dark days empty', () => {
    const dates = new Set(schedule().map((g) => g.game_date));
    for (const plan of SEASON_PLANS) {
      const [from, to] = plan.allStarBreak;
      expect(daysBetween(from, to)).toBe(5);
      for (let d = from; d <= to; d = addDays(d, 1)) expect(dates.has(d)).toBe(false);
      for (const d of plan.offDays) expect(dates.has(d)).toBe(false);
    }
  });

  it('has 160-170 regular-season dates a season and about 675 final dates in the Phase 2 range', () => {
    for (const { season } of SEASON_PLANS) {
      const n = new Set(regular(season.year).map((g) => g.game_date)).size;
      expect(n).toBeGreaterThanOrEqual(160);
      expect(n).toBeLessThanOrEqual(170);
    }
    const finalDates = new Set(final().filter((g) => g.game_date >= PHASE2_START && g.game_date <= AS_OF).map((g) => g.game_date));
    expect(finalDates.size).toBeGreaterThanOrEqual(660);
    expect(finalDates.size).toBeLessThanOrEqual(690);
    expect(league.finalDates).toHaveLength(finalDates.size);
  });

  it('follows each full season with a play-in and 16-team best-of-seven playoffs', () => {
    for (const plan of SEASON_PLANS.filter((s) => s.postseason)) {
      const year = plan.season.year;
      const playIn = schedule().filter((g) => g.season_year === year && g.season_type === 'PlayIn');
      expect(playIn).toHaveLength(6);
      expect(new Set(playIn.map((g) => g.game_date)).size).toBe(4);
      expect(playIn.every((g) => g.game_date > plan.end)).toBe(true);

      const playoffs = schedule().filter((g) => g.season_year === year && g.season_type === 'Playoffs');
      expect(new Set(playoffs.flatMap((g) => [g.home_team_abbr, g.away_team_abbr])).size).toBe(16);
      const series = groupBy(playoffs, (g) => g.game_id.slice(0, 9));
      expect(series.size).toBe(15);
      for (const games of series.values()) {
        const wins = groupBy(games, (g) => (g.home_team_score! > g.away_team_score! ? g.home_team_abbr : g.away_team_abbr));
        expect(Math.max(...[...wins.values()].map((w) => w.length))).toBe(4);
        expect(games.length).toBeGreaterThanOrEqual(4);
        expect(games.length).toBeLessThanOrEqual(7);
      }
      const perDay = [...groupBy(playoffs, (g) => g.game_date).values()].map((g) => g.length);
      expect(Math.max(...perDay)).toBeLessThanOrEqual(4);
      const dates = playoffs.map((g) => g.game_date).sort();
      expect(dates[0].slice(5)).toMatch(/^04-(1[4-9]|2\d)$/);
      expect(dates.at(-1)!.slice(5)).toMatch(/^06-/);
      expect(daysBetween(dates[0], dates.at(-1)!) + 1).toBeGreaterThan(perDay.length); // some off days
    }
  });

  it("matches each season's postseason in the calendar: its play-in and playoff dates, and nothing else, fall in it", () => {
    for (const season of SEASONS) {
      const games = schedule().filter((g) => g.season_year === season.year);
      const post = games.filter((g) => g.season_type !== 'Regular Season').map((g) => g.game_date).sort();
      if (!season.postseason) { expect(post, season.id).toEqual([]); continue; }
      // The window opens on the first play-in day and holds every postseason game; no regular-season game is in it.
      expect(post[0], season.id).toBe(season.postseason.start);
      expect(post.at(-1)! <= season.postseason.end, season.id).toBe(true);
      expect(games.filter((g) => g.season_type === 'Regular Season' && g.game_date >= season.postseason!.start), season.id).toEqual([]);
      // And the regular season ends on the original's last day.
      expect(games.filter((g) => g.season_type === 'Regular Season').map((g) => g.game_date).sort().at(-1), season.id).toBe(season.regular.end);
    }
  });

  it('marks games after the as-of date scheduled, with no scores, and the rest final', () => {
    const bad = new Violations();
    for (const g of schedule()) {
      const ok = g.game_date <= AS_OF
        ? g.game_status === 3 && g.home_team_score !== null && g.home_team_score !== g.away_team_score
        : g.game_status === 1 && g.home_team_score === null && g.away_team_score === null && g.overtime_periods === null;
      bad.check(ok, () => JSON.stringify(g));
    }
    expect(bad.found).toEqual([]);
    expect(new Set(schedule().map((g) => g.game_id)).size).toBe(schedule().length);
    expect(schedule().every((g) => /^00[245]\d{7}$/.test(g.game_id))).toBe(true);
  });
});

describe('box scores', () => {
  const pts = (r: { fg2_made: number | null; fg3_made: number | null; ft_made: number | null }) => 2 * r.fg2_made! + 3 * r.fg3_made! + r.ft_made!;

  it('add up: minutes, points, makes, team totals, scores, home and away', () => {
    const bad = new Violations();
    const teams = groupBy(all.nbac_team_boxscore, (r) => r.game_id);
    const players = groupBy(all.nbac_gamebook_player_stats, (r) => `${r.game_id}/${r.team_abbr}`);
    const sums: (keyof TeamBoxRow & keyof GamebookRow)[] = [
      'points', 'fg2_made', 'fg2_attempted', 'fg3_made', 'fg3_attempted', 'ft_made', 'ft_attempted',
      'offensive_rebounds', 'defensive_rebounds', 'assists', 'steals', 'blocks', 'turnovers', 'personal_fouls',
    ];
    for (const g of final()) {
      const [home, away] = [true, false].map((isHome) => teams.get(g.game_id)!.find((t) => t.is_home === isHome)!);
      const id = g.game_id;
      bad.check(home.team_abbr === g.home_team_abbr && away.team_abbr === g.away_team_abbr, () => `${id}: home/away differ from the schedule`);
      bad.check(home.opponent_abbr === away.team_abbr && away.opponent_abbr === home.team_abbr, () => `${id}: opponents`);
      bad.check(home.points === g.home_team_score && away.points === g.away_team_score, () => `${id}: scores differ from the schedule`);
      for (const t of [home, away]) {
        const at = `${id}/${t.team_abbr}`;
        bad.check(t.minutes === 240 + 25 * g.overtime_periods!, () => `${at}: team minutes ${t.minutes}`);
        bad.check(t.points === pts(t), () => `${at}: points formula`);
        const active = players.get(at)!.filter((r) => r.player_status === 'active');
        const tenths = active.reduce((a, r) => a + Math.round(r.minutes! * 10), 0);
        bad.check(tenths === t.minutes * 10, () => `${at}: player minutes add up to ${tenths / 10}`);
        for (const col of sums) {
          const total = active.reduce((a, r) => a + (r[col] as number), 0);
          bad.check(total === t[col], () => `${at}: ${col} players ${total} vs team ${t[col]}`);
        }
        for (const r of active) {
          bad.check(r.points === pts(r), () => `${at}/${r.player_lookup}: points formula`);
          bad.check(r.fg2_made! <= r.fg2_attempted! && r.fg3_made! <= r.fg3_attempted! && r.ft_made! <= r.ft_attempted!, () => `${at}/${r.player_lookup}: made > attempted`);
          bad.check(r.personal_fouls! <= 6, () => `${at}/${r.player_lookup}: ${r.personal_fouls} fouls`);
        }
        // Every player's plus/minus adds up to five times the team's margin.
        const margin = t.points - (t === home ? away : home).points;
        bad.check(active.reduce((a, r) => a + r.plus_minus!, 0) === 5 * margin, () => `${at}: plus/minus`);
      }
    }
    expect(bad.found).toEqual([]);
  });

  it('looks like the NBA: scoring, shooting, overtime, home court', () => {
    const teams = all.nbac_team_boxscore;
    const sum = (f: (t: TeamBoxRow) => number) => teams.reduce((a, t) => a + f(t), 0);
    expect(mean(teams.map((t) => t.points))).toBeGreaterThan(105);
    expect(mean(teams.map((t) => t.points))).toBeLessThan(120);
    const fgPct = sum((t) => t.fg2_made + t.fg3_made) / sum((t) => t.fg2_attempted + t.fg3_attempted);
    expect(fgPct).toBeGreaterThan(0.44);
    expect(fgPct).toBeLessThan(0.5);
    const threePct = sum((t) => t.fg3_made) / sum((t) => t.fg3_attempted);
    expect(threePct).toBeGreaterThan(0.33);
    expect(threePct).toBeLessThan(0.39);
    expect(sum((t) => t.ft_made) / sum((t) => t.ft_attempted)).toBeGreaterThan(0.74);
    expect(mean(teams.map((t) => t.offensive_rebounds + t.defensive_rebounds))).toBeGreaterThan(40);
    const games = final();
    const ot = games.filter((g) => g.overtime_periods! > 0).length / games.length;
    expect(ot).toBeGreaterThan(0.04);
    expect(ot).toBeLessThan(0.08);
    const homeWins = games.filter((g) => g.home_team_score! > g.away_team_score!).length / games.length;
    expect(homeWins).toBeGreaterThan(0.5);
    expect(homeWins).toBeLessThan(0.62);
    expect(mean(games.map((g) => Math.abs(g.home_team_score! - g.away_team_score!)))).toBeLessThan(15);
  });

  it('lists every rostered player in the gamebook: active with stats, or inactive/DNP with a reason and NULL stats', () => {
    const bad = new Violations();
    const byTeamGame = groupBy(all.nbac_gamebook_player_stats, (r) => `${r.game_id}/${r.team_abbr}`);
    expect(byTeamGame.size).toBe(all.nbac_team_boxscore.length);
    for (const [at, rows] of byTeamGame) {
      const active = rows.filter((r) => r.player_status === 'active').length;
      bad.check(rows.length === 15 && rows.filter((r) => r.starter).length === 5 && active >= 8, () => `${at}: ${rows.length} players, ${active} active`);
    }
    const statuses = groupBy(all.nbac_gamebook_player_stats, (r) => r.player_status);
    expect([...statuses.keys()].sort()).toEqual(['active', 'dnp', 'inactive']);
    for (const r of [...statuses.get('dnp')!, ...statuses.get('inactive')!]) {
      bad.check(r.minutes === null && r.points === null && r.plus_minus === null && !r.starter && !!r.status_reason, () => JSON.stringify(r));
    }
    for (const r of statuses.get('active')!) bad.check(r.minutes! > 0 && r.status_reason === null, () => JSON.stringify(r));
    expect(bad.found).toEqual([]);
    expect(statuses.get('dnp')!.every((r) => r.status_reason === "Coach's Decision")).toBe(true);
    expect(statuses.get('inactive')!.some((r) => r.status_reason!.startsWith('Injury/Illness - '))).toBe(true);
  });

  it('keeps injuries as stretches of consecutive games', () => {
    const byPlayer = groupBy(all.nbac_gamebook_player_stats, (r) => r.player_lookup);
    let stretches = 0;
    let games = 0;
    for (const rows of byPlayer.values()) {
      const flags = rows.map((r) => r.player_status === 'inactive');
      games += flags.filter(Boolean).length;
      stretches += flags.filter((f, k) => f && !flags[k - 1]).length;
    }
    expect(games / stretches).toBeGreaterThan(2);
  });

  it('gives player_lookup as the letters and digits of the name, one name per lookup', () => {
    const bad = new Violations();
    const names = new Map<string, string>();
    for (const r of all.nbac_gamebook_player_stats) {
      bad.check(r.player_lookup === r.player_name.toLowerCase().replace(/[^a-z0-9]/g, ''), () => `${r.player_name} → ${r.player_lookup}`);
      bad.check((names.get(r.player_lookup) ?? r.player_name) === r.player_name, () => `${r.player_lookup}: two names`);
      names.set(r.player_lookup, r.player_name);
    }
    expect(bad.found).toEqual([]);
    expect(names.size).toBeGreaterThan(550);
  });

  it('repeats the active players in the second source, in its own vocabulary', () => {
    const active = all.nbac_gamebook_player_stats.filter((r) => r.player_status === 'active');
    expect(all.bdl_player_boxscores).toHaveLength(active.length);
    const gamebook = new Map(active.map((r) => [`${r.game_id}/${r.player_lookup}`, r]));
    const bad = new Violations();
    for (const b of all.bdl_player_boxscores) {
      const g = gamebook.get(`${b.game_id}/${b.player_lookup}`);
      if (!g) { bad.check(false, () => `${b.game_id}/${b.player_lookup}: not in the gamebook`); continue; }
      const [mm, ss] = b.minutes.split(':').map(Number);
      const same = /^\d{2}:[0-5]\d$/.test(b.minutes) && mm * 60 + ss === Math.round(g.minutes! * 60)
        && b.points === g.points && b.fgm === g.fg2_made! + g.fg3_made! && b.fga === g.fg2_attempted! + g.fg3_attempted!
        && b.fg3m === g.fg3_made && b.fg3a === g.fg3_attempted && b.ftm === g.ft_made && b.fta === g.ft_attempted
        && b.oreb === g.offensive_rebounds && b.dreb === g.defensive_rebounds && b.reb === b.oreb + b.dreb
        && b.ast === g.assists && b.stl === g.steals && b.blk === g.blocks && b.turnover === g.turnovers && b.pf === g.personal_fouls;
      bad.check(same, () => `${b.game_id}/${b.player_lookup}: ${JSON.stringify(b)} vs ${JSON.stringify(g)}`);
    }
    expect(bad.found).toEqual([]);
  });
});

describe('props lines and shots', () => {
  it('has lines on the last 270 final dates only, for every game: 8-14 players, 2-3 books, half points, before tip-off', () => {
    const dates = [...new Set(all.odds_api_player_points_props.map((r) => r.game_date))].sort();
    expect(dates).toEqual(league.finalDates.slice(-270));
    const games = groupBy(all.odds_api_player_points_props, (r) => r.game_id);
    expect(games.size).toBe(final().filter((g) => g.game_date >= dates[0]).length);
    const points = new Map(all.nbac_gamebook_player_stats.map((r) => [`${r.game_id}/${r.player_lookup}`, r]));
    const misses: number[] = [];
    const bad = new Violations();
    for (const [id, rows] of games) {
      const players = groupBy(rows, (r) => r.player_lookup);
      bad.check(players.size >= 8 && players.size <= 14, () => `${id}: ${players.size} players`);
      for (const [lookup, lines] of players) {
        const g = points.get(`${id}/${lookup}`);
        bad.check(lines.length >= 2 && lines.length <= 3 && g?.player_status === 'active', () => `${id}/${lookup}: ${lines.length} books, ${g?.player_status}`);
        misses.push(Math.abs(lines[0].points_line - (g?.points ?? 0)));
      }
      for (const r of rows) {
        bad.check(r.points_line % 1 === 0.5, () => `${id}/${r.player_lookup}: line ${r.points_line}`);
        bad.check(r.snapshot_timestamp.slice(0, 10) === r.game_date && r.snapshot_timestamp < `${r.game_date}T16:00:00.000Z`, () => `${id}: snapshot ${r.snapshot_timestamp}`);
      }
    }
    expect(bad.found).toEqual([]);
    expect(mean(misses)).toBeLessThan(7); // lines sit near what the player actually scores
  });

  it('has shots for a sparse share of games, more in the latest season, matching the box scores', () => {
    const shotGames = groupBy(all.nbac_play_by_play_shots, (r) => r.game_id);
    const games = final();
    const share = shotGames.size / games.length;
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.12);
    const shareIn = (year: number) => {
      const ids = games.filter((g) => g.season_year === year).map((g) => g.game_id);
      return ids.filter((id) => shotGames.has(id)).length / ids.length;
    };
    expect(shareIn(2024)).toBeGreaterThan(shareIn(2021));

    const bad = new Violations();
    const box = groupBy(all.nbac_gamebook_player_stats.filter((r) => shotGames.has(r.game_id)), (r) => r.game_id);
    for (const [gameId, shots] of shotGames) {
      bad.check(new Set(shots.map((s) => s.event_id)).size === shots.length, () => `${gameId}: duplicate event ids`);
      const byPlayer = groupBy(shots, (s) => s.player_lookup);
      for (const g of box.get(gameId)!.filter((r) => r.player_status === 'active')) {
        const own = byPlayer.get(g.player_lookup) ?? [];
        const count = (zones: string[], made?: boolean) => own.filter((s) => zones.includes(s.shot_zone) && (made === undefined || s.shot_made === made)).length;
        const ok = count(['paint', 'mid_range']) === g.fg2_attempted && count(['paint', 'mid_range'], true) === g.fg2_made
          && count(['three']) === g.fg3_attempted && count(['three'], true) === g.fg3_made
          && own.every((s) => (s.shot_zone === 'three') === (s.shot_distance_ft >= 22));
        bad.check(ok, () => `${gameId}/${g.player_lookup}: shots do not match the box score`);
      }
      const attempts = box.get(gameId)!.reduce((a, r) => a + (r.fg2_attempted ?? 0) + (r.fg3_attempted ?? 0), 0);
      bad.check(shots.length === attempts, () => `${gameId}: ${shots.length} shots, ${attempts} attempts`);
    }
    expect(bad.found).toEqual([]);
  });
});

describe('gap plan', () => {
  const count = (table: Phase2Table, recoverable?: boolean) =>
    GAP_PLAN.filter((g) => g.table === table && (recoverable === undefined || g.recoverable === recoverable)).length;

  it('has the planned counts and split', () => {
    expect([count('nbac_team_boxscore'), count('nbac_team_boxscore', true)]).toEqual([8, 6]);
    expect([count('nbac_gamebook_player_stats'), count('nbac_gamebook_player_stats', true)]).toEqual([5, 4]);
    expect(count('bdl_player_boxscores')).toBeGreaterThanOrEqual(40);
    expect(count('bdl_player_boxscores')).toBeLessThanOrEqual(50);
    expect(count('bdl_player_boxscores', true)).toBeGreaterThan(count('bdl_player_boxscores', false));
    expect(count('nbac_schedule')).toBe(0);
    const pct = (missing: number) => (100 * (league.finalDates.length - missing)) / league.finalDates.length;
    expect(pct(8)).toBeGreaterThan(95);
    expect(pct(8)).toBeLessThan(99);
    expect(pct(2)).toBeGreaterThanOrEqual(99.5);
  });

  it('uses final game dates only, spread over the seasons, no date twice per table', () => {
    const finals = new Set(league.finalDates);
    for (const g of GAP_PLAN) expect(finals.has(g.date)).toBe(true);
    expect(new Set(GAP_PLAN.map((g) => `${g.table}/${g.date}`)).size).toBe(GAP_PLAN.length);
    for (const { season } of SEASON_PLANS) expect(GAP_PLAN.some((g) => g.date >= season.start && g.date < addDays(season.start, 365))).toBe(true);
  });

  it('puts an unrecoverable team box score in 2021-22, past its bootstrap week, and keeps bdl on a missing gamebook date', () => {
    const s = SEASON_PLANS[0].season;
    expect(GAP_PLAN.some((g) => g.table === 'nbac_team_boxscore' && !g.recoverable && g.date > s.bootstrapEnd && g.date <= s.end)).toBe(true);
    const bdlGaps = new Set(GAP_PLAN.filter((g) => g.table === 'bdl_player_boxscores').map((g) => g.date));
    const fallback = GAP_PLAN.filter((g) => g.table === 'nbac_gamebook_player_stats' && !bdlGaps.has(g.date));
    expect(fallback.some((g) => !g.recoverable)).toBe(true);
  });
});

describe('determinism and scale', () => {
  const sample = ['2021-10-19', '2021-12-25', '2022-01-19', '2022-06-05', '2023-04-12', '2024-11-29', '2025-01-15'];

  it('regenerates any date alone, on a fresh league, exactly as the full run made it', () => {
    const fresh = buildLeague().rowsFor(sample);
    for (const table of PHASE2_TABLE_NAMES) {
      const expected = (all[table] as { game_date: string }[]).filter((r) => sample.includes(r.game_date));
      expect(fresh[table]).toEqual(expected);
    }
  });

  it('makes k independent copies of the league on the same dates at scale k', () => {
    const two = buildLeague({ scale: 2 });
    expect(two.gameDates).toEqual(league.gameDates);
    const one = league.rowsFor(sample);
    const rows = two.rowsFor(sample);
    // Exactly double where the grain is fixed (games, rosters); about double where it depends on who
    // played. (Which games have shots is drawn per copy, too sparse to compare on a few dates.)
    for (const table of ['nbac_schedule', 'nbac_team_boxscore', 'nbac_gamebook_player_stats'] as const) expect(rows[table].length).toBe(2 * one[table].length);
    for (const table of ['bdl_player_boxscores', 'odds_api_player_points_props'] as const) expect(rows[table].length / one[table].length).toBeCloseTo(2, 0);
    const ids = rows.nbac_schedule.map((g) => g.game_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(rows.nbac_schedule.filter((g) => g.home_team_abbr.endsWith('2'))).toHaveLength(one.nbac_schedule.length);
    const lookups = (copy: boolean) => new Set(rows.nbac_gamebook_player_stats.filter((r) => r.game_id.startsWith('01') === copy).map((r) => r.player_lookup));
    const [original, copy] = [lookups(false), lookups(true)];
    expect([...original].every((l) => /^[a-z]+$/.test(l))).toBe(true);
    expect([...copy].every((l) => /^[a-z]+2$/.test(l))).toBe(true);
    expect(new Set([...copy].map((l) => l.slice(0, -1)))).not.toEqual(original);
    // Independent: the copy's scores are not the original's.
    const scores = (rs: ScheduleRow[], copy: boolean) => rs.filter((g) => g.game_status === 3 && g.game_id.startsWith('01') === copy).map((g) => g.home_team_score);
    expect(scores(rows.nbac_schedule, true)).not.toEqual(scores(rows.nbac_schedule, false));
  });
});

describe('seeded warehouse', () => {
  let dir: string;
  let w: DuckDBWarehouse;
  let summary: SeedSummary;
  const project = 'nba-props-platform';
  const t = (name: string) => `\`${project}.nba_raw.${name}\``;

  // The warehouse the global setup seeded with seedWarehouse on a new file (test/support/global-setup.ts), and
  // the summary that call returned; this file checks a copy (the tests below re-load and delete rows).
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-test-'));
    const empty = new DuckDBWarehouse({ file: path.join(dir, 'empty.duckdb'), project });
    expect(await isSeeded(empty)).toBe(false);
    await empty.close();
    fs.copyFileSync(inject('seededTemplate'), path.join(dir, 'nba.duckdb'));
    w = new DuckDBWarehouse({ file: path.join(dir, 'nba.duckdb'), project });
    summary = inject('seedSummary');
  });

  afterAll(async () => {
    await w?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function coverage(table: string): Promise<number> {
    const { rows } = await w.query<{ n: number }>(
      `SELECT COUNT(DISTINCT game_date) AS n FROM ${t(table)} WHERE game_date BETWEEN @start AND @end${table === 'nbac_schedule' ? ' AND game_status = 3' : ''}`,
      { start: p.date(PHASE2_START), end: p.date(AS_OF) },
    );
    return rows[0].n;
  }

  it('holds every generated row but the planned gaps, and a seed marker', async () => {
    expect(await isSeeded(w)).toBe(true);
    const finals = league.finalDates.length;
    for (const table of ['nbac_schedule', 'nbac_team_boxscore', 'nbac_gamebook_player_stats', 'bdl_player_boxscores'] as const) {
      const gaps = GAP_PLAN.filter((g) => g.table === table).length;
      expect(await coverage(table)).toBe(finals - gaps);
      expect(summary.gaps[`nba_raw.${table}`]).toBe(gaps);
    }
    for (const def of PHASE2_TABLES) {
      const short = def.name.slice('nba_raw.'.length) as Phase2Table;
      const gapDates = new Set(GAP_PLAN.filter((g) => g.table === short).map((g) => g.date));
      const expected = (all[short] as { game_date: string }[]).filter((r) => !gapDates.has(r.game_date)).length;
      const { rows } = await w.query<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${project}.${def.name}\``);
      expect(rows[0].n).toBe(expected);
      expect(summary.rows[def.name]).toBe(expected);
    }
  });

  it('restores a recoverable date with exactly the generator rows, refuses an unrecoverable one, and never duplicates', async () => {
    const [recoverable, lost] = ['2021-12-29', '2021-11-17'];
    const before = await coverage('nbac_team_boxscore');
    const first = await reloadPhase2Dates(w, 'nba_raw.nbac_team_boxscore', [recoverable, lost]);
    const games = league.gamesOn(recoverable).length;
    expect(first[0]).toEqual({ date: recoverable, ok: true, rows: 2 * games });
    expect(first[1]).toMatchObject({ date: lost, ok: false, rows: 0 });
    expect(first[1].reason).toMatch(/^source has no data: .*\d+ games?$/);
    expect(await coverage('nbac_team_boxscore')).toBe(before + 1);

    await reloadPhase2Dates(w, 'raw/nbac_team_boxscore', [recoverable]);
    const { rows } = await w.query(
      `SELECT * FROM ${t('nbac_team_boxscore')} WHERE game_date = @d ORDER BY game_id, team_abbr`, { d: p.date(recoverable) },
    );
    const expected = all.nbac_team_boxscore.filter((r) => r.game_date === recoverable).sort(byGameThen('team_abbr'));
    expect(rows).toEqual(expected);
    const lostRows = await w.query(`SELECT game_id FROM ${t('nbac_team_boxscore')} WHERE game_date = @d`, { d: p.date(lost) });
    expect(lostRows.rows).toHaveLength(0);
  });

  it('replaces a date that is already there with the same rows (gamebook, with its NULLs)', async () => {
    const date = '2022-01-19';
    const gamebook = await reloadPhase2Dates(w, 'nbac_gamebook_player_stats', [date]);
    expect(gamebook[0]).toMatchObject({ ok: false });
    const [res] = await reloadPhase2Dates(w, 'bdl_player_boxscores', [date]);
    const { rows } = await w.query<{ n: number; keys: number }>(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT CONCAT(game_id, player_lookup)) AS keys FROM ${t('bdl_player_boxscores')} WHERE game_date = @d`,
      { d: p.date(date) },
    );
    expect(rows[0]).toEqual({ n: res.rows, keys: res.rows });
    const d2 = league.finalDates[300];
    expect(GAP_PLAN.some((g) => g.date === d2)).toBe(false);
    await reloadPhase2Dates(w, 'nbac_gamebook_player_stats', [d2]);
    const back = await w.query(
      `SELECT * FROM ${t('nbac_gamebook_player_stats')} WHERE game_date = @d ORDER BY game_id, player_lookup`, { d: p.date(d2) },
    );
    const expected = all.nbac_gamebook_player_stats.filter((r) => r.game_date === d2).sort(byGameThen('player_lookup'));
    expect(back.rows).toHaveLength(expected.length);
    expect(back.rows).toEqual(expected);
  });

  it('is left alone by the seed CLI without --force', async () => {
    const [out, err] = [new PassThrough(), new PassThrough()];
    const code = await main(['--warehouse', w.file], { out, err });
    expect(code).toBe(1);
    expect(String(err.read())).toMatch(/^seed: .* is already seeded \(phase2-v\d+, scale 1, .*\); use --force to delete it and seed again\n$/);
    expect(out.read()).toBeNull();
  });

  it('has the second box-score source up to the latest final game dates (pre.4: "player boxscore scraper fixed"), and the check names its last date when not', async () => {
    const ctx = { range: { start: PHASE2_START, end: AS_OF }, season: null, asOf: AS_OF, project };
    const run = async () => { const q = scraperQuery(ctx); return (await w.query(q.sql, q.params)).rows as unknown as ScraperRow[]; };
    const latest = [...new Set(final().map((g) => g.game_date))].sort().slice(-3);
    const rows = await run();
    expect(rows.map((r) => r.game_date)).toEqual(latest);
    expect(scraperVerdict(rows).ok).toBe(true);
    // A scraper broken since the last two dates: the warning names them and the last date the table has.
    await w.query(`DELETE FROM ${t('bdl_player_boxscores')} WHERE game_date >= @d`, { d: p.date(latest[1]) });
    try {
      const v = scraperVerdict(await run());
      expect(v.ok).toBe(false);
      expect(v.message).toContain(`no rows for ${latest[1]}, ${latest[2]}`);
      expect(v.message).toContain(`the last date it has is ${latest[0]}`);
    } finally {
      await reloadPhase2Dates(w, 'nba_raw.bdl_player_boxscores', latest.slice(1)); // the seed's rows back, for any later test
    }
  });
});

describe('seed CLI', () => {
  it('rejects a bad flag with one line on stderr and exit code 2', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'lib/seed/cli.ts', '--scale', 'ten'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('seed: --scale "ten" must be a whole number from 1 to 99\n');
    expect(run.stdout).toBe('');
  });
});

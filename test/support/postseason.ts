/**
 * What a backfilled postseason must hold, derived independently of the
 * processors' SQL: its final game dates from the schedule (by season_type, and
 * as the dates after the original's regular-season range), and on its first
 * date the Phase 4 windows recomputed by hand from the schedule and Phase 3.
 */
import { expect } from 'vitest';
import type { DuckDBWarehouse } from '../../lib/warehouse/duckdb.ts';
import type { Params } from '../../lib/warehouse/params.ts';

const T = (table: string) => `\`nba-props-platform.${table}\``;
/** The original runbook's ranges end with each regular season; its postseason follows. */
export const ORIGINAL_REGULAR_END: Record<string, string> = { '2021-22': '2022-04-10', '2022-23': '2023-04-09', '2023-24': '2024-04-14' };
/** The windows as the tables name them: team_defense_zone_analysis *_last_15, player_shot_zone_analysis *_last_10. */
const TEAM_WINDOW = 15;
const PLAYER_WINDOW = 10;

const yearOf = (season: string) => Number(season.slice(0, 4));

const dates = async (w: DuckDBWarehouse, sql: string, params: Params = {}) =>
  (await w.query<{ d: string }>(sql, params)).rows.map((r) => String(r.d));

/** The last n entries of a list sorted by date then game id. */
const lastN = <X extends { game_date: string; game_id: string }>(xs: X[], n: number) =>
  [...xs].sort((a, b) => (a.game_date === b.game_date ? a.game_id.localeCompare(b.game_id) : a.game_date.localeCompare(b.game_date))).slice(-n);

const round1 = (x: number) => Math.round(x * 10) / 10;
const pick = (x: { games_in_sample: number; completeness_pct: number }) => ({ games_in_sample: Number(x.games_in_sample), completeness_pct: Number(x.completeness_pct) });

type Game = { game_id: string; game_date: string; home_team_abbr: string; away_team_abbr: string };

/** The season's postseason final game dates: by season_type, checked against the dates after the original's range. */
export async function postseasonDates(w: DuckDBWarehouse, season: string): Promise<string[]> {
  const y = yearOf(season);
  const post = await dates(w, `SELECT DISTINCT CAST(game_date AS STRING) AS d FROM ${T('nba_raw.nbac_schedule')}
WHERE game_status = 3 AND season_year = @y AND season_type IN ('PlayIn', 'Playoffs') ORDER BY d`, { y });
  expect(await dates(w, `SELECT DISTINCT CAST(game_date AS STRING) AS d FROM ${T('nba_raw.nbac_schedule')}
WHERE game_status = 3 AND season_year = @y AND game_date > CAST(@end AS DATE) ORDER BY d`, { y, end: ORIGINAL_REGULAR_END[season] }), season).toEqual(post);
  expect(post.length, season).toBeGreaterThan(10);
  return post;
}

/** Phase 3 and Phase 4 hold every postseason date (no bootstrap at its start). */
export async function expectPostseasonHeld(w: DuckDBWarehouse, season: string, post: string[]): Promise<void> {
  const held = (table: string, col: string) => dates(w, `SELECT DISTINCT CAST(${col} AS STRING) AS d FROM ${T(table)}
WHERE ${col} > CAST(@end AS DATE) AND ${col} <= CAST(@last AS DATE) ORDER BY d`, { end: ORIGINAL_REGULAR_END[season], last: `${yearOf(season) + 1}-06-30` });
  expect(await held('nba_analytics.player_game_summary', 'game_date'), `${season} player_game_summary`).toEqual(post);
  expect(await held('nba_precompute.team_defense_zone_analysis', 'analysis_date'), `${season} team_defense_zone_analysis`).toEqual(post);
  expect(await held('nba_predictions.ml_feature_store', 'game_date'), `${season} ml_feature_store`).toEqual(post);
}

/**
 * By hand, for a date D of the season: each team's last 15 final games before D
 * (schedule) and how many of them Phase 3's team defence holds; each player's
 * games played before D this season (Phase 3), and of his team's last 10 final
 * games those where he has a row or the gamebook lists him inactive or DNP in
 * a game Phase 3 holds.
 */
async function expectedLookback(w: DuckDBWarehouse, season: string, day: string) {
  const y = yearOf(season);
  const games = (await w.query<Game>(`SELECT game_id, CAST(game_date AS STRING) AS game_date, home_team_abbr, away_team_abbr
FROM ${T('nba_raw.nbac_schedule')} WHERE game_status = 3 AND season_year = @y AND game_date < CAST(@d AS DATE)`, { y, d: day })).rows;
  const teamGames = new Map<string, Game[]>();
  for (const g of games) for (const t of [g.home_team_abbr, g.away_team_abbr]) teamGames.set(t, [...(teamGames.get(t) ?? []), g]);
  const defense = new Set((await w.query<{ k: string }>(`SELECT CONCAT(team_abbr, '/', game_id) AS k FROM ${T('nba_analytics.team_defense_game_summary')}
WHERE season_year = @y AND game_date < CAST(@d AS DATE)`, { y, d: day })).rows.map((r) => r.k));
  const played = (await w.query<{ player_lookup: string; game_id: string }>(`SELECT player_lookup, game_id FROM ${T('nba_analytics.player_game_summary')}
WHERE season_year = @y AND game_date < CAST(@d AS DATE) AND minutes > 0`, { y, d: day })).rows;
  const sat = (await w.query<{ player_lookup: string; game_id: string }>(`SELECT player_lookup, game_id FROM ${T('nba_raw.nbac_gamebook_player_stats')}
WHERE player_status IN ('inactive', 'dnp') AND game_date < CAST(@d AS DATE) AND game_date >= CAST(@from AS DATE)`, { d: day, from: `${y}-10-01` })).rows;
  const phase3Games = new Set(played.map((p) => p.game_id));
  const present = new Set([...played, ...sat.filter((s) => phase3Games.has(s.game_id))].map((p) => `${p.player_lookup}/${p.game_id}`));
  const gamesPlayed = new Map<string, number>();
  for (const p of played) gamesPlayed.set(p.player_lookup, (gamesPlayed.get(p.player_lookup) ?? 0) + 1);
  return {
    team: (team: string) => ({
      games_in_sample: Math.min(TEAM_WINDOW, [...defense].filter((k) => k.startsWith(`${team}/`)).length),
      completeness_pct: round1((100 * lastN(teamGames.get(team) ?? [], TEAM_WINDOW).filter((g) => defense.has(`${team}/${g.game_id}`)).length) / TEAM_WINDOW),
    }),
    player: (player: string, team: string) => ({
      games_in_sample: Math.min(PLAYER_WINDOW, gamesPlayed.get(player) ?? 0),
      completeness_pct: round1((100 * lastN(teamGames.get(team) ?? [], PLAYER_WINDOW).filter((g) => present.has(`${player}/${g.game_id}`)).length) / PLAYER_WINDOW),
    }),
  };
}

/**
 * The postseason's first date: every Phase 4 job succeeded there (none skipped
 * it as bootstrap), and its windows reach back into the regular season — full
 * (15 team games, 10 for nearly every player), with the completeness derived by hand.
 */
export async function expectFullLookback(w: DuckDBWarehouse, season: string, first: string): Promise<void> {
  const states = (await w.query<{ processor_name: string; status: string }>(`SELECT processor_name, status FROM (
  SELECT processor_name, status, ROW_NUMBER() OVER (PARTITION BY processor_name ORDER BY attempt DESC, started_at DESC) AS rn
  FROM ${T('nba_reference.processor_run_history')} WHERE phase = 'phase_4_precompute' AND data_date = CAST(@d AS DATE)) WHERE rn = 1 ORDER BY processor_name`, { d: first })).rows;
  expect(states.map((s) => s.status), `${season} ${first}`).toEqual(['success', 'success', 'success', 'success', 'success']);

  const expected = await expectedLookback(w, season, first);
  const teams = (await w.query<{ team_abbr: string; games_in_sample: number; completeness_pct: number }>(`SELECT team_abbr, games_in_sample, completeness_pct
FROM ${T('nba_precompute.team_defense_zone_analysis')} WHERE analysis_date = CAST(@d AS DATE) ORDER BY team_abbr`, { d: first })).rows;
  const playing = (await w.query<{ t: string }>(`SELECT home_team_abbr AS t FROM ${T('nba_raw.nbac_schedule')} WHERE game_date = CAST(@d AS DATE) AND game_status = 3
UNION ALL SELECT away_team_abbr FROM ${T('nba_raw.nbac_schedule')} WHERE game_date = CAST(@d AS DATE) AND game_status = 3`, { d: first })).rows.map((x) => x.t).sort();
  expect(teams.map((t) => t.team_abbr), `${season} ${first}`).toEqual(playing);
  for (const t of teams) expect({ team: t.team_abbr, ...pick(t) }).toEqual({ team: t.team_abbr, ...expected.team(t.team_abbr) });
  expect(teams.map((t) => Number(t.games_in_sample))).toEqual(playing.map(() => TEAM_WINDOW));

  const players = (await w.query<{ player_lookup: string; team_abbr: string; games_in_sample: number; completeness_pct: number }>(`SELECT player_lookup, team_abbr, games_in_sample, completeness_pct
FROM ${T('nba_precompute.player_shot_zone_analysis')} WHERE analysis_date = CAST(@d AS DATE) ORDER BY player_lookup`, { d: first })).rows;
  expect(players.length).toBeGreaterThan(playing.length * 5);
  for (const p of players) expect({ player: p.player_lookup, ...pick(p) }).toEqual({ player: p.player_lookup, ...expected.player(p.player_lookup, p.team_abbr) });
  // A full window for nearly everyone: only players with fewer than 10 games all season have less.
  expect(players.filter((p) => Number(p.games_in_sample) === PLAYER_WINDOW).length / players.length).toBeGreaterThan(0.8);
}

/**
 * Step 4 on the seed runs a season's postseason (play-in and playoffs) right
 * after its regular season, and the postseason's Phase 4 continues the regular
 * season's rolling windows. Every expected figure is derived here from the
 * schedule and the Phase 3 rows, independently of the processors' SQL.
 */
import { describe, expect, it } from 'vitest';
import { sandbox, scriptAsync as script } from './support/scripts.ts';
import { withWarehouse } from './support/inspect.ts';
import type { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import type { Params } from '../lib/warehouse/params.ts';

const T = (table: string) => `\`nba-props-platform.${table}\``;
/** The original runbook's 2021-22 range: the regular season ends here. */
const REGULAR_END = '2022-04-10';
const SEASON_YEAR = 2021;
/** The windows as the data contract's tables name them: team_defense_zone_analysis *_last_15, player_shot_zone_analysis *_last_10. */
const TEAM_WINDOW = 15;
const PLAYER_WINDOW = 10;

const dates = async (w: DuckDBWarehouse, sql: string, params: Params = {}) =>
  (await w.query<{ d: string }>(sql, params)).rows.map((r) => String(r.d));

/** The last n entries of a list sorted by date then game id. */
const lastN = <X extends { game_date: string; game_id: string }>(xs: X[], n: number) =>
  [...xs].sort((a, b) => (a.game_date === b.game_date ? a.game_id.localeCompare(b.game_id) : a.game_date.localeCompare(b.game_date))).slice(-n);

const round1 = (x: number) => Math.round(x * 10) / 10;

type Game = { game_id: string; game_date: string; home_team_abbr: string; away_team_abbr: string };

/**
 * By hand, for the first postseason date D: each team's last 15 final games
 * before D (schedule) and how many of them Phase 3's team defence holds; each
 * player's games played before D this season (Phase 3), and of his team's last
 * 10 final games those where he has a row or the gamebook lists him inactive or
 * DNP in a game Phase 3 holds.
 */
async function expectedLookback(w: DuckDBWarehouse, first: string) {
  const games = (await w.query<Game>(`SELECT game_id, CAST(game_date AS STRING) AS game_date, home_team_abbr, away_team_abbr
FROM ${T('nba_raw.nbac_schedule')} WHERE game_status = 3 AND season_year = @y AND game_date < CAST(@d AS DATE)`, { y: SEASON_YEAR, d: first })).rows;
  const teamGames = new Map<string, Game[]>();
  for (const g of games) for (const t of [g.home_team_abbr, g.away_team_abbr]) teamGames.set(t, [...(teamGames.get(t) ?? []), g]);
  const defense = new Set((await w.query<{ k: string }>(`SELECT CONCAT(team_abbr, '/', game_id) AS k FROM ${T('nba_analytics.team_defense_game_summary')}
WHERE season_year = @y AND game_date < CAST(@d AS DATE)`, { y: SEASON_YEAR, d: first })).rows.map((r) => r.k));
  const played = (await w.query<{ player_lookup: string; game_id: string }>(`SELECT player_lookup, game_id FROM ${T('nba_analytics.player_game_summary')}
WHERE season_year = @y AND game_date < CAST(@d AS DATE) AND minutes > 0`, { y: SEASON_YEAR, d: first })).rows;
  const sat = (await w.query<{ player_lookup: string; game_id: string }>(`SELECT player_lookup, game_id FROM ${T('nba_raw.nbac_gamebook_player_stats')}
WHERE player_status IN ('inactive', 'dnp') AND game_date < CAST(@d AS DATE) AND game_date >= DATE '2021-10-01'`, { d: first })).rows;
  const phase3Games = new Set(played.map((p) => p.game_id));
  const present = new Set([...played, ...sat.filter((s) => phase3Games.has(s.game_id))].map((p) => `${p.player_lookup}/${p.game_id}`));
  const gamesPlayed = new Map<string, number>();
  for (const p of played) gamesPlayed.set(p.player_lookup, (gamesPlayed.get(p.player_lookup) ?? 0) + 1);
  return {
    team: (team: string) => {
      const window = lastN(teamGames.get(team) ?? [], TEAM_WINDOW);
      return {
        games_in_sample: Math.min(TEAM_WINDOW, [...defense].filter((k) => k.startsWith(`${team}/`)).length),
        completeness_pct: round1((100 * window.filter((g) => defense.has(`${team}/${g.game_id}`)).length) / TEAM_WINDOW),
      };
    },
    player: (player: string, team: string) => {
      const window = lastN(teamGames.get(team) ?? [], PLAYER_WINDOW);
      return {
        games_in_sample: Math.min(PLAYER_WINDOW, gamesPlayed.get(player) ?? 0),
        completeness_pct: round1((100 * window.filter((g) => present.has(`${player}/${g.game_id}`)).length) / PLAYER_WINDOW),
      };
    },
  };
}

describe('04-remaining-seasons runs the postseason', () => {
  it('04 --seasons 2021-22 --yes backfills the postseason dates after the regular season, with no bootstrap and full windows on its first date', async () => {
    const sb = sandbox();
    const r = await script('04-remaining-seasons', ['--seasons', '2021-22', '--yes'], sb);
    expect(r.code, r.stdout.slice(-2000) + r.stderr.slice(-1000)).toBe(0);

    await withWarehouse(sb.warehouse, async (w) => {
      // The postseason's final game dates, two ways: by season_type, and by date after the original's range.
      const post = await dates(w, `SELECT DISTINCT CAST(game_date AS STRING) AS d FROM ${T('nba_raw.nbac_schedule')}
WHERE game_status = 3 AND season_year = @y AND season_type IN ('PlayIn', 'Playoffs') ORDER BY d`, { y: SEASON_YEAR });
      expect(await dates(w, `SELECT DISTINCT CAST(game_date AS STRING) AS d FROM ${T('nba_raw.nbac_schedule')}
WHERE game_status = 3 AND season_year = @y AND game_date > CAST(@end AS DATE) ORDER BY d`, { y: SEASON_YEAR, end: REGULAR_END })).toEqual(post);
      expect(post.length).toBeGreaterThan(10);

      // 4.1's closing table: the postseason row, its game dates counted from the schedule, both phases done.
      expect(r.stdout).toMatch(new RegExp(`\\| 2021-22 \\| postseason\\s+\\|\\s+${post.length} \\| done\\s+\\| done\\s+\\| done\\s+\\|`));
      // The postseason ran after the regular season's Phase 4, Phase 3 before Phase 4.
      const at = (s: string) => r.stdout.indexOf(s);
      expect(at('Step 3: Phase 4 Backfill — 2021-22 regular season')).toBeGreaterThan(0);
      expect(at('Step 2: Phase 3 Backfill — 2021-22 postseason')).toBeGreaterThan(at('Step 3: Phase 4 Backfill — 2021-22 regular season'));
      expect(at('Step 3: Phase 4 Backfill — 2021-22 postseason')).toBeGreaterThan(at('Step 2: Phase 3 Backfill — 2021-22 postseason'));

      // Phase 3 and Phase 4 hold every postseason date: no bootstrap at its start.
      const held = (table: string, col: string) => dates(w, `SELECT DISTINCT CAST(${col} AS STRING) AS d FROM ${T(table)}
WHERE ${col} > CAST(@end AS DATE) AND ${col} <= DATE '2022-06-30' ORDER BY d`, { end: REGULAR_END });
      expect(await held('nba_analytics.player_game_summary', 'game_date')).toEqual(post);
      expect(await held('nba_precompute.team_defense_zone_analysis', 'analysis_date')).toEqual(post);
      expect(await held('nba_predictions.ml_feature_store', 'game_date')).toEqual(post);

      // The first postseason date: every Phase 4 job succeeded there (none skipped it as bootstrap).
      const first = post[0];
      const states = (await w.query<{ processor_name: string; status: string }>(`SELECT processor_name, status FROM (
  SELECT processor_name, status, ROW_NUMBER() OVER (PARTITION BY processor_name ORDER BY attempt DESC, started_at DESC) AS rn
  FROM ${T('nba_reference.processor_run_history')} WHERE phase = 'phase_4_precompute' AND data_date = CAST(@d AS DATE)) WHERE rn = 1 ORDER BY processor_name`, { d: first })).rows;
      expect(states.map((s) => s.status)).toEqual(['success', 'success', 'success', 'success', 'success']);

      // Its windows reach back into the regular season: as derived by hand from the schedule and Phase 3.
      const expected = await expectedLookback(w, first);
      const teams = (await w.query<{ team_abbr: string; games_in_sample: number; completeness_pct: number }>(`SELECT team_abbr, games_in_sample, completeness_pct
FROM ${T('nba_precompute.team_defense_zone_analysis')} WHERE analysis_date = CAST(@d AS DATE) ORDER BY team_abbr`, { d: first })).rows;
      const playing = (await w.query<{ t: string }>(`SELECT home_team_abbr AS t FROM ${T('nba_raw.nbac_schedule')} WHERE game_date = CAST(@d AS DATE) AND game_status = 3
UNION ALL SELECT away_team_abbr FROM ${T('nba_raw.nbac_schedule')} WHERE game_date = CAST(@d AS DATE) AND game_status = 3`, { d: first })).rows.map((x) => x.t).sort();
      expect(teams.map((t) => t.team_abbr)).toEqual(playing);
      for (const t of teams) expect({ team: t.team_abbr, ...pick(t) }).toEqual({ team: t.team_abbr, ...expected.team(t.team_abbr) });
      expect(teams.map((t) => Number(t.games_in_sample))).toEqual(playing.map(() => TEAM_WINDOW));

      const players = (await w.query<{ player_lookup: string; team_abbr: string; games_in_sample: number; completeness_pct: number }>(`SELECT player_lookup, team_abbr, games_in_sample, completeness_pct
FROM ${T('nba_precompute.player_shot_zone_analysis')} WHERE analysis_date = CAST(@d AS DATE) ORDER BY player_lookup`, { d: first })).rows;
      expect(players.length).toBeGreaterThan(playing.length * 5);
      for (const p of players) expect({ player: p.player_lookup, ...pick(p) }).toEqual({ player: p.player_lookup, ...expected.player(p.player_lookup, p.team_abbr) });
      // A full window for nearly everyone: only players with fewer than 10 games all season have less.
      expect(players.filter((p) => Number(p.games_in_sample) === PLAYER_WINDOW).length / players.length).toBeGreaterThan(0.8);
    });
  }, 420_000);
});

const pick = (x: { games_in_sample: number; completeness_pct: number }) => ({ games_in_sample: Number(x.games_in_sample), completeness_pct: Number(x.completeness_pct) });

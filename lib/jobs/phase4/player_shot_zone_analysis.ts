/**
 * Phase 4, second: where each player shoots from and how well, over his last
 * 10 games, plus the scoring averages the later jobs start from.
 */
import type { ProcessorDef } from '../types.ts';
import { PLAYER_SHOT_ZONE_ANALYSIS } from './tables.ts';
import {
  PLAYER_WINDOW_DAYS, PLAYER_WINDOW_GAMES, SHORT_WINDOW_GAMES,
  completeness, historyBounds, insertHeader, lastGamesAvg, overLastGames, playerCoverageCtes, rosterCtes, selectList, tableRef, teamDatesCte,
} from './sql.ts';

const ZONES = ['paint', 'mid_range', 'three'] as const;

/**
 * A zone split is reported only from at least this many play-by-play shots in
 * the window: fewer (one game with play-by-play, a bench player's three shots)
 * say nothing about where he shoots. Below it the rates, FG% and primary zone
 * are NULL, as the original expects for most historical data.
 */
export const MIN_ZONE_SHOTS = 15;

/** Zone columns from the window's attempt and make sums (`w`); NULL without enough play-by-play shots. */
function zoneColumns(): Record<string, string> {
  const total = ZONES.map((z) => `w.${z}_att`).join(' + ');
  const enough = (expr: string) => `CASE WHEN COALESCE(${total}, 0) >= ${MIN_ZONE_SHOTS} THEN ${expr} END`;
  const out: Record<string, string> = {};
  for (const z of ZONES) {
    out[`${z}_attempts_last_10`] = `w.${z}_att`;
    out[`${z}_rate_last_10`] = enough(`SAFE_DIVIDE(w.${z}_att, ${total})`);
    out[`${z}_fg_pct_last_10`] = enough(`SAFE_DIVIDE(w.${z}_made, w.${z}_att)`);
  }
  // Ties go to the zone listed first.
  out.primary_scoring_zone = `CASE
    WHEN COALESCE(${total}, 0) < ${MIN_ZONE_SHOTS} THEN NULL
    WHEN w.paint_att >= w.mid_range_att AND w.paint_att >= w.three_att THEN 'paint'
    WHEN w.mid_range_att >= w.three_att THEN 'mid_range'
    ELSE 'three' END`;
  return out;
}

/**
 * A row: one player on the current roster of a team playing on analysis_date,
 * with his last 10 games this season before that date. Zone attempts count only
 * games with play-by-play (a game has it if any shot of it is recorded; the
 * player's attempts there may be 0); with fewer than MIN_ZONE_SHOTS such
 * attempts, the zone rates, FG% and primary zone are NULL.
 */
function insertSql(project: string): string {
  const last10 = overLastGames(PLAYER_WINDOW_GAMES);
  const shots = tableRef(project, 'nba_raw.nbac_play_by_play_shots');
  const zoneCounts = ZONES.map((z) =>
    `COUNTIF(s.shot_zone = '${z}') AS ${z}_att, COUNTIF(s.shot_zone = '${z}' AND s.shot_made) AS ${z}_made`,
  ).join(',\n    ');
  // Over play-by-play games only: 0 where the game has shots but none of his.
  const zoneSums = ZONES.map((z) =>
    `SUM(CASE WHEN pbp.game_id IS NOT NULL THEN COALESCE(z.${z}_att, 0) END) ${last10} AS ${z}_att,
    SUM(CASE WHEN pbp.game_id IS NOT NULL THEN COALESCE(z.${z}_made, 0) END) ${last10} AS ${z}_made`,
  ).join(',\n    ');
  return `${insertHeader(project, PLAYER_SHOT_ZONE_ANALYSIS)}
WITH
${teamDatesCte(project)},
${rosterCtes(project, [], {
    games_in_sample: `COUNT(*) ${last10}`,
    points_avg_last_5: lastGamesAvg('points', SHORT_WINDOW_GAMES),
    points_avg_last_10: lastGamesAvg('points', PLAYER_WINDOW_GAMES),
    minutes_avg_last_10: lastGamesAvg('minutes', PLAYER_WINDOW_GAMES),
    fg3_attempt_rate: `SAFE_DIVIDE(SUM(g.fg3_attempted) ${last10}, SUM(g.fg_attempted) ${last10})`,
  })},
${playerCoverageCtes(project, PLAYER_WINDOW_GAMES)},
-- Play-by-play of the games read: which games have it, and each player's shots there.
pbp_games AS (
  SELECT DISTINCT game_id FROM ${shots}
  WHERE game_id IN (SELECT game_id FROM player_log) AND ${historyBounds('game_date')}
),
player_zone_shots AS (
  SELECT s.game_id, s.player_lookup,
    ${zoneCounts}
  FROM ${shots} AS s
  WHERE s.game_id IN (SELECT game_id FROM player_log) AND ${historyBounds('s.game_date')}
  GROUP BY s.game_id, s.player_lookup
),
-- At each game of his log, his zone sums over his last ${PLAYER_WINDOW_GAMES} games up to it.
zone_log AS (
  SELECT g.player_lookup, g.season_year, g.game_index,
    COUNT(pbp.game_id) ${last10} AS games_with_shot_data,
    ${zoneSums}
  FROM player_log AS g
  LEFT JOIN pbp_games AS pbp ON pbp.game_id = g.game_id
  LEFT JOIN player_zone_shots AS z ON z.game_id = g.game_id AND z.player_lookup = g.player_lookup
)
SELECT
  ${selectList(PLAYER_SHOT_ZONE_ANALYSIS, {
    analysis_date: 'r.as_of_date',
    season_year: 'r.season_year',
    player_lookup: 'r.player_lookup',
    team_abbr: 'r.team_abbr',
    game_id: 'r.game_id',
    opponent_abbr: 'r.opponent_abbr',
    games_in_sample: 'r.games_in_sample',
    games_with_shot_data: 'w.games_with_shot_data',
    ...zoneColumns(),
    fg3_attempt_rate_last_10: 'r.fg3_attempt_rate',
    points_avg_last_5: 'r.points_avg_last_5',
    points_avg_last_10: 'r.points_avg_last_10',
    minutes_avg_last_10: 'r.minutes_avg_last_10',
    completeness_pct: completeness('COALESCE(pc.games_present, 0)', PLAYER_WINDOW_GAMES),
  })}
FROM roster AS r
JOIN zone_log AS w ON w.player_lookup = r.player_lookup AND w.season_year = r.season_year AND w.game_index = r.last_game_index
LEFT JOIN player_coverage AS pc ON pc.as_of_date = r.as_of_date AND pc.player_lookup = r.player_lookup`;
}

export const playerShotZoneAnalysis: ProcessorDef = {
  job: 'precompute/player_shot_zone_analysis',
  processorName: 'PlayerShotZoneAnalysisProcessor',
  phase: 'phase_4_precompute',
  order: 2,
  output: PLAYER_SHOT_ZONE_ANALYSIS,
  dependencies: [
    { table: 'nba_precompute.team_defense_zone_analysis', dateColumn: 'analysis_date', lookbackDays: 0, required: true },
    { table: 'nba_raw.nbac_schedule', dateColumn: 'game_date', lookbackDays: 0, required: true },
    { table: 'nba_analytics.player_game_summary', dateColumn: 'game_date', lookbackDays: PLAYER_WINDOW_DAYS, required: true },
    // Inactive and DNP players are recorded here: a game he sat out still counts as data (completeness_pct).
    { table: 'nba_raw.nbac_gamebook_player_stats', dateColumn: 'game_date', lookbackDays: PLAYER_WINDOW_DAYS, required: false },
    // Most historical games have no play-by-play: the zone columns are then NULL.
    { table: 'nba_raw.nbac_play_by_play_shots', dateColumn: 'game_date', lookbackDays: PLAYER_WINDOW_DAYS, required: false },
  ],
  description: 'Player shot distribution and efficiency by zone, last 10 games, with scoring averages',
  insertSql,
};

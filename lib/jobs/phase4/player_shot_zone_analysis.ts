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

/** Zone columns from the window's attempt and make sums (on the roster row `r`); NULL without enough play-by-play shots. */
function zoneColumns(): Record<string, string> {
  const total = ZONES.map((z) => `r.${z}_att`).join(' + ');
  const enough = (expr: string) => `CASE WHEN COALESCE(${total}, 0) >= ${MIN_ZONE_SHOTS} THEN ${expr} END`;
  const out: Record<string, string> = {};
  for (const z of ZONES) {
    out[`${z}_attempts_last_10`] = `r.${z}_att`;
    out[`${z}_rate_last_10`] = enough(`SAFE_DIVIDE(r.${z}_att, ${total})`);
    out[`${z}_fg_pct_last_10`] = enough(`SAFE_DIVIDE(r.${z}_made, r.${z}_att)`);
  }
  // Ties go to the zone listed first.
  out.primary_scoring_zone = `CASE
    WHEN COALESCE(${total}, 0) < ${MIN_ZONE_SHOTS} THEN NULL
    WHEN r.paint_att >= r.mid_range_att AND r.paint_att >= r.three_att THEN 'paint'
    WHEN r.mid_range_att >= r.three_att THEN 'mid_range'
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
  const zoneSums = Object.fromEntries(ZONES.flatMap((z) => [
    [`${z}_att`, `SUM(CASE WHEN pbp.game_id IS NOT NULL THEN COALESCE(z.${z}_att, 0) END) ${last10}`],
    [`${z}_made`, `SUM(CASE WHEN pbp.game_id IS NOT NULL THEN COALESCE(z.${z}_made, 0) END) ${last10}`],
  ]));
  return `${insertHeader(project, PLAYER_SHOT_ZONE_ANALYSIS)}
WITH
${teamDatesCte(project)},
-- Play-by-play of the dates history reads: which games have it, and each player's shots there.
pbp_games AS (
  SELECT DISTINCT game_id FROM ${shots}
  WHERE ${historyBounds('game_date')}
),
player_zone_shots AS (
  SELECT s.game_id, s.player_lookup,
    ${zoneCounts}
  FROM ${shots} AS s
  WHERE ${historyBounds('s.game_date')}
  GROUP BY s.game_id, s.player_lookup
),
${rosterCtes(project, [], {
    games_in_sample: `COUNT(*) ${last10}`,
    points_avg_last_5: lastGamesAvg('points', SHORT_WINDOW_GAMES),
    points_avg_last_10: lastGamesAvg('points', PLAYER_WINDOW_GAMES),
    minutes_avg_last_10: lastGamesAvg('minutes', PLAYER_WINDOW_GAMES),
    fg3_attempt_rate: `SAFE_DIVIDE(SUM(g.fg3_attempted) ${last10}, SUM(g.fg_attempted) ${last10})`,
    games_with_shot_data: `COUNT(pbp.game_id) ${last10}`,
    ...zoneSums,
  }, `LEFT JOIN pbp_games AS pbp ON pbp.game_id = g.game_id
  LEFT JOIN player_zone_shots AS z ON z.game_id = g.game_id AND z.player_lookup = g.player_lookup`)},
${playerCoverageCtes(project, PLAYER_WINDOW_GAMES)}
SELECT
  ${selectList(PLAYER_SHOT_ZONE_ANALYSIS, {
    analysis_date: 'r.as_of_date',
    season_year: 'r.season_year',
    player_lookup: 'r.player_lookup',
    team_abbr: 'r.team_abbr',
    game_id: 'r.game_id',
    opponent_abbr: 'r.opponent_abbr',
    games_in_sample: 'r.games_in_sample',
    games_with_shot_data: 'r.games_with_shot_data',
    ...zoneColumns(),
    fg3_attempt_rate_last_10: 'r.fg3_attempt_rate',
    points_avg_last_5: 'r.points_avg_last_5',
    points_avg_last_10: 'r.points_avg_last_10',
    minutes_avg_last_10: 'r.minutes_avg_last_10',
    completeness_pct: completeness('COALESCE(pc.games_present, 0)', PLAYER_WINDOW_GAMES),
  })}
FROM roster AS r
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

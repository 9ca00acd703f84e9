/**
 * Phase 4, fourth: each player's numbers as they stood the morning of a game
 * day, so the prediction side reads one row instead of scanning the season.
 */
import type { ProcessorDef } from '../types.ts';
import { PLAYER_DAILY_CACHE } from './tables.ts';
import {
  PLAYER_WINDOW_GAMES, SEASON_LOOKBACK_DAYS, SHORT_WINDOW_GAMES,
  PLAYER_WINDOW_DAYS, completeness, insertHeader, lastGamesAvg, overLastGames, playerCoverageCtes, rosterCtes, selectList, stddevSampInt, teamDatesCte,
} from './sql.ts';

/**
 * A row: one player on the current roster of a team playing on cache_date, with
 * his season-to-date and last-5/last-10 averages from games before that date.
 */
function insertSql(project: string): string {
  return `${insertHeader(project, PLAYER_DAILY_CACHE)}
WITH
${teamDatesCte(project)},
${rosterCtes(project, ['points', 'rebounds', 'assists', 'minutes'], {
    points_avg_last_5: lastGamesAvg('points', SHORT_WINDOW_GAMES),
    points_avg_last_10: lastGamesAvg('points', PLAYER_WINDOW_GAMES),
    points_std_last_10: stddevSampInt('g.points', overLastGames(PLAYER_WINDOW_GAMES)),
    rebounds_avg_last_10: lastGamesAvg('rebounds', PLAYER_WINDOW_GAMES),
    assists_avg_last_10: lastGamesAvg('assists', PLAYER_WINDOW_GAMES),
    minutes_avg_last_5: lastGamesAvg('minutes', SHORT_WINDOW_GAMES),
    minutes_avg_last_10: lastGamesAvg('minutes', PLAYER_WINDOW_GAMES),
    games_in_sample: `COUNT(*) ${overLastGames(PLAYER_WINDOW_GAMES)}`,
  })},
${playerCoverageCtes(project, PLAYER_WINDOW_GAMES)}
SELECT
  ${selectList(PLAYER_DAILY_CACHE, {
    cache_date: 'r.as_of_date',
    season_year: 'r.season_year',
    player_lookup: 'r.player_lookup',
    team_abbr: 'r.team_abbr',
    game_id: 'r.game_id',
    opponent_abbr: 'r.opponent_abbr',
    games_played_season: 'r.last_game_index',
    last_game_date: 'r.last_game_date',
    points_avg_season: 'r.points_avg_season',
    rebounds_avg_season: 'r.rebounds_avg_season',
    assists_avg_season: 'r.assists_avg_season',
    minutes_avg_season: 'r.minutes_avg_season',
    points_avg_last_5: 'r.points_avg_last_5',
    points_avg_last_10: 'r.points_avg_last_10',
    points_std_last_10: 'r.points_std_last_10',
    rebounds_avg_last_10: 'r.rebounds_avg_last_10',
    assists_avg_last_10: 'r.assists_avg_last_10',
    minutes_avg_last_5: 'r.minutes_avg_last_5',
    minutes_avg_last_10: 'r.minutes_avg_last_10',
    minutes_trend: 'r.minutes_avg_last_5 - r.minutes_avg_season',
    games_in_sample: 'r.games_in_sample',
    completeness_pct: completeness('COALESCE(pc.games_present, 0)', PLAYER_WINDOW_GAMES),
  })}
FROM roster AS r
LEFT JOIN player_coverage AS pc ON pc.as_of_date = r.as_of_date AND pc.player_lookup = r.player_lookup`;
}

export const playerDailyCache: ProcessorDef = {
  job: 'precompute/player_daily_cache',
  processorName: 'PlayerDailyCacheProcessor',
  phase: 'phase_4_precompute',
  order: 4,
  output: PLAYER_DAILY_CACHE,
  // It reads only Phase 3, but runs after the first three (the runbook's order) and
  // covers the same players as player_composite_factors, which ml_feature_store joins.
  dependencies: [
    { table: 'nba_precompute.team_defense_zone_analysis', dateColumn: 'analysis_date', lookbackDays: 0, required: true },
    { table: 'nba_precompute.player_shot_zone_analysis', dateColumn: 'analysis_date', lookbackDays: 0, required: true },
    { table: 'nba_precompute.player_composite_factors', dateColumn: 'game_date', lookbackDays: 0, required: true },
    { table: 'nba_raw.nbac_schedule', dateColumn: 'game_date', lookbackDays: 0, required: true },
    { table: 'nba_analytics.player_game_summary', dateColumn: 'game_date', lookbackDays: SEASON_LOOKBACK_DAYS, required: true },
    // Inactive and DNP players are recorded here: a game he sat out still counts as data (completeness_pct).
    { table: 'nba_raw.nbac_gamebook_player_stats', dateColumn: 'game_date', lookbackDays: PLAYER_WINDOW_DAYS, required: false },
  ],
  description: "Each player's season and last-5/10 averages as of the morning of a game day",
  insertSql,
};

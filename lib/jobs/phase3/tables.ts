/**
 * Phase 3 output tables (`nba_analytics`). Phase 3 jobs read only Phase 2, so the
 * five can run in parallel; Phase 4 reads these. Columns fixed by the data
 * contract: the table names and `game_date`; the rest is designed here.
 */
import type { TableDef } from '../../seed/schema.ts';

const processedAt: [string, string, string] = ['processed_at', 'TIMESTAMP', 'when this row was written'];

export const PLAYER_GAME_SUMMARY: TableDef = {
  name: 'nba_analytics.player_game_summary',
  dateColumn: 'game_date',
  keys: ['game_id', 'player_lookup'],
  columns: [
    ['game_id', 'STRING', ''], ['game_date', 'DATE', ''], ['season_year', 'INT64', ''],
    ['player_lookup', 'STRING', ''], ['player_name', 'STRING', 'NULL when only the second source has the player'],
    ['team_abbr', 'STRING', ''], ['opponent_abbr', 'STRING', ''], ['is_home', 'BOOL', ''],
    ['starter', 'BOOL', 'NULL when the source does not say'],
    ['minutes', 'FLOAT64', 'minutes played'],
    ['points', 'INT64', ''],
    ['fg_made', 'INT64', ''], ['fg_attempted', 'INT64', ''],
    ['fg3_made', 'INT64', ''], ['fg3_attempted', 'INT64', ''],
    ['ft_made', 'INT64', ''], ['ft_attempted', 'INT64', ''],
    ['offensive_rebounds', 'INT64', ''], ['defensive_rebounds', 'INT64', ''], ['rebounds', 'INT64', ''],
    ['assists', 'INT64', ''], ['steals', 'INT64', ''], ['blocks', 'INT64', ''],
    ['turnovers', 'INT64', ''], ['personal_fouls', 'INT64', ''],
    ['plus_minus', 'INT64', 'NULL when the row came from the second source (it has none)'],
    ['effective_fg_pct', 'FLOAT64', '(FGM + 0.5·3PM) / FGA'],
    ['true_shooting_pct', 'FLOAT64', 'PTS / (2·(FGA + 0.44·FTA))'],
    ['usage_rate', 'FLOAT64', '100·((FGA + 0.44·FTA + TOV)·(team MIN/5)) / (MIN·(team FGA + 0.44·team FTA + team TOV))'],
    ['primary_source', 'STRING', "'nbac_gamebook' or 'bdl_boxscores' (fallback when the gamebook lacks the date or player)"],
    processedAt,
  ],
};

export const TEAM_OFFENSE_GAME_SUMMARY: TableDef = {
  name: 'nba_analytics.team_offense_game_summary',
  dateColumn: 'game_date',
  keys: ['game_id', 'team_abbr'],
  columns: [
    ['game_id', 'STRING', ''], ['game_date', 'DATE', ''], ['season_year', 'INT64', ''],
    ['team_abbr', 'STRING', ''], ['opponent_abbr', 'STRING', ''], ['is_home', 'BOOL', ''],
    ['win', 'BOOL', ''], ['points', 'INT64', ''], ['opponent_points', 'INT64', ''],
    ['fg_made', 'INT64', ''], ['fg_attempted', 'INT64', ''],
    ['fg3_made', 'INT64', ''], ['fg3_attempted', 'INT64', ''],
    ['ft_made', 'INT64', ''], ['ft_attempted', 'INT64', ''],
    ['offensive_rebounds', 'INT64', ''], ['assists', 'INT64', ''], ['turnovers', 'INT64', ''],
    ['overtime_periods', 'INT64', ''],
    ['possessions', 'FLOAT64', 'FGA − ORB + TOV + 0.44·FTA'],
    ['pace', 'FLOAT64', 'possessions per 48 minutes: 48·poss / (team minutes / 5)'],
    ['offensive_rating', 'FLOAT64', 'points per 100 possessions'],
    ['effective_fg_pct', 'FLOAT64', ''], ['true_shooting_pct', 'FLOAT64', ''],
    processedAt,
  ],
};

export const TEAM_DEFENSE_GAME_SUMMARY: TableDef = {
  name: 'nba_analytics.team_defense_game_summary',
  dateColumn: 'game_date',
  keys: ['game_id', 'team_abbr'],
  columns: [
    ['game_id', 'STRING', ''], ['game_date', 'DATE', ''], ['season_year', 'INT64', ''],
    ['team_abbr', 'STRING', 'the defending team'], ['opponent_abbr', 'STRING', ''], ['is_home', 'BOOL', ''],
    ['win', 'BOOL', ''], ['points_allowed', 'INT64', ''],
    ['opp_fg_made', 'INT64', ''], ['opp_fg_attempted', 'INT64', ''],
    ['opp_fg3_made', 'INT64', ''], ['opp_fg3_attempted', 'INT64', ''],
    ['opp_ft_made', 'INT64', ''], ['opp_ft_attempted', 'INT64', ''],
    ['opp_effective_fg_pct', 'FLOAT64', ''], ['opp_turnovers', 'INT64', ''],
    ['defensive_rebounds', 'INT64', ''], ['steals', 'INT64', ''], ['blocks', 'INT64', ''],
    ['possessions', 'FLOAT64', "the opponent's possessions"],
    ['pace', 'FLOAT64', ''],
    ['defensive_rating', 'FLOAT64', 'points allowed per 100 opponent possessions'],
    processedAt,
  ],
};

export const UPCOMING_TEAM_GAME_CONTEXT: TableDef = {
  name: 'nba_analytics.upcoming_team_game_context',
  dateColumn: 'game_date',
  keys: ['game_id', 'team_abbr'],
  columns: [
    ['game_id', 'STRING', ''], ['game_date', 'DATE', ''], ['season_year', 'INT64', ''], ['season_type', 'STRING', ''],
    ['team_abbr', 'STRING', ''], ['opponent_abbr', 'STRING', ''], ['is_home', 'BOOL', ''],
    ['days_rest', 'INT64', 'days since the previous game this season, minus one (0 = back-to-back); NULL for the first'],
    ['is_back_to_back', 'BOOL', 'played the day before'],
    ['games_last_7_days', 'INT64', 'games in the 7 days before this one, not counting it'],
    ['home_away_streak', 'INT64', 'consecutive games at home (or away, per is_home) ending with this one'],
    ['opponent_days_rest', 'INT64', ''], ['opponent_is_back_to_back', 'BOOL', ''],
    processedAt,
  ],
};

export const UPCOMING_PLAYER_GAME_CONTEXT: TableDef = {
  name: 'nba_analytics.upcoming_player_game_context',
  dateColumn: 'game_date',
  keys: ['game_id', 'player_lookup'],
  columns: [
    ['game_id', 'STRING', ''], ['game_date', 'DATE', ''], ['season_year', 'INT64', ''],
    ['player_lookup', 'STRING', ''], ['team_abbr', 'STRING', ''], ['opponent_abbr', 'STRING', ''], ['is_home', 'BOOL', ''],
    ['points_line', 'FLOAT64', 'median points line across bookmakers'],
    ['bookmaker_count', 'INT64', ''],
    ['avg_points_last_5', 'FLOAT64', 'over the player\'s last 5 games played before this one (this season); NULL if none'],
    ['avg_points_last_10', 'FLOAT64', ''],
    ['avg_minutes_last_5', 'FLOAT64', ''],
    ['games_played_season', 'INT64', 'games played this season before this one'],
    ['days_rest', 'INT64', 'days since the player\'s previous game, minus one; NULL for the first'],
    ['is_back_to_back', 'BOOL', ''],
    processedAt,
  ],
};

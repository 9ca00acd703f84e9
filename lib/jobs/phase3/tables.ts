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
    ['game_id', 'STRING', "NBA.com game id, e.g. '0022400001'"], ['game_date', 'DATE', 'local game date'],
    ['season_year', 'INT64', 'year the season starts (2024 for 2024-25)'],
    ['player_lookup', 'STRING', "normalised name key, e.g. 'lebronjames'"], ['player_name', 'STRING', 'NULL when only the second source has the player'],
    ['team_abbr', 'STRING', "the player's team in this game"], ['opponent_abbr', 'STRING', 'from the schedule'],
    ['is_home', 'BOOL', "the player's team is the home team (schedule)"],
    ['starter', 'BOOL', 'NULL when the source does not say'],
    ['minutes', 'FLOAT64', "minutes played, decimal (the second source's 'MM:SS' converted); always > 0"],
    ['points', 'INT64', 'points scored'],
    ['fg_made', 'INT64', 'field goals made, 2- and 3-pointers'], ['fg_attempted', 'INT64', 'field goals attempted, 2- and 3-pointers'],
    ['fg3_made', 'INT64', 'three-pointers made'], ['fg3_attempted', 'INT64', 'three-pointers attempted'],
    ['ft_made', 'INT64', 'free throws made'], ['ft_attempted', 'INT64', 'free throws attempted'],
    ['offensive_rebounds', 'INT64', 'offensive rebounds'], ['defensive_rebounds', 'INT64', 'defensive rebounds'],
    ['rebounds', 'INT64', 'total rebounds'],
    ['assists', 'INT64', 'assists'], ['steals', 'INT64', 'steals'], ['blocks', 'INT64', 'blocks'],
    ['turnovers', 'INT64', 'turnovers'], ['personal_fouls', 'INT64', 'personal fouls'],
    ['plus_minus', 'INT64', 'NULL when the row came from the second source (it has none)'],
    ['effective_fg_pct', 'FLOAT64', '(FGM + 0.5·3PM) / FGA; NULL without attempts'],
    ['true_shooting_pct', 'FLOAT64', 'PTS / (2·(FGA + 0.44·FTA)); NULL without attempts'],
    ['usage_rate', 'FLOAT64', "100·((FGA + 0.44·FTA + TOV)·(team MIN/5)) / (MIN·(team FGA + 0.44·team FTA + team TOV)); team totals summed over the team's rows in this table"],
    ['primary_source', 'STRING', "'nbac_gamebook' or 'bdl_boxscores' (fallback when the gamebook lacks the date or player)"],
    processedAt,
  ],
};

export const TEAM_OFFENSE_GAME_SUMMARY: TableDef = {
  name: 'nba_analytics.team_offense_game_summary',
  dateColumn: 'game_date',
  keys: ['game_id', 'team_abbr'],
  columns: [
    ['game_id', 'STRING', 'NBA.com game id'], ['game_date', 'DATE', 'local game date'],
    ['season_year', 'INT64', 'year the season starts'],
    ['team_abbr', 'STRING', 'the team on offence'], ['opponent_abbr', 'STRING', 'the defending team'], ['is_home', 'BOOL', 'from the schedule'],
    ['win', 'BOOL', 'scored more than the opponent'], ['points', 'INT64', 'points scored'], ['opponent_points', 'INT64', 'points allowed'],
    ['fg_made', 'INT64', 'field goals made, 2- and 3-pointers'], ['fg_attempted', 'INT64', 'field goals attempted, 2- and 3-pointers'],
    ['fg3_made', 'INT64', 'three-pointers made'], ['fg3_attempted', 'INT64', 'three-pointers attempted'],
    ['ft_made', 'INT64', 'free throws made'], ['ft_attempted', 'INT64', 'free throws attempted'],
    ['offensive_rebounds', 'INT64', 'offensive rebounds'], ['assists', 'INT64', 'assists'], ['turnovers', 'INT64', 'turnovers'],
    ['overtime_periods', 'INT64', '0 for regulation (schedule; else read off team minutes: 240 + 25 per period)'],
    ['possessions', 'FLOAT64', 'FGA − ORB + TOV + 0.44·FTA'],
    ['pace', 'FLOAT64', 'possessions per 48 minutes: 48·poss / (team minutes / 5)'],
    ['offensive_rating', 'FLOAT64', 'points per 100 possessions'],
    ['effective_fg_pct', 'FLOAT64', '(FGM + 0.5·3PM) / FGA'], ['true_shooting_pct', 'FLOAT64', 'PTS / (2·(FGA + 0.44·FTA))'],
    processedAt,
  ],
};

export const TEAM_DEFENSE_GAME_SUMMARY: TableDef = {
  name: 'nba_analytics.team_defense_game_summary',
  dateColumn: 'game_date',
  keys: ['game_id', 'team_abbr'],
  columns: [
    ['game_id', 'STRING', 'NBA.com game id'], ['game_date', 'DATE', 'local game date'],
    ['season_year', 'INT64', 'year the season starts'],
    ['team_abbr', 'STRING', 'the defending team'], ['opponent_abbr', 'STRING', 'the team on offence'],
    ['is_home', 'BOOL', 'the defending team is at home (schedule)'],
    ['win', 'BOOL', 'the defending team won'], ['points_allowed', 'INT64', "the opponent's points"],
    ['opp_fg_made', 'INT64', "opponent's field goals made, 2- and 3-pointers"], ['opp_fg_attempted', 'INT64', "opponent's field goals attempted"],
    ['opp_fg3_made', 'INT64', "opponent's three-pointers made"], ['opp_fg3_attempted', 'INT64', "opponent's three-pointers attempted"],
    ['opp_ft_made', 'INT64', "opponent's free throws made"], ['opp_ft_attempted', 'INT64', "opponent's free throws attempted"],
    ['opp_effective_fg_pct', 'FLOAT64', "opponent's (FGM + 0.5·3PM) / FGA"], ['opp_turnovers', 'INT64', 'turnovers forced'],
    ['defensive_rebounds', 'INT64', "the defending team's"], ['steals', 'INT64', "the defending team's"], ['blocks', 'INT64', "the defending team's"],
    ['possessions', 'FLOAT64', "the opponent's possessions: FGA − ORB + TOV + 0.44·FTA"],
    ['pace', 'FLOAT64', "the opponent's possessions per 48 minutes"],
    ['defensive_rating', 'FLOAT64', 'points allowed per 100 opponent possessions'],
    processedAt,
  ],
};

export const UPCOMING_TEAM_GAME_CONTEXT: TableDef = {
  name: 'nba_analytics.upcoming_team_game_context',
  dateColumn: 'game_date',
  keys: ['game_id', 'team_abbr'],
  columns: [
    ['game_id', 'STRING', 'NBA.com game id'], ['game_date', 'DATE', 'local game date'],
    ['season_year', 'INT64', 'year the season starts'], ['season_type', 'STRING', "'Regular Season', 'PlayIn' or 'Playoffs'"],
    ['team_abbr', 'STRING', 'the team whose situation this is'], ['opponent_abbr', 'STRING', 'from the schedule'], ['is_home', 'BOOL', 'from the schedule'],
    ['days_rest', 'INT64', 'days since the previous final game this season, minus one (0 = back-to-back); NULL for the first'],
    ['is_back_to_back', 'BOOL', 'played the day before (false for the first game of the season)'],
    ['games_last_7_days', 'INT64', 'games in the 7 days before this one, not counting it'],
    ['home_away_streak', 'INT64', 'consecutive games at home (or away, per is_home) ending with this one'],
    ['opponent_days_rest', 'INT64', "the opponent's days_rest"], ['opponent_is_back_to_back', 'BOOL', "the opponent's is_back_to_back"],
    processedAt,
  ],
};

export const UPCOMING_PLAYER_GAME_CONTEXT: TableDef = {
  name: 'nba_analytics.upcoming_player_game_context',
  dateColumn: 'game_date',
  keys: ['game_id', 'player_lookup'],
  columns: [
    ['game_id', 'STRING', 'NBA.com game id'], ['game_date', 'DATE', 'local game date'],
    ['season_year', 'INT64', 'year the season starts'],
    ['player_lookup', 'STRING', "normalised name key, e.g. 'lebronjames'"],
    ['team_abbr', 'STRING', "the props feed's team when it is one of the game's teams, else the player's box-score team"],
    ['opponent_abbr', 'STRING', 'from the schedule'], ['is_home', 'BOOL', 'from the schedule'],
    ['points_line', 'FLOAT64', "median points line across bookmakers (each bookmaker's latest line)"],
    ['bookmaker_count', 'INT64', 'bookmakers offering a points line'],
    ['avg_points_last_5', 'FLOAT64', 'over the player\'s last 5 games played before this one (this season); NULL if none'],
    ['avg_points_last_10', 'FLOAT64', 'the same over the last 10'],
    ['avg_minutes_last_5', 'FLOAT64', 'minutes over the last 5 games played before this one (this season)'],
    ['games_played_season', 'INT64', 'games played (minutes > 0, as in player_game_summary) this season before this one'],
    ['days_rest', 'INT64', 'days since the player\'s previous game this season, minus one; NULL for the first'],
    ['is_back_to_back', 'BOOL', 'played the day before'],
    processedAt,
  ],
};

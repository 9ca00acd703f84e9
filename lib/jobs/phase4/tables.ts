/**
 * Phase 4 output tables (`nba_precompute`, `nba_predictions`). Fixed by the data
 * contract: the table names, the date columns and `completeness_pct`; the rest
 * is designed here. Every row describes a date using only games strictly before
 * it. Shares and FG% are fractions (0–1); `_pp` columns are percentage points.
 */
import type { TableDef } from '../../seed/schema.ts';
import { ML_FEATURES } from './features.ts';

type Col = TableDef['columns'][number];

const processedAt: Col = ['processed_at', 'TIMESTAMP', 'when this row was written'];
const seasonYear: Col = ['season_year', 'INT64', 'year the season starts'];

function completenessCol(window: string): Col {
  return ['completeness_pct', 'FLOAT64', `0–100: ${window} found before the date / window size`];
}

export const TEAM_DEFENSE_ZONE_ANALYSIS: TableDef = {
  name: 'nba_precompute.team_defense_zone_analysis',
  dateColumn: 'analysis_date',
  keys: ['team_abbr'],
  columns: [
    ['analysis_date', 'DATE', 'a game date of the team; the row uses games before it'],
    seasonYear,
    ['team_abbr', 'STRING', 'the defending team'],
    ['game_id', 'STRING', "the team's game on analysis_date"],
    ['opponent_abbr', 'STRING', "the team's opponent on analysis_date"],
    ['games_in_sample', 'INT64', 'games this season before the date, at most 15'],
    ['points_allowed_avg_last_15', 'FLOAT64', 'points allowed per game over the sample'],
    ['defensive_rating_avg_last_15', 'FLOAT64', 'points allowed per 100 opponent possessions'],
    ['pace_avg_last_15', 'FLOAT64', "opponents' possessions per 48 minutes over the sample"],
    ['opp_fg_pct_allowed_last_15', 'FLOAT64', 'box score: opponent FGM / FGA'],
    ['opp_fg3_pct_allowed_last_15', 'FLOAT64', 'box score: opponent 3PM / 3PA'],
    ['games_with_shot_data', 'INT64', 'games in the sample with play-by-play shots; zone columns are NULL when 0'],
    ['paint_share_allowed', 'FLOAT64', "share of the opponents' play-by-play FGA in the paint"],
    ['mid_range_share_allowed', 'FLOAT64', "share of the opponents' play-by-play FGA from mid-range"],
    ['three_share_allowed', 'FLOAT64', "share of the opponents' play-by-play FGA from three"],
    ['paint_fg_pct_allowed', 'FLOAT64', "opponents' play-by-play FG% in the paint"],
    ['mid_range_fg_pct_allowed', 'FLOAT64', "opponents' play-by-play FG% from mid-range"],
    ['three_fg_pct_allowed', 'FLOAT64', "opponents' play-by-play FG% from three"],
    ['paint_fg_pct_vs_league_pp', 'FLOAT64', 'paint FG% allowed minus the league paint FG% this season before the date, in points (+ = weaker defence)'],
    ['mid_range_fg_pct_vs_league_pp', 'FLOAT64', 'mid-range FG% allowed minus the league\'s, in points'],
    ['three_fg_pct_vs_league_pp', 'FLOAT64', 'three-point FG% allowed minus the league\'s, in points'],
    completenessCol('games_in_sample of 15'),
    processedAt,
  ],
};

export const PLAYER_SHOT_ZONE_ANALYSIS: TableDef = {
  name: 'nba_precompute.player_shot_zone_analysis',
  dateColumn: 'analysis_date',
  keys: ['player_lookup'],
  columns: [
    ['analysis_date', 'DATE', "a game date of the player's team; the row uses games before it"],
    seasonYear,
    ['player_lookup', 'STRING', "normalised name key, e.g. 'lebronjames'"],
    ['team_abbr', 'STRING', 'the team of his latest game this season'],
    ['game_id', 'STRING', "his team's game on analysis_date"],
    ['opponent_abbr', 'STRING', "his team's opponent on analysis_date"],
    ['games_in_sample', 'INT64', 'games played this season before the date, at most 10'],
    ['games_with_shot_data', 'INT64', 'games in the sample with play-by-play shots; zone columns are NULL when 0'],
    ['paint_attempts_last_10', 'INT64', 'play-by-play FGA in the paint over games_with_shot_data'],
    ['mid_range_attempts_last_10', 'INT64', 'play-by-play FGA from mid-range over games_with_shot_data'],
    ['three_attempts_last_10', 'INT64', 'play-by-play FGA from three over games_with_shot_data'],
    ['paint_rate_last_10', 'FLOAT64', 'share of his play-by-play FGA in the paint'],
    ['mid_range_rate_last_10', 'FLOAT64', 'share of his play-by-play FGA from mid-range'],
    ['three_rate_last_10', 'FLOAT64', 'share of his play-by-play FGA from three'],
    ['paint_fg_pct_last_10', 'FLOAT64', 'play-by-play FG% in the paint; NULL without attempts there'],
    ['mid_range_fg_pct_last_10', 'FLOAT64', 'play-by-play FG% from mid-range; NULL without attempts there'],
    ['three_fg_pct_last_10', 'FLOAT64', 'play-by-play FG% from three; NULL without attempts there'],
    ['primary_scoring_zone', 'STRING', "'paint', 'mid_range' or 'three': most attempts (ties to the first); NULL without shots"],
    ['fg3_attempt_rate_last_10', 'FLOAT64', 'box score 3PA / FGA: a zone hint that exists without play-by-play'],
    ['points_avg_last_5', 'FLOAT64', 'points per game, last 5 games (box score)'],
    ['points_avg_last_10', 'FLOAT64', 'points per game over the sample'],
    ['minutes_avg_last_10', 'FLOAT64', 'minutes per game over the sample'],
    completenessCol('games_in_sample of 10'),
    processedAt,
  ],
};

export const PLAYER_COMPOSITE_FACTORS: TableDef = {
  name: 'nba_precompute.player_composite_factors',
  dateColumn: 'game_date',
  keys: ['game_id', 'player_lookup'],
  columns: [
    ['game_date', 'DATE', 'the game; every factor uses games before it'],
    ['game_id', 'STRING', 'NBA.com game id (schedule)'],
    seasonYear,
    ['player_lookup', 'STRING', "normalised name key, e.g. 'lebronjames'"],
    ['team_abbr', 'STRING', 'the team of his latest game this season'],
    ['opponent_abbr', 'STRING', 'from the schedule'],
    ['is_home', 'BOOL', 'from the schedule'],
    ['baseline_points', 'FLOAT64', 'season average points before the game: what the adjustments scale'],
    ['days_rest', 'INT64', 'days since his previous game this season, minus one (0 = back-to-back)'],
    ['is_back_to_back', 'BOOL', 'played the day before'],
    ['games_last_7_days', 'INT64', 'games in the 7 days before'],
    ['minutes_last_3_days', 'FLOAT64', 'minutes in the 3 days before'],
    ['minutes_last_7_days', 'FLOAT64', 'minutes in the 7 days before'],
    ['fatigue_score', 'FLOAT64', '0–100: 40·back-to-back + 30·min(1, min_3d/72) + 30·min(1, min_7d/144)'],
    ['zone_matchup_score', 'FLOAT64', "Σ zone share × opponent's FG% vs league (pp) over zones known on both sides; NULL when none"],
    ['team_pace_last_10', 'FLOAT64', "his team's pace over its last 10 games"],
    ['opponent_pace_last_10', 'FLOAT64', "the opponent's pace over its last 10 games"],
    ['pace_diff', 'FLOAT64', 'opponent_pace_last_10 − team_pace_last_10 (+ = a faster game than usual)'],
    ['usage_rate_last_5', 'FLOAT64', 'usage rate over his last 5 games'],
    ['usage_rate_season', 'FLOAT64', 'season average before the game'],
    ['usage_change', 'FLOAT64', 'usage_rate_last_5 − usage_rate_season'],
    ['fatigue_adjustment', 'FLOAT64', 'points: −0.08 · baseline · fatigue_score / 100'],
    ['matchup_adjustment', 'FLOAT64', 'points: baseline · zone_matchup_score / 50 (1 pp of FG% ≈ 2 % of points); 0 when NULL'],
    ['pace_adjustment', 'FLOAT64', 'points: baseline · pace_diff / (2 · team_pace_last_10); 0 when unknown'],
    ['usage_adjustment', 'FLOAT64', 'points: baseline · 0.5 · usage_change / usage_rate_season; 0 when unknown'],
    ['composite_adjustment', 'FLOAT64', 'points: the sum of the four adjustments'],
    ['projected_points', 'FLOAT64', 'baseline_points + composite_adjustment'],
    ['games_in_sample', 'INT64', 'games played this season before the game, at most 10'],
    completenessCol('games_in_sample of 10'),
    processedAt,
  ],
};

export const PLAYER_DAILY_CACHE: TableDef = {
  name: 'nba_precompute.player_daily_cache',
  dateColumn: 'cache_date',
  keys: ['player_lookup'],
  columns: [
    ['cache_date', 'DATE', "a game date of the player's team; the row holds his numbers as of that morning"],
    seasonYear,
    ['player_lookup', 'STRING', "normalised name key, e.g. 'lebronjames'"],
    ['team_abbr', 'STRING', 'the team of his latest game this season'],
    ['game_id', 'STRING', "his team's game on cache_date"],
    ['opponent_abbr', 'STRING', "his team's opponent on cache_date"],
    ['games_played_season', 'INT64', 'games played this season before the date'],
    ['last_game_date', 'DATE', 'his latest game before the date'],
    ['points_avg_season', 'FLOAT64', 'per game, season to date'],
    ['rebounds_avg_season', 'FLOAT64', 'per game, season to date'],
    ['assists_avg_season', 'FLOAT64', 'per game, season to date'],
    ['minutes_avg_season', 'FLOAT64', 'per game, season to date'],
    ['points_avg_last_5', 'FLOAT64', 'per game, last 5 games'],
    ['points_avg_last_10', 'FLOAT64', 'per game, last 10 games'],
    ['points_std_last_10', 'FLOAT64', 'sample standard deviation; NULL under 2 games'],
    ['rebounds_avg_last_10', 'FLOAT64', 'per game, last 10 games'],
    ['assists_avg_last_10', 'FLOAT64', 'per game, last 10 games'],
    ['minutes_avg_last_5', 'FLOAT64', 'per game, last 5 games'],
    ['minutes_avg_last_10', 'FLOAT64', 'per game, last 10 games'],
    ['minutes_trend', 'FLOAT64', 'minutes_avg_last_5 − minutes_avg_season'],
    ['games_in_sample', 'INT64', 'games in the last-10 window'],
    completenessCol('games_in_sample of 10'),
    processedAt,
  ],
};

export const ML_FEATURE_STORE: TableDef = {
  name: 'nba_predictions.ml_feature_store',
  dateColumn: 'game_date',
  keys: ['game_id', 'player_lookup'],
  columns: [
    ['game_date', 'DATE', 'the game the features describe (from games before it)'],
    ['game_id', 'STRING', 'NBA.com game id (schedule)'],
    seasonYear,
    ['player_lookup', 'STRING', "normalised name key, e.g. 'lebronjames'"],
    ['team_abbr', 'STRING', 'his team'],
    ['opponent_abbr', 'STRING', 'from the schedule'],
    ...ML_FEATURES.map((f): Col => [f.name, 'FLOAT64', f.description]),
    ['features_missing', 'INT64', `features that are NULL, of ${ML_FEATURES.length}`],
    ['feature_quality_score', 'FLOAT64', '0–100: 0.7 · completeness_pct + 0.3 · 100 · share of features present'],
    ['feature_version', 'STRING', 'names the feature list and its order (ML_FEATURE_VERSION)'],
    completenessCol("the player's last-10 games (from player_daily_cache)"),
    processedAt,
  ],
};

export const PHASE4_TABLES: TableDef[] = [
  TEAM_DEFENSE_ZONE_ANALYSIS, PLAYER_SHOT_ZONE_ANALYSIS, PLAYER_COMPOSITE_FACTORS, PLAYER_DAILY_CACHE, ML_FEATURE_STORE,
];

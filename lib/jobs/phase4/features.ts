/**
 * The ML feature vector: fixed names in a fixed order. A model trained on one
 * version reads the columns by these names; changing the list means a new
 * ML_FEATURE_VERSION. Each feature is FLOAT64 and may be NULL (the model and
 * feature_quality_score see what is missing).
 *
 * `source` is the SQL expression over the ml_feature_store join:
 *   c = player_composite_factors, d = player_daily_cache,
 *   z = player_shot_zone_analysis, o = the opponent's team_defense_zone_analysis,
 *   u = upcoming_player_game_context (props; only where odds exist).
 */

export interface MLFeature {
  name: string;
  description: string;
  source: string;
}

const asFloat = (expr: string) => `CAST(${expr} AS FLOAT64)`;
/** BigQuery casts BOOL to INT64 but not to FLOAT64. */
const boolAsFloat = (expr: string) => `CAST(CAST(${expr} AS INT64) AS FLOAT64)`;

export const ML_FEATURES: readonly MLFeature[] = [
  { name: 'points_avg_last_5', description: 'points per game, last 5 games', source: 'd.points_avg_last_5' },
  { name: 'points_avg_last_10', description: 'points per game, last 10 games', source: 'd.points_avg_last_10' },
  { name: 'points_avg_season', description: 'points per game, season to date', source: 'd.points_avg_season' },
  { name: 'points_std_last_10', description: 'standard deviation of points, last 10 games', source: 'd.points_std_last_10' },
  { name: 'minutes_avg_last_5', description: 'minutes per game, last 5 games', source: 'd.minutes_avg_last_5' },
  { name: 'minutes_avg_season', description: 'minutes per game, season to date', source: 'd.minutes_avg_season' },
  { name: 'minutes_trend', description: 'last-5 minus season minutes per game', source: 'd.minutes_trend' },
  { name: 'games_played_season', description: 'games played this season before the game', source: asFloat('d.games_played_season') },
  { name: 'usage_rate_last_5', description: 'usage rate, last 5 games', source: 'c.usage_rate_last_5' },
  { name: 'usage_change', description: 'last-5 minus season usage rate', source: 'c.usage_change' },
  { name: 'days_rest', description: 'days since the previous game, minus one', source: asFloat('c.days_rest') },
  { name: 'is_back_to_back', description: '1 if he played the day before', source: boolAsFloat('c.is_back_to_back') },
  { name: 'fatigue_score', description: '0–100 fatigue from back-to-backs and recent minutes', source: 'c.fatigue_score' },
  { name: 'pace_diff', description: "opponent's minus own team's pace, last 10 games", source: 'c.pace_diff' },
  { name: 'opp_def_rating', description: "opponent's defensive rating, last 15 games", source: 'o.defensive_rating_avg_last_15' },
  { name: 'opp_points_allowed_avg', description: "opponent's points allowed per game, last 15 games", source: 'o.points_allowed_avg_last_15' },
  { name: 'zone_matchup_score', description: "his zone mix against the opponent's zone defence (pp); NULL without play-by-play", source: 'c.zone_matchup_score' },
  { name: 'paint_rate', description: 'share of his shots in the paint, last 10 games; NULL without play-by-play', source: 'z.paint_rate_last_10' },
  { name: 'three_rate', description: 'share of his shots from three, last 10 games; NULL without play-by-play', source: 'z.three_rate_last_10' },
  { name: 'is_home', description: '1 at home', source: boolAsFloat('c.is_home') },
  { name: 'composite_adjustment', description: 'points adjustment from fatigue, matchup, pace and usage', source: 'c.composite_adjustment' },
  { name: 'points_line', description: 'median points prop line; NULL where no odds', source: 'u.points_line' },
];

export const ML_FEATURE_VERSION = `v1_${ML_FEATURES.length}f`;

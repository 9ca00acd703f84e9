/**
 * Phase 4, fifth: the model's input, one named feature per column (the list and
 * its order are ML_FEATURES in features.ts), with a quality score:
 *
 *   feature_quality_score = 0.7 · completeness_pct + 0.3 · 100 · present / total
 *
 * where completeness_pct is the player's last-10 coverage (player_daily_cache)
 * and present counts the non-NULL features. Named columns rather than an
 * ARRAY<FLOAT64>: BigQuery arrays cannot hold the NULLs a missing feature needs.
 */
import { onDates } from '../dates.ts';
import type { ProcessorDef } from '../types.ts';
import { ML_FEATURES, ML_FEATURE_VERSION } from './features.ts';
import { ML_FEATURE_STORE } from './tables.ts';
import { insertHeader, selectList, tableRef } from './sql.ts';

/**
 * A row: one player's game on game_date, for every row of player_composite_factors
 * that date, joined with the same date's player_daily_cache and shot zones, the
 * opponent's zone defence and, where odds exist, the points line.
 */
function insertSql(project: string): string {
  const t = (name: string) => tableRef(project, name);
  // Each joined table read on the requested dates only (their rows join on the date).
  const readOnDates = (name: string, dateColumn: string) => `(SELECT * FROM ${t(name)} WHERE ${onDates(dateColumn)})`;
  const featureExprs = Object.fromEntries(ML_FEATURES.map((f) => [f.name, `f.${f.name}`]));
  const missing = ML_FEATURES.map((f) => `CASE WHEN f.${f.name} IS NULL THEN 1 ELSE 0 END`).join('\n    + ');
  return `${insertHeader(project, ML_FEATURE_STORE)}
WITH
features AS (
  SELECT c.game_date, c.game_id, c.season_year, c.player_lookup, c.team_abbr, c.opponent_abbr,
    d.completeness_pct,
    ${ML_FEATURES.map((f) => `${f.source} AS ${f.name}`).join(',\n    ')}
  FROM ${t('nba_precompute.player_composite_factors')} AS c
  LEFT JOIN ${readOnDates('nba_precompute.player_daily_cache', 'cache_date')} AS d
    ON d.cache_date = c.game_date AND d.player_lookup = c.player_lookup
  LEFT JOIN ${readOnDates('nba_precompute.player_shot_zone_analysis', 'analysis_date')} AS z
    ON z.analysis_date = c.game_date AND z.player_lookup = c.player_lookup
  LEFT JOIN ${readOnDates('nba_precompute.team_defense_zone_analysis', 'analysis_date')} AS o
    ON o.analysis_date = c.game_date AND o.team_abbr = c.opponent_abbr
  LEFT JOIN ${readOnDates('nba_analytics.upcoming_player_game_context', 'game_date')} AS u
    ON u.game_date = c.game_date AND u.game_id = c.game_id AND u.player_lookup = c.player_lookup
  WHERE ${onDates('c.game_date')}
),
scored AS (
  SELECT f.*,
    ${missing} AS features_missing
  FROM features AS f
)
SELECT
  ${selectList(ML_FEATURE_STORE, {
    game_date: 'f.game_date',
    game_id: 'f.game_id',
    season_year: 'f.season_year',
    player_lookup: 'f.player_lookup',
    team_abbr: 'f.team_abbr',
    opponent_abbr: 'f.opponent_abbr',
    ...featureExprs,
    features_missing: 'f.features_missing',
    feature_quality_score: `ROUND(0.7 * COALESCE(f.completeness_pct, 0) + 0.3 * 100.0 * (${ML_FEATURES.length} - f.features_missing) / ${ML_FEATURES.length}, 1)`,
    feature_version: `'${ML_FEATURE_VERSION}'`,
    completeness_pct: 'COALESCE(f.completeness_pct, 0)',
  })}
FROM scored AS f`;
}

export const mlFeatureStore: ProcessorDef = {
  job: 'precompute/ml_feature_store',
  processorName: 'MLFeatureStoreProcessor',
  phase: 'phase_4_precompute',
  order: 5,
  output: ML_FEATURE_STORE,
  dependencies: [
    { table: 'nba_precompute.team_defense_zone_analysis', dateColumn: 'analysis_date', lookbackDays: 0, required: true },
    { table: 'nba_precompute.player_shot_zone_analysis', dateColumn: 'analysis_date', lookbackDays: 0, required: true },
    { table: 'nba_precompute.player_composite_factors', dateColumn: 'game_date', lookbackDays: 0, required: true },
    { table: 'nba_precompute.player_daily_cache', dateColumn: 'cache_date', lookbackDays: 0, required: true },
    // Props exist only for the later seasons: points_line is NULL elsewhere.
    { table: 'nba_analytics.upcoming_player_game_context', dateColumn: 'game_date', lookbackDays: 0, required: false },
  ],
  description: `The ${ML_FEATURES.length}-feature vector per player game (${ML_FEATURE_VERSION}) with a quality score`,
  insertSql,
};

/**
 * Step 5's queries: the original's overall coverage, failure summary and
 * quality distribution, with bound dates and the original's column names, and
 * the per-date quality figures its expectations are checked against.
 */
import { p } from '../warehouse/params.ts';
import type { Query, StepContext } from '../notebook/steps.ts';
import { table, LATEST_ATTEMPT } from './tables.ts';

const range = (ctx: StepContext) => ({ start_date: p.date(ctx.range.start), end_date: p.date(ctx.range.end) });

/** 5.1: distinct dates per phase, on the original's four tables. */
export function overallCoverage(ctx: StepContext): Query {
  const t = (n: string) => table(ctx.project, n);
  return {
    sql: `SELECT
  'Phase 2' as phase,
  'nbac_team_boxscore' as table_name,
  COUNT(DISTINCT game_date) as dates
FROM ${t('nba_raw.nbac_team_boxscore')}
WHERE game_date BETWEEN @start_date AND @end_date

UNION ALL

SELECT 'Phase 3', 'player_game_summary', COUNT(DISTINCT game_date)
FROM ${t('nba_analytics.player_game_summary')}
WHERE game_date BETWEEN @start_date AND @end_date

UNION ALL

SELECT 'Phase 3', 'team_defense_game_summary', COUNT(DISTINCT game_date)
FROM ${t('nba_analytics.team_defense_game_summary')}
WHERE game_date BETWEEN @start_date AND @end_date

UNION ALL

SELECT 'Phase 4', 'player_shot_zone_analysis', COUNT(DISTINCT analysis_date)
FROM ${t('nba_precompute.player_shot_zone_analysis')}
WHERE analysis_date BETWEEN @start_date AND @end_date

ORDER BY phase, table_name`,
    params: range(ctx),
  };
}

/**
 * 5.2: failed attempts per phase and processor (the original's count), and how
 * many dates are still failing (latest attempt failed): a failure fixed by a
 * re-run stays in the first count but leaves the second.
 */
export function failureSummary(ctx: StepContext): Query {
  return {
    sql: `WITH attempts AS (
  SELECT phase, processor_name, data_date, status,
    ${LATEST_ATTEMPT} AS rn
  FROM ${table(ctx.project, 'nba_reference.processor_run_history')}
  WHERE data_date BETWEEN @start_date AND @end_date
)
SELECT
  phase,
  processor_name,
  COUNTIF(status = 'failed') as failure_count,
  COUNTIF(status = 'failed' AND rn = 1) as still_failing
FROM attempts
GROUP BY phase, processor_name
HAVING COUNTIF(status = 'failed') > 0
ORDER BY failure_count DESC, processor_name`,
    params: range(ctx),
  };
}

/** 5.3: records per year and quality band of player_shot_zone_analysis. */
export function qualityDistribution(ctx: StepContext): Query {
  return {
    sql: `SELECT
  EXTRACT(YEAR FROM analysis_date) as year,
  CASE
    WHEN completeness_pct >= 90 THEN 'Good (90%+)'
    WHEN completeness_pct >= 70 THEN 'OK (70-89%)'
    ELSE 'Degraded (<70%)'
  END as quality,
  COUNT(*) as records
FROM ${table(ctx.project, 'nba_precompute.player_shot_zone_analysis')}
WHERE analysis_date BETWEEN @start_date AND @end_date
GROUP BY year, quality
ORDER BY year, quality`,
    params: range(ctx),
  };
}

/** Per date: records, Good records and records without shot zones, for the quality expectations. */
export function qualityByDate(ctx: StepContext): Query {
  return {
    sql: `SELECT
  analysis_date,
  COUNT(*) as records,
  COUNTIF(completeness_pct >= 90) as good,
  COUNTIF(primary_scoring_zone IS NULL) as zones_null
FROM ${table(ctx.project, 'nba_precompute.player_shot_zone_analysis')}
WHERE analysis_date BETWEEN @start_date AND @end_date
GROUP BY analysis_date
ORDER BY analysis_date`,
    params: range(ctx),
  };
}

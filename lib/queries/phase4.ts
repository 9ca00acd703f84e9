/**
 * Step 3's queries: the original's validation (dates per table) and quality
 * buckets, with bound dates, plus the per-week view its expectation needs
 * ("mostly Good after the first few weeks").
 */
import { p } from '../warehouse/params.ts';
import type { Query, StepContext } from '../notebook/steps.ts';
import { table } from './tables.ts';

const range = (ctx: StepContext) => ({ start_date: p.date(ctx.range.start), end_date: p.date(ctx.range.end) });

export const PHASE4_TABLES = [
  ['team_defense_zone_analysis', 'nba_precompute', 'analysis_date'],
  ['player_shot_zone_analysis', 'nba_precompute', 'analysis_date'],
  ['player_composite_factors', 'nba_precompute', 'game_date'],
  ['player_daily_cache', 'nba_precompute', 'cache_date'],
  ['ml_feature_store', 'nba_predictions', 'game_date'],
] as const;

/** 3.2: distinct dates per Phase 4 table (the original's four, plus the feature store). */
export function phase4Validation(ctx: StepContext): Query {
  const parts = PHASE4_TABLES.map(([name, ds, col], i) => `  SELECT ${i === 0 ? `'${name}' as table_name, ${col} as date_col` : `'${name}', ${col}`}
  FROM ${table(ctx.project, `${ds}.${name}`)}
  WHERE ${col} BETWEEN @start_date AND @end_date`);
  return {
    sql: `SELECT
  table_name,
  COUNT(DISTINCT date_col) as dates
FROM (
${parts.join('\n  UNION ALL\n')}
)
GROUP BY table_name
ORDER BY table_name`,
    params: range(ctx),
  };
}

/** The original's quality buckets on completeness_pct. */
export const QUALITY_BUCKETS = `CASE
    WHEN completeness_pct >= 90 THEN '90-100% (Good)'
    WHEN completeness_pct >= 70 THEN '70-89% (OK)'
    WHEN completeness_pct >= 50 THEN '50-69% (Degraded)'
    ELSE '0-49% (Bootstrap/Poor)'
  END`;

/** 3.3: records per quality bucket for player_shot_zone_analysis. */
export function qualityBuckets(ctx: StepContext): Query {
  return {
    sql: `SELECT
  ${QUALITY_BUCKETS} as quality_bucket,
  COUNT(*) as records,
  ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 1) as pct
FROM ${table(ctx.project, 'nba_precompute.player_shot_zone_analysis')}
WHERE analysis_date BETWEEN @start_date AND @end_date
GROUP BY 1
ORDER BY 1`,
    params: range(ctx),
  };
}

/** The gate's evidence: the Good share per week of the season (week 1 starts on the range's first day). */
export function qualityByWeek(ctx: StepContext): Query {
  return {
    sql: `SELECT
  DIV(DATE_DIFF(analysis_date, @start_date, DAY), 7) + 1 as week,
  MIN(analysis_date) as week_start,
  COUNT(*) as records,
  COUNTIF(completeness_pct >= 90) as good,
  ROUND(COUNTIF(completeness_pct >= 90) * 100.0 / COUNT(*), 1) as good_pct
FROM ${table(ctx.project, 'nba_precompute.player_shot_zone_analysis')}
WHERE analysis_date BETWEEN @start_date AND @end_date
GROUP BY 1
ORDER BY 1`,
    params: range(ctx),
  };
}

/**
 * For 3.3.2's diagnosis: the game dates of the range player_game_summary lacks
 * (`missing`), and, of those, the ones inside the lookback window (the team's
 * last 10 final games before the date) of the records below 90 after the first
 * `afterWeek` weeks, with how many such records each one lowers.
 */
export function phase3GapsInLowWindows(ctx: StepContext, afterWeek: number, windowGames: number): Query {
  const schedule = table(ctx.project, 'nba_raw.nbac_schedule');
  const side = (team: string) => `SELECT ${team} AS team_abbr, season_year, game_date, game_id FROM ${schedule}
    WHERE game_status = 3 AND game_date BETWEEN DATE_SUB(@start_date, INTERVAL 366 DAY) AND @end_date`;
  return {
    sql: `WITH team_games AS (
  SELECT team_abbr, season_year, game_date,
    ROW_NUMBER() OVER (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id) AS idx,
    LEAD(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id) AS next_date
  FROM (
    ${side('home_team_abbr')}
    UNION ALL
    ${side('away_team_abbr')}
  ) AS sides
),
missing AS (
  SELECT DISTINCT s.game_date
  FROM ${schedule} AS s
  LEFT JOIN (
    SELECT DISTINCT game_date FROM ${table(ctx.project, 'nba_analytics.player_game_summary')}
    WHERE game_date BETWEEN DATE_SUB(@start_date, INTERVAL 366 DAY) AND @end_date
  ) AS p ON p.game_date = s.game_date
  WHERE s.game_status = 3 AND s.game_date BETWEEN DATE_SUB(@start_date, INTERVAL 366 DAY) AND @end_date AND p.game_date IS NULL
),
low AS (
  SELECT analysis_date, team_abbr, COUNT(*) AS records
  FROM ${table(ctx.project, 'nba_precompute.player_shot_zone_analysis')}
  WHERE analysis_date BETWEEN @start_date AND @end_date
    AND DATE_DIFF(analysis_date, @start_date, DAY) >= ${7 * afterWeek}
    AND completeness_pct < 90
  GROUP BY analysis_date, team_abbr
),
windows AS (
  SELECT l.records, w.game_date
  FROM low AS l
  JOIN team_games AS latest
    ON latest.team_abbr = l.team_abbr AND latest.game_date < l.analysis_date
    AND COALESCE(latest.next_date, DATE '9999-12-31') >= l.analysis_date
  JOIN team_games AS w
    ON w.team_abbr = latest.team_abbr AND w.season_year = latest.season_year
    AND w.idx BETWEEN latest.idx - ${windowGames - 1} AND latest.idx
)
SELECT m.game_date AS missing_date,
  m.game_date BETWEEN @start_date AND @end_date AS in_range,
  COALESCE(wl.low_records, 0) AS low_records
FROM missing AS m
LEFT JOIN (SELECT game_date, SUM(records) AS low_records FROM windows GROUP BY game_date) AS wl ON wl.game_date = m.game_date
WHERE m.game_date BETWEEN @start_date AND @end_date OR wl.low_records > 0
ORDER BY m.game_date`,
    params: range(ctx),
  };
}

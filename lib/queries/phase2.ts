/**
 * Step 1's queries: the original's, with its literal dates replaced by bound
 * parameters (@start_date, @end_date) and its column names kept.
 */
import { p } from '../warehouse/params.ts';
import type { Query, StepContext } from '../notebook/steps.ts';
import { table } from './tables.ts';

/** The raw tables Step 1 checks against the schedule, in the original's order. */
export const PHASE2_CHECKED = ['nbac_team_boxscore', 'nbac_gamebook_player_stats', 'bdl_player_boxscores'] as const;

const range = (ctx: StepContext) => ({ start_date: p.date(ctx.range.start), end_date: p.date(ctx.range.end) });

/** 1.1: distinct dates per raw table against final game dates in the schedule. */
export function phase2Coverage(ctx: StepContext): Query {
  const t = (n: string) => table(ctx.project, `nba_raw.${n}`);
  return {
    sql: `WITH expected AS (
  SELECT COUNT(DISTINCT game_date) as cnt
  FROM ${t('nbac_schedule')}
  WHERE game_status = 3
    AND game_date BETWEEN @start_date AND @end_date
)
SELECT
  table_name,
  actual_dates,
  (SELECT cnt FROM expected) as expected,
  ROUND(actual_dates * 100.0 / (SELECT cnt FROM expected), 1) as pct
FROM (
  SELECT 'nbac_team_boxscore' as table_name, COUNT(DISTINCT game_date) as actual_dates
  FROM ${t('nbac_team_boxscore')} WHERE game_date BETWEEN @start_date AND @end_date
  UNION ALL
  SELECT 'nbac_gamebook_player_stats', COUNT(DISTINCT game_date)
  FROM ${t('nbac_gamebook_player_stats')} WHERE game_date BETWEEN @start_date AND @end_date
  UNION ALL
  SELECT 'bdl_player_boxscores', COUNT(DISTINCT game_date)
  FROM ${t('bdl_player_boxscores')} WHERE game_date BETWEEN @start_date AND @end_date
  UNION ALL
  SELECT 'nbac_schedule', COUNT(DISTINCT game_date)
  FROM ${t('nbac_schedule')} WHERE game_status = 3 AND game_date BETWEEN @start_date AND @end_date
)
ORDER BY pct ASC, table_name`,
    params: range(ctx),
  };
}

/**
 * 1.3: every final game date missing from each raw table (the original stops at
 * LIMIT 20 for one table). `game_date_number` numbers the range's game dates so
 * consecutive missing game dates can be shown as one run, across off days.
 */
export function phase2MissingDates(ctx: StepContext): Query {
  const t = (n: string) => table(ctx.project, `nba_raw.${n}`);
  const names = PHASE2_CHECKED.map((n, i) => (i === 0 ? `SELECT '${n}' AS table_name` : `SELECT '${n}'`)).join(' UNION ALL ');
  const actual = PHASE2_CHECKED.map((n) => `  SELECT DISTINCT '${n}' AS table_name, game_date FROM ${t(n)} WHERE game_date BETWEEN @start_date AND @end_date`).join('\n  UNION ALL\n');
  return {
    sql: `WITH expected AS (
  SELECT game_date, ROW_NUMBER() OVER (ORDER BY game_date) AS game_date_number
  FROM (
    SELECT DISTINCT game_date
    FROM ${t('nbac_schedule')}
    WHERE game_status = 3 AND game_date BETWEEN @start_date AND @end_date
  )
),
actual AS (
${actual}
)
SELECT c.table_name, e.game_date as missing_date, e.game_date_number
FROM expected e
CROSS JOIN (${names}) c
LEFT JOIN actual a ON a.table_name = c.table_name AND a.game_date = e.game_date
WHERE a.game_date IS NULL
ORDER BY c.table_name, missing_date`,
    params: range(ctx),
  };
}

/** Final game dates in the range: a range without any is bad input, not an empty result. */
export function finalGameDates(ctx: StepContext): Query {
  return {
    sql: `SELECT DISTINCT game_date
FROM ${table(ctx.project, 'nba_raw.nbac_schedule')}
WHERE game_status = 3 AND game_date BETWEEN @start_date AND @end_date
ORDER BY game_date`,
    params: range(ctx),
  };
}

/**
 * Step 2's queries: the original's progress, validation and failure queries with
 * bound dates, plus what the validation is compared with (expected dates from
 * the schedule and the odds feed, not the literal "~170").
 */
import { p } from '../warehouse/params.ts';
import type { Query, StepContext } from '../notebook/steps.ts';
import { table, LATEST_ATTEMPT } from './tables.ts';

const range = (ctx: StepContext) => ({ start_date: p.date(ctx.range.start), end_date: p.date(ctx.range.end) });
const history = (ctx: StepContext) => table(ctx.project, 'nba_reference.processor_run_history');

/** 2.2: success / failed / skipped per processor over the last 24 hours of attempts. */
export function phaseProgress(phase: string) {
  return (ctx: StepContext): Query => ({
    sql: `SELECT
  processor_name,
  COUNTIF(status = 'success') as success,
  COUNTIF(status = 'failed') as failed,
  COUNTIF(status = 'skipped') as skipped,
  MAX(data_date) as latest_date
FROM ${history(ctx)}
WHERE phase = '${phase}'
  AND data_date BETWEEN @start_date AND @end_date
  AND started_at > TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 24 HOUR)
GROUP BY processor_name
ORDER BY processor_name`,
    params: range(ctx),
  });
}

export const PHASE3_TABLES = [
  ['player_game_summary', 'game_date'],
  ['team_defense_game_summary', 'game_date'],
  ['team_offense_game_summary', 'game_date'],
  ['upcoming_team_game_context', 'game_date'],
  ['upcoming_player_game_context', 'game_date'],
] as const;

/** 2.3: dates, earliest and latest per table (the original's three summaries, plus the two context tables). */
export function phase3Validation(ctx: StepContext): Query {
  const parts = PHASE3_TABLES.map(([name], i) => `  SELECT ${i === 0 ? `'${name}' as table_name` : `'${name}'`}, game_date
  FROM ${table(ctx.project, `nba_analytics.${name}`)}
  WHERE game_date BETWEEN @start_date AND @end_date`);
  return {
    sql: `SELECT
  table_name,
  COUNT(DISTINCT game_date) as dates,
  MIN(game_date) as earliest,
  MAX(game_date) as latest
FROM (
${parts.join('\n  UNION ALL\n')}
)
GROUP BY table_name
ORDER BY table_name`,
    params: range(ctx),
  };
}

/**
 * What 2.3 should find: final game dates in the range, and (for the player
 * context, which needs props lines) game dates with odds.
 */
export function expectedPhase3Dates(ctx: StepContext): Query {
  return {
    sql: `SELECT
  (SELECT COUNT(DISTINCT game_date) FROM ${table(ctx.project, 'nba_raw.nbac_schedule')}
   WHERE game_status = 3 AND game_date BETWEEN @start_date AND @end_date) as game_dates,
  (SELECT COUNT(DISTINCT o.game_date) FROM ${table(ctx.project, 'nba_raw.odds_api_player_points_props')} o
   WHERE o.game_date BETWEEN @start_date AND @end_date) as odds_dates`,
    params: range(ctx),
  };
}

/**
 * 2.4 and 3.4: every processor and date with a failed attempt — what the
 * original's query lists, one row per failed attempt — counted
 * (`failed_attempts`) beside whether the date still fails (`still_failing`:
 * its latest attempt failed). A date re-run successfully keeps its old
 * failures in the first figure and drops out of the second, which is the one
 * the decision and the re-run act on. The error is the latest failed attempt's.
 */
export function phaseFailures(phase: string) {
  return (ctx: StepContext): Query => failedAttempts(ctx, `phase = '${phase}'`, {}, 'data_date, processor_name');
}

/**
 * The failed-attempts query of 2.4, 3.4 and troubleshooting's re-run list: a
 * row per processor and date with a failed attempt, `failed_attempts` (the
 * original's rows) beside `still_failing` (latest attempt failed).
 */
export function failedAttempts(ctx: StepContext, where: string, params: Query['params'], order: string): Query {
  return {
    sql: `WITH attempts AS (
  SELECT data_date, processor_name, status, errors, missing_dependencies,
    ${LATEST_ATTEMPT} AS rn,
    ROW_NUMBER() OVER (PARTITION BY processor_name, data_date, status ORDER BY attempt DESC, started_at DESC) AS rn_status
  FROM ${history(ctx)}
  WHERE ${where}
    AND data_date BETWEEN @start_date AND @end_date
),
failed AS (
  SELECT processor_name, data_date,
    COUNTIF(status = 'failed') AS failed_attempts,
    COUNTIF(status = 'failed' AND rn = 1) AS latest_failed
  FROM attempts
  GROUP BY processor_name, data_date
  HAVING COUNTIF(status = 'failed') > 0
)
SELECT
  a.data_date,
  a.processor_name,
  f.failed_attempts,
  f.latest_failed > 0 as still_failing,
  SUBSTR(CAST(errors AS STRING), 1, 100) as error_preview,
  a.missing_dependencies
FROM attempts AS a
JOIN failed AS f ON f.processor_name = a.processor_name AND f.data_date = a.data_date
WHERE a.status = 'failed' AND a.rn_status = 1
ORDER BY ${order.split(', ').map((c) => `a.${c}`).join(', ')}`,
    params: { ...range(ctx), ...params },
  };
}

/** 2.4/3.4 under the table: both meanings of "failures", and which one the decision below acts on. */
export function failureMeanings(rows: readonly { failed_attempts: number; still_failing: boolean }[]): string[] {
  if (!rows.length) return [];
  const attempts = rows.reduce((n, r) => n + Number(r.failed_attempts), 0);
  const still = rows.filter((r) => r.still_failing).length;
  return [
    `failed attempts (the original's query, a row per attempt): ${attempts} on ${rows.length} processor-date(s); `
    + `still failing (latest attempt failed): ${still}${still < rows.length ? ` — ${rows.length - still} fixed by a later attempt` : ''}. The decision and the re-run act on the dates still failing.`,
  ];
}

/** For the 2.4 gate: did a Phase 2 re-load already fail for these dates (the source has nothing)? */
export function phase2LoadFailures(ctx: StepContext, dates: string[]): Query {
  return {
    sql: `SELECT processor_name, data_date
FROM (
  SELECT *, ${LATEST_ATTEMPT} AS rn
  FROM ${history(ctx)}
  WHERE phase = 'phase_2_raw' AND data_date IN UNNEST(@dates)
)
WHERE rn = 1 AND status = 'failed'`,
    params: { dates: p.dates(dates) },
  };
}

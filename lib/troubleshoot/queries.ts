/**
 * The Troubleshooting Quick Reference's queries, with bound dates. Each looks
 * at a date's latest attempt: a date fixed by a re-run is no longer trouble.
 */
import { p } from '../warehouse/params.ts';
import { failedAttempts } from '../queries/phase3.ts';
import type { Query, StepContext } from '../notebook/steps.ts';
import { table, LATEST_ATTEMPT } from '../queries/tables.ts';
import { PHASE4_TABLES } from '../queries/phase4.ts';

const range = (ctx: StepContext) => ({ start_date: p.date(ctx.range.start), end_date: p.date(ctx.range.end) });
const history = (ctx: StepContext) => table(ctx.project, 'nba_reference.processor_run_history');

const latest = (ctx: StepContext, where = '') => `SELECT *, ${LATEST_ATTEMPT} AS rn
  FROM ${history(ctx)}
  WHERE data_date BETWEEN @start_date AND @end_date${where}`;

/** "Find what's missing": dates whose latest attempt failed with DependencyError, and the upstream tables they lacked. */
export function dependencyErrors(ctx: StepContext): Query {
  return {
    sql: `SELECT data_date, processor_name, missing_dependencies
FROM (
  ${latest(ctx)}
)
WHERE rn = 1
  AND status = 'failed'
  AND errors LIKE '%DependencyError%'
ORDER BY data_date DESC, processor_name`,
    params: range(ctx),
  };
}

/**
 * Game dates on which a Phase 4 table has 0 records (one row per date and
 * table); `game_date_number` numbers the game dates so runs can be grouped.
 */
export function phase4Zeros(ctx: StepContext): Query {
  const counts = PHASE4_TABLES.map(([name, ds, col]) => `  SELECT '${name}' AS table_name, ${col} AS d, COUNT(*) AS n
  FROM ${table(ctx.project, `${ds}.${name}`)}
  WHERE ${col} BETWEEN @start_date AND @end_date
  GROUP BY ${col}`).join('\n  UNION ALL\n');
  const names = PHASE4_TABLES.map(([name], i) => `SELECT '${name}'${i === 0 ? ' AS table_name' : ''}`).join(' UNION ALL ');
  return {
    sql: `WITH games AS (
  SELECT game_date, ROW_NUMBER() OVER (ORDER BY game_date) AS game_date_number
  FROM (
    SELECT DISTINCT game_date
    FROM ${table(ctx.project, 'nba_raw.nbac_schedule')}
    WHERE game_status = 3 AND game_date BETWEEN @start_date AND @end_date
  )
),
records AS (
${counts}
)
SELECT g.game_date, g.game_date_number, t.table_name, COALESCE(r.n, 0) as records
FROM games g
CROSS JOIN (${names}) t
LEFT JOIN records r ON r.table_name = t.table_name AND r.d = g.game_date
WHERE r.n IS NULL
ORDER BY g.game_date, t.table_name`,
    params: range(ctx),
  };
}

/**
 * "Get list of failed dates": every processor-date with a failed attempt (the
 * original's query: `status = 'failed'` over all attempts) beside whether it
 * still fails (latest attempt failed), for the given processors.
 */
export function failedDates(processors: readonly string[]) {
  return (ctx: StepContext): Query => failedAttempts(ctx, 'processor_name IN UNNEST(@processors)', { processors: p.strings(processors) }, 'processor_name, data_date');
}

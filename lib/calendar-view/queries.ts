/**
 * What the coverage calendar reads: the dates each table holds, the final game
 * dates, and each date's latest attempt per processor. Bound dates, one query
 * per kind of fact whatever the number of tables.
 */
import { p } from '../warehouse/params.ts';
import type { Query } from '../notebook/steps.ts';
import type { DateRange } from '../notebook/flags.ts';
import { table } from '../queries/tables.ts';
import { latestStates } from '../backfill/history.ts';

const range = (r: DateRange) => ({ start_date: p.date(r.start), end_date: p.date(r.end) });

/** Distinct dates per table (`dataset.table`, date column), one UNION ALL. */
export function datesPresent(project: string, tables: readonly { name: string; dateColumn: string }[], r: DateRange): Query {
  const parts = tables.map((t) => `SELECT '${t.name}' AS table_name, ${t.dateColumn} AS d
FROM ${table(project, t.name)}
WHERE ${t.dateColumn} BETWEEN @start_date AND @end_date
GROUP BY ${t.dateColumn}`);
  return { sql: `${parts.join('\nUNION ALL\n')}\nORDER BY table_name, d`, params: range(r) };
}

/** Final game dates in the range. */
export function gameDays(project: string, r: DateRange): Query {
  return {
    sql: `SELECT DISTINCT game_date
FROM ${table(project, 'nba_raw.nbac_schedule')}
WHERE game_status = 3 AND game_date BETWEEN @start_date AND @end_date
ORDER BY game_date`,
    params: range(r),
  };
}

/** A row of latestAttempts. */
export type LatestAttemptRow = {
  processor_name: string; data_date: string; status: string; skip_reason: string | null;
  missing_dependencies: string[] | null; errors: string | null; records_processed: number | null;
};

/** The latest attempt per processor and date (history.ts's query, bound to the range). */
export function latestAttempts(project: string, processors: readonly string[], r: DateRange): Query {
  return { sql: latestStates(project), params: { processors: p.strings(processors), ...range(r) } };
}

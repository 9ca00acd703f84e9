/**
 * The Active Progress Monitor's queries: the original's two (recent activity
 * and failures over the last hour, as it wrote them) and the rows of the recent
 * runs, for the progress bars.
 */
import type { Query, StepContext } from '../notebook/steps.ts';
import { p } from '../warehouse/params.ts';
import { table } from './tables.ts';

const history = (ctx: StepContext) => table(ctx.project, 'nba_reference.processor_run_history');

/** RECENT ACTIVITY (last hour): ok / fail / latest date per processor. */
export function recentActivity(ctx: StepContext): Query {
  return {
    sql: `SELECT
  processor_name,
  COUNTIF(status = 'success') as ok,
  COUNTIF(status = 'failed') as fail,
  MAX(data_date) as latest
FROM ${history(ctx)}
WHERE started_at > TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 1 HOUR)
GROUP BY processor_name
ORDER BY processor_name`,
    params: {},
  };
}

/** FAILURES (last hour): the five latest failed attempts. */
export function recentFailures(ctx: StepContext): Query {
  return {
    sql: `SELECT data_date, processor_name, SUBSTR(CAST(errors AS STRING), 1, 60) as error
FROM ${history(ctx)}
WHERE status = 'failed'
  AND started_at > TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 1 HOUR)
ORDER BY started_at DESC
LIMIT 5`,
    params: {},
  };
}

/**
 * Every run-history row of the runs active in the last hour, still holding a
 * 'running' row, or named by the journal (a script waiting at a gate for
 * longer): the monitor works out each run's progress and state from them.
 * A run history made before `host`/`pid` existed (or written by the platform's
 * own jobs) lacks them: `withProcess` false reads them as NULL.
 */
export function recentRunRows(ctx: StepContext, o: { withProcess: boolean; runIds: string[] }): Query {
  const process = o.withProcess ? 'host, pid' : 'CAST(NULL AS STRING) AS host, CAST(NULL AS INT64) AS pid';
  return {
    sql: `SELECT
  run_id,
  processor_name,
  data_date,
  status,
  started_at,
  finished_at,
  CASE WHEN status = 'failed' THEN SUBSTR(CAST(errors AS STRING), 1, 120) END AS error,
  ${process}
FROM ${history(ctx)}
WHERE run_id IN (
  SELECT DISTINCT run_id FROM ${history(ctx)}
  WHERE status = 'running' OR started_at > TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 1 HOUR)
)
OR run_id IN UNNEST(@run_ids)
ORDER BY run_id, processor_name, data_date, started_at`,
    params: { run_ids: p.strings(o.runIds) },
  };
}

/** The run history's columns (no rows, no bytes): does it have host and pid? */
export function historyColumns(ctx: StepContext): Query {
  return { sql: `SELECT * FROM ${history(ctx)} LIMIT 0`, params: {} };
}

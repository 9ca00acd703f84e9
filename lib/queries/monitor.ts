/**
 * The Active Progress Monitor's queries: the original's two (recent activity
 * and failures over the last hour, as it wrote them) and the recent runs, for
 * the progress bars.
 */
import type { Query, StepContext } from '../notebook/steps.ts';
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
 * Every processor of every run active in the last hour (or still holding a
 * 'running' row): dates finished so far, dates in flight, failures, first and
 * last activity, and the process holding the running rows. A run's processors share its run_id (the
 * five Phase 3 jobs of one 02 invocation), so finished ones show beside those
 * still going.
 */
export function recentRuns(ctx: StepContext): Query {
  return {
    sql: `SELECT
  run_id,
  processor_name,
  MIN(started_at) as started,
  MAX(COALESCE(finished_at, started_at)) as last_activity,
  COUNT(DISTINCT CASE WHEN status != 'running' THEN data_date END) as done,
  COUNT(DISTINCT CASE WHEN status = 'running' THEN data_date END) as running,
  COUNT(DISTINCT CASE WHEN status = 'failed' THEN data_date END) as failed,
  MIN(data_date) as first_date,
  MAX(data_date) as last_date,
  MAX(CASE WHEN status = 'running' THEN host END) as host,
  MAX(CASE WHEN status = 'running' THEN pid END) as pid
FROM ${history(ctx)}
WHERE run_id IN (
  SELECT DISTINCT run_id FROM ${history(ctx)}
  WHERE status = 'running' OR started_at > TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 1 HOUR)
)
GROUP BY run_id, processor_name
ORDER BY started, run_id, processor_name`,
    params: {},
  };
}

/**
 * nba_reference.processor_run_history, per the data contract: one row per
 * processor × date × attempt. Writes are set-based (a statement covers a whole
 * batch of dates), so recording 170 dates costs a handful of statements.
 * A date's current state is its latest attempt.
 */
import os from 'node:os';
import { p, type Params } from '../warehouse/params.ts';
import { insertParams, onDates } from '../jobs/dates.ts';
import type { Statement, Warehouse } from '../warehouse/types.ts';
import { table, LATEST_ATTEMPT } from '../queries/tables.ts';
import type { Phase } from '../jobs/types.ts';
import { RUN_HISTORY } from '../seed/schema.ts';

export interface HistoryKey { runId: string; processorName: string; phase: Phase }

const H = (project: string) => table(project, 'nba_reference.processor_run_history');

const COLUMNS = 'run_id, processor_name, phase, data_date, status, started_at, finished_at, records_processed, errors, missing_dependencies, skip_reason, attempt, host, pid';

/**
 * New attempt rows for dates, all with one status. The attempt number counts the
 * earlier rows for the same processor and date. `onlyNew`: only the dates this
 * run has no row for yet. Each lookup repeats the dates as constants (onDates)
 * beside its row-by-row match: BigQuery skips partitions only for a constant
 * bound, and would otherwise read the whole run history at every chunk.
 */
export function insertAttempts(
  project: string, key: HistoryKey, dates: string[],
  row: { status: 'running' | 'failed' | 'skipped'; errors?: string; missing?: string[]; skipReason?: string; onlyNew?: boolean },
): Statement {
  const finished = row.status === 'running' ? 'CAST(NULL AS TIMESTAMP)' : 'CURRENT_TIMESTAMP()';
  const params: Params = {
    run_id: key.runId, processor_name: key.processorName, phase: key.phase, ...insertParams(dates),
    status: row.status,
    errors: row.errors === undefined ? p.null('STRING') : row.errors,
    missing: p.strings(row.missing ?? []),
    skip_reason: row.skipReason === undefined ? p.null('STRING') : row.skipReason,
    host: os.hostname(), pid: p.int(process.pid),
  };
  return {
    sql: `INSERT INTO ${H(project)} (${COLUMNS})
SELECT @run_id, @processor_name, @phase, d, @status, CURRENT_TIMESTAMP(), ${finished}, 0, @errors, @missing, @skip_reason,
  (SELECT COUNT(*) FROM ${H(project)} h WHERE h.processor_name = @processor_name AND h.data_date = d AND ${onDates('h.data_date')}) + 1,
  @host, @pid
FROM UNNEST(@dates) AS d${row.onlyNew ? `
WHERE NOT EXISTS (SELECT 1 FROM ${H(project)} r WHERE r.run_id = @run_id AND r.processor_name = @processor_name AND r.data_date = d AND ${onDates('r.data_date')})` : ''}`,
    params,
  };
}

/** Marks this run's running rows for dates as succeeded, counting what the output holds on those dates alone (constant bounds, as above). */
export function markSucceeded(project: string, key: HistoryKey, dates: string[], output: { table: string; dateColumn: string }): Statement {
  return {
    sql: `UPDATE ${H(project)} AS h
SET status = 'success',
  finished_at = CURRENT_TIMESTAMP(),
  records_processed = (SELECT COUNT(*) FROM ${table(project, output.table)} o WHERE o.${output.dateColumn} = h.data_date AND ${onDates(`o.${output.dateColumn}`)})
WHERE h.run_id = @run_id AND h.processor_name = @processor_name AND ${onDates('h.data_date')}`,
    params: { run_id: key.runId, processor_name: key.processorName, ...insertParams(dates) },
  };
}

/** Marks this run's running rows for dates as failed with an error (JSON text). */
export function markFailed(project: string, key: HistoryKey, dates: string[], errors: string): Statement {
  return {
    sql: `UPDATE ${H(project)}
SET status = 'failed', finished_at = CURRENT_TIMESTAMP(), errors = @errors
WHERE run_id = @run_id AND processor_name = @processor_name AND status = 'running' AND data_date IN UNNEST(@dates)`,
    params: { run_id: key.runId, processor_name: key.processorName, dates: p.dates(dates), errors },
  };
}

/** The errors column: JSON whose first field reads well in a 60-100 character preview. */
export function errorJson(type: string, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ error: `${type}: ${message}`, error_type: type, ...extra });
}

/**
 * Rows left 'running' by a process that is gone (killed, crashed): recorded as
 * failed 'abandoned' so the date's latest state is true, and a re-run supersedes them.
 * Every processor and phase, not only the one about to run: whatever writes the
 * run history next tidies up after any dead run (a killed Phase 2 re-load is
 * closed by the next Phase 3 run). Only rows from this host can be judged; a
 * live pid is left alone.
 */
export async function closeAbandoned(w: Warehouse): Promise<number> {
  const rows = (await w.query<{ run_id: string; pid: number | null }>(
    `SELECT DISTINCT run_id, pid FROM ${H(w.project)}
WHERE status = 'running' AND host = @host`,
    { host: os.hostname() },
  )).rows;
  const dead = rows.filter((r) => r.pid === null || !isAlive(r.pid)).map((r) => r.run_id);
  if (!dead.length) return 0;
  const res = await w.execute(
    `UPDATE ${H(w.project)}
SET status = 'failed', finished_at = CURRENT_TIMESTAMP(), errors = @errors
WHERE status = 'running' AND host = @host AND run_id IN UNNEST(@run_ids)`,
    { errors: errorJson('Abandoned', 'the process running this date ended without finishing (killed or crashed); a re-run supersedes it'), host: os.hostname(), run_ids: p.strings(dead) },
  );
  return res.affectedRows ?? dead.length;
}

/**
 * The columns this runbook adds to the contract's run history (attempt, host,
 * pid): a table created before them — by an older version, or by the platform
 * itself — gains them, NULL on its old rows. Returns the columns added.
 */
export async function migrateRunHistory(w: Warehouse): Promise<string[]> {
  const have = new Set((await w.query(`SELECT * FROM ${H(w.project)} LIMIT 0`)).columns.map((c) => c.name.toLowerCase()));
  const missing = RUN_HISTORY.columns.filter(([name]) => !have.has(name));
  for (const [name, type] of missing) await w.execute(`ALTER TABLE ${H(w.project)} ADD COLUMN ${name} ${type}`);
  return missing.map(([name]) => name);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** The latest attempt per date for a processor in a range. */
export function latestStates(project: string): string {
  return `SELECT processor_name, data_date, status, errors, missing_dependencies, skip_reason, records_processed
FROM (
  SELECT *, ${LATEST_ATTEMPT} AS rn
  FROM ${H(project)}
  WHERE processor_name IN UNNEST(@processors) AND data_date BETWEEN @start_date AND @end_date
)
WHERE rn = 1
ORDER BY processor_name, data_date`;
}

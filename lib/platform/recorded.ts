/**
 * What a platform job has done, read only from the run history it writes
 * (nba_reference.processor_run_history, per the data contract): the latest
 * attempt per date among the rows written since the job started. Nothing is
 * inferred from the process having run.
 */
import { p } from '../warehouse/params.ts';
import type { Warehouse } from '../warehouse/types.ts';
import { table } from '../queries/tables.ts';

export type RecordedRow = { processor_name: string; data_date: string; status: string; attempt: number; started_at: string; records_processed: number | null; errors: string | null; skip_reason: string | null; missing_dependencies: string[] | null };

/** Clocks of the job and the warehouse may differ a little: rows this much older than the start still count. */
export const CLOCK_SLACK_MS = 2000;

export async function recordedSince(w: Warehouse, processors: string[], since: number): Promise<RecordedRow[]> {
  const r = await w.query<RecordedRow>(
    `SELECT processor_name, data_date, status, attempt, started_at, records_processed, errors, skip_reason, missing_dependencies
FROM ${table(w.project, 'nba_reference.processor_run_history')}
WHERE processor_name IN UNNEST(@processors) AND started_at >= @since`,
    { processors: p.strings(processors), since: p.timestamp(new Date(since - CLOCK_SLACK_MS).toISOString()) },
  );
  return r.rows;
}

/** A job's dates → their latest attempt since `since`, restricted to the dates it was asked to do. */
export function latestFor(rows: RecordedRow[], processor: string, since: number, expected: Set<string>): Map<string, RecordedRow> {
  const out = new Map<string, RecordedRow>();
  for (const r of rows) {
    if (r.processor_name !== processor || !expected.has(r.data_date)) continue;
    if (Date.parse(r.started_at) < since - CLOCK_SLACK_MS) continue;
    const prev = out.get(r.data_date);
    if (!prev || r.attempt > prev.attempt || (r.attempt === prev.attempt && r.started_at > prev.started_at)) out.set(r.data_date, r);
  }
  return out;
}

export interface Tally { done: number; failed: number; skipped: number; running: number; rows: number }

export function tally(latest: Map<string, RecordedRow>): Tally {
  const t: Tally = { done: 0, failed: 0, skipped: 0, running: 0, rows: latest.size };
  for (const r of latest.values()) {
    if (r.status === 'running') { t.running++; continue; }
    t.done++;
    if (r.status === 'failed') t.failed++;
    if (r.status === 'skipped') t.skipped++;
  }
  return t;
}

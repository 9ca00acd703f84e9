/**
 * What a set of backfill commands would do, without doing it: the original's
 * "--dry-run first" for several jobs at once. Read-only.
 */
import type { Warehouse, Row } from '../warehouse/types.ts';
import type { DateRange } from '../notebook/flags.ts';
import type { RegisteredJob } from '../jobs/registry.ts';
import { table } from '../queries/tables.ts';
import { datesWithout, missingDependencies, planRun } from './runner.ts';

export interface JobPreview extends Row {
  job: string;
  game_dates: number;
  to_process: number;
  skipped: number;
  dependency_gaps: number;
  gap_dates: string;
  /** Why dates are skipped outside bootstrap (the player context: 'no_props_lines'), or '' . */
  skip_reason: string;
  /** The first date the job's scope table has anywhere (the odds data's start), or '' without a scope. */
  scope_starts: string;
}

export function backfillCommand(job: string, range: DateRange, dates?: string[]): string {
  return dates ? `./bin/run_backfill.sh ${job} --dates=${dates.join(',')}` : `./bin/run_backfill.sh ${job} --start-date=${range.start} --end-date=${range.end}`;
}

export async function previewJobs(w: Warehouse, jobs: RegisteredJob[], range: DateRange): Promise<JobPreview[]> {
  return w.hold(async () => {
    const rows: JobPreview[] = [];
    for (const job of jobs) {
      const plan = await planRun(w, job, { start: range.start, end: range.end });
      let todo = plan.gameDates;
      let skipped = plan.bootstrap.length;
      let scopeStarts = '';
      if (job.scope && todo.length) {
        const out = await datesWithout(w, job.scope.table, job.scope.dateColumn, todo);
        skipped += out.size;
        todo = todo.filter((d) => !out.has(d));
        const first = await w.query<{ d: string | null }>(`SELECT MIN(${job.scope.dateColumn}) AS d FROM ${table(w.project, job.scope.table)}`);
        scopeStarts = first.rows[0]?.d ?? '';
      }
      const gaps = new Set((await missingDependencies(w, job, todo)).keys());
      rows.push({
        job: job.job, game_dates: plan.gameDates.length + plan.bootstrap.length, to_process: todo.length - gaps.size,
        skipped, dependency_gaps: gaps.size, gap_dates: [...gaps].sort().join(', '),
        skip_reason: job.scope && skipped > plan.bootstrap.length ? job.scope.skipReason : '', scope_starts: scopeStarts,
      });
    }
    return rows;
  });
}

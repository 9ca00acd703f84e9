/**
 * What a set of backfill commands would do, without doing it: the original's
 * "--dry-run first" for several jobs at once. Read-only.
 */
import type { Warehouse, Row } from '../warehouse/types.ts';
import type { DateRange } from '../notebook/flags.ts';
import type { RegisteredJob } from '../jobs/registry.ts';
import { missingFrom, planFrom, planTables } from './runner.ts';
import { datesLacking, factKey, readDateFacts } from './date-facts.ts';

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

/**
 * One read for every job's plan: the schedule, each upstream and scope table's
 * dates in the range, and the scope tables' first dates (on BigQuery one job
 * instead of several per job).
 */
export async function previewJobs(w: Warehouse, jobs: RegisteredJob[], range: DateRange): Promise<JobPreview[]> {
  const facts = await w.hold(() => readDateFacts(w, range, {
    tables: jobs.flatMap(planTables), firstOf: jobs.flatMap((j) => (j.scope ? [j.scope] : [])),
  }));
  return jobs.map((job) => {
    const plan = planFrom(job, facts, range);
    let todo = plan.gameDates;
    let skipped = plan.bootstrap.length;
    let scopeStarts = '';
    if (job.scope && todo.length) {
      const out = datesLacking(facts, job.scope, todo);
      skipped += out.size;
      todo = todo.filter((d) => !out.has(d));
      scopeStarts = facts.first.get(factKey(job.scope)) ?? '';
    }
    const gaps = new Set(missingFrom(job, facts, todo).keys());
    return {
      job: job.job, game_dates: plan.gameDates.length + plan.bootstrap.length, to_process: todo.length - gaps.size,
      skipped, dependency_gaps: gaps.size, gap_dates: [...gaps].sort().join(', '),
      skip_reason: job.scope && skipped > plan.bootstrap.length ? job.scope.skipReason : '', scope_starts: scopeStarts,
    };
  });
}

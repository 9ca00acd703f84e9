/**
 * What a set of backfill commands would do, without doing it: the original's
 * "--dry-run first" for several jobs at once. Read-only.
 */
import type { Warehouse, Row } from '../warehouse/types.ts';
import type { DateRange } from '../notebook/flags.ts';
import type { RunContext } from '../notebook/steps.ts';
import { finalGameDates } from '../queries/phase2.ts';
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

/** Runs of at least this many consecutive game dates are written as a range. */
const MIN_RANGE_DATES = 3;

/**
 * The commands that run exactly `dates` of a job, readable at a glance: each run
 * of consecutive game dates (3 or more) becomes `--start-date … --end-date …`,
 * since a range runs only its game dates; what is left stays one `--dates=`
 * list. `gameDates` must hold every final game date from the first of `dates`
 * to the last, or two dates could look consecutive around one it lacks.
 */
export function backfillCommands(job: string, dates: readonly string[], gameDates: readonly string[]): string[] {
  const index = new Map(gameDates.map((d, i) => [d, i]));
  const runs: string[][] = [];
  for (const d of [...new Set(dates)].sort()) {
    const run = runs.at(-1);
    const i = index.get(d);
    if (run && i !== undefined && index.get(run.at(-1)!) === i - 1) run.push(d);
    else runs.push([d]);
  }
  const ranged = runs.filter((r) => r.length >= MIN_RANGE_DATES);
  const loose = runs.filter((r) => r.length < MIN_RANGE_DATES).flat();
  return [
    ...ranged.map((r) => backfillCommand(job, { start: r[0], end: r.at(-1)! })),
    ...(loose.length ? [backfillCommand(job, { start: '', end: '' }, loose)] : []),
  ];
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

/** The commands that run `dates` of each job in order (backfillCommands), with the schedule's game dates between them. */
export async function fillCommands(ctx: RunContext, jobs: readonly RegisteredJob[], dates: readonly string[]): Promise<string[]> {
  if (!dates.length) return [];
  const sorted = [...dates].sort();
  const q = finalGameDates({ ...ctx, range: { start: sorted[0], end: sorted.at(-1)! } });
  const games = (await ctx.w.query<{ game_date: string }>(q.sql, q.params)).rows.map((r) => r.game_date);
  return jobs.flatMap((j) => backfillCommands(j.job, sorted, games));
}

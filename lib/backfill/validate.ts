/**
 * The comparisons behind the validation steps: what each table holds against
 * what it should hold (derived from the schedule, the odds feed and the
 * bootstrap rule, never a literal "~170"), with each shortfall explained from
 * the run history; and the evidence and re-run behind the failures gate.
 */
import { formatRanges, isBootstrap } from '../seasons/calendar.ts';
import { p } from '../warehouse/params.ts';
import type { Row } from '../warehouse/types.ts';
import type { RunContext } from '../notebook/steps.ts';
import { table } from '../queries/tables.ts';
import { phase2LoadFailures } from '../queries/phase3.ts';
import { JOBS, type RegisteredJob } from '../jobs/registry.ts';
import type { FailureEvidence } from '../gates/failures.ts';
import { runBackfill, type RunSummary } from './runner.ts';

export interface FailureRow { data_date: string; processor_name: string; error_preview: string | null; missing_dependencies: string[] | null }

async function distinctDates(ctx: RunContext, tbl: string, col: string, where = ''): Promise<string[]> {
  const r = await ctx.w.query<{ d: string }>(
    `SELECT DISTINCT ${col} AS d FROM ${table(ctx.project, tbl)} WHERE ${col} BETWEEN @start_date AND @end_date${where} ORDER BY d`,
    { start_date: p.date(ctx.range.start), end_date: p.date(ctx.range.end) },
  );
  return r.rows.map((x) => x.d);
}

/** Game dates a job should have written for the range. */
export async function expectedDates(ctx: RunContext, job: RegisteredJob): Promise<{ dates: string[]; basis: string }> {
  const games = await distinctDates(ctx, 'nba_raw.nbac_schedule', 'game_date', ' AND game_status = 3');
  if (job.scope) {
    const scoped = new Set(await distinctDates(ctx, job.scope.table, job.scope.dateColumn));
    return { dates: games.filter((d) => scoped.has(d)), basis: 'game dates with props lines' };
  }
  if (job.phase === 'phase_4_precompute') return { dates: games.filter((d) => !isBootstrap(d)), basis: 'game dates minus bootstrap' };
  return { dates: games, basis: 'game dates in the schedule' };
}

/** Latest run-history state per date for one processor, to explain missing dates. */
async function latestState(ctx: RunContext, processorName: string, dates: string[]): Promise<Map<string, string>> {
  if (!dates.length) return new Map();
  const r = await ctx.w.query<{ data_date: string; status: string; errors: string | null; skip_reason: string | null; missing_dependencies: string[] | null }>(
    `SELECT data_date, status, errors, skip_reason, missing_dependencies FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY data_date ORDER BY attempt DESC, started_at DESC) AS rn
  FROM ${table(ctx.project, 'nba_reference.processor_run_history')}
  WHERE processor_name = @processor_name AND data_date IN UNNEST(@dates)
) WHERE rn = 1`,
    { processor_name: processorName, dates: p.dates(dates) },
  );
  return new Map(r.rows.map((x) => [x.data_date, x.status === 'failed' && x.missing_dependencies?.length
    ? `DependencyError (${x.missing_dependencies.join(', ')})`
    : x.status === 'skipped' ? `skipped: ${x.skip_reason}` : x.status === 'failed' ? `failed: ${(x.errors ?? '').slice(0, 60)}` : x.status]));
}

/** Each of the phase's tables: actual dates vs expected, shortfalls explained. */
export async function compareWithExpected(ctx: RunContext, phase: 'phase3' | 'phase4'): Promise<Row[]> {
  const jobs = JOBS.filter((j) => j.phase === (phase === 'phase3' ? 'phase_3_analytics' : 'phase_4_precompute'));
  const rows: Row[] = [];
  await ctx.w.hold(async () => {
    for (const job of jobs) {
      const actual = new Set(await distinctDates(ctx, job.output.name, job.output.dateColumn));
      const exp = await expectedDates(ctx, job);
      const missing = exp.dates.filter((d) => !actual.has(d));
      const states = await latestState(ctx, job.processorName, missing);
      const reasons = new Map<string, string[]>();
      for (const d of missing) { const why = states.get(d) ?? 'never run'; reasons.set(why, [...(reasons.get(why) ?? []), d]); }
      rows.push({
        table_name: job.output.name.split('.')[1], dates: actual.size, expected: exp.dates.length, basis: exp.basis,
        status: missing.length ? `${missing.length} missing` : 'met',
        explanation: [...reasons].map(([why, ds]) => `${why}: ${formatRanges(ds)}`).join('; '),
      });
    }
  });
  ctx.out.table(['table_name', 'dates', 'expected', 'basis', 'status'], rows);
  const short = rows.filter((r) => r.status !== 'met');
  for (const r of short) ctx.out.warn(`${r.table_name}: ${r.status} — ${r.explanation}`);
  if (!short.length) ctx.out.ok('every table holds every expected date');
  return rows;
}

export async function failureEvidence(ctx: RunContext, failures: FailureRow[], next: string): Promise<FailureEvidence> {
  const dates = [...new Set(failures.map((f) => f.data_date))];
  const q = phase2LoadFailures(ctx, dates);
  const r = dates.length ? await ctx.w.query<{ data_date: string }>(q.sql, q.params) : { rows: [] };
  return {
    failures,
    unrecoverable: new Set(r.rows.map((x) => x.data_date)),
    fixCommand: `./runbook/01-validate-phase2.mts --start-date ${ctx.range.start} --end-date ${ctx.range.end} --from 1.3`,
    next: `continue with ${next}`,
  };
}

/** Re-runs exactly the failed dates of each processor (the original's "Re-run Failed Dates Only"). */
export async function rerunFailed(ctx: RunContext, failures: FailureRow[]): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  const byProcessor = new Map<string, string[]>();
  for (const f of failures) byProcessor.set(f.processor_name, [...(byProcessor.get(f.processor_name) ?? []), f.data_date]);
  // Phase 4 re-runs must keep their order: the registry lists jobs in run order.
  for (const job of JOBS.filter((j) => byProcessor.has(j.processorName))) {
    const s = await runBackfill(ctx.w, job, { dates: byProcessor.get(job.processorName)!, runId: ctx.runId, signal: ctx.signal });
    ctx.out.info(`${job.job}: ${s.outcomes.filter((o) => o.status === 'success').length} re-run ok, ${s.failed} still failing`);
    out.push(s);
  }
  return out;
}

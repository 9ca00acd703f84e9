/**
 * "Processor fails with DependencyError": which Phase 2 load fixes each date
 * (`raw/<table>` for every missing raw table), then the re-run of the failed
 * job — unless that load already failed for the date (the source has nothing,
 * so re-loading again cannot help).
 */
import type { RunContext } from '../notebook/steps.ts';
import type { Row } from '../warehouse/types.ts';
import { formatRanges } from '../seasons/calendar.ts';
import { JOBS } from '../jobs/registry.ts';
import { phase2LoadFailures } from '../queries/phase3.ts';
import { rawJob, rerunPlan, type RerunPlan } from '../final/rerun.ts';

export interface DependencyErrorRow { data_date: string; processor_name: string; missing_dependencies: string[] | null }

/** Phase 2 load failures (latest attempt) for the dates, as 'nba_raw.table|date'. */
export async function failedLoads(ctx: RunContext, dates: string[]): Promise<Set<string>> {
  if (!dates.length) return new Set();
  const q = phase2LoadFailures(ctx, dates);
  const rows = (await ctx.w.query<{ processor_name: string; data_date: string }>(q.sql, q.params)).rows;
  return new Set(rows.flatMap((r) => {
    const job = JOBS.find((j) => j.processorName === r.processor_name);
    return job ? [`${job.output.name}|${r.data_date}`] : [];
  }));
}

export function dependencyPlan(rows: DependencyErrorRow[], loadFailed: Set<string>): RerunPlan {
  return rerunPlan(rows.map((r) => ({
    job: JOBS.find((j) => j.processorName === r.processor_name)?.job ?? r.processor_name,
    date: r.data_date, missing: r.missing_dependencies ?? [], why: 'DependencyError',
  })), {
    jobOrder: JOBS.map((j) => j.job),
    jobForTable: (t) => JOBS.find((j) => j.output.name === t)?.job,
    sourceUnavailable: (t, d) => loadFailed.has(`${t}|${d}`),
  });
}

/** One row per missing upstream table: the job that fills it (`raw/<table>` for Phase 2), the dates, and where the source has nothing. */
export function missingTableRows(rows: DependencyErrorRow[], loadFailed: Set<string>): Row[] {
  const byTable = new Map<string, string[]>();
  for (const r of rows) for (const t of r.missing_dependencies ?? []) byTable.set(t, [...(byTable.get(t) ?? []), r.data_date]);
  // Phase 2 tables first: loading them is the fix; the others are what their gaps caused downstream.
  const order = (t: string) => (t.startsWith('nba_raw.') ? 0 : t.startsWith('nba_analytics.') ? 1 : 2);
  return [...byTable].sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b)).map(([t, ds]) => {
    const dates = [...new Set(ds)].sort();
    const gone = dates.filter((d) => loadFailed.has(`${t}|${d}`));
    return {
      fix_job: t.startsWith('nba_raw.') ? rawJob(t) : JOBS.find((j) => j.output.name === t)?.job ?? '?',
      dates: formatRanges(dates),
      source_has_nothing: gone.length ? formatRanges(gone) : '',
    };
  });
}

/**
 * The re-run plan for Step 5's shortfalls. Sources are in run order (raw
 * loads, Phase 3, Phase 4 by order), which is the order the commands must run in.
 */
import type { CoverageSource } from '../calendar-view/facts.ts';
import type { DateRange } from '../notebook/flags.ts';
import type { TableOutcome } from './outcomes.ts';
import { rerunPlan, type Gap, type RerunPlan } from './rerun.ts';

export function gapsOf(outcomes: TableOutcome[]): Gap[] {
  return outcomes.flatMap((o) => o.missing.map((m) => ({ job: o.source.job, date: m.date, missing: m.missing, why: m.why })));
}

export function planFor(outcomes: TableOutcome[], sources: readonly CoverageSource[], seasons: readonly DateRange[] = []): RerunPlan {
  const unavailable = new Set(outcomes.flatMap((o) => o.missing.flatMap((m) => m.unavailable.map((t) => `${t}|${m.date}`))));
  return rerunPlan(gapsOf(outcomes), {
    jobOrder: sources.map((s) => s.job),
    seasons: { ranges: seasons, expected: (job) => outcomes.find((o) => o.source.job === job)?.expected ?? [] },
    jobForTable: (table) => sources.find((s) => s.output.name === table)?.job,
    sourceUnavailable: (table, date) => unavailable.has(`${table}|${date}`),
  });
}

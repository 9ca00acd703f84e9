/**
 * Loads what Step 5 checks: the coverage facts of every job's table over the
 * range (raw loads too, to tell a fillable gap from one the source cannot
 * fill) and the per-date quality figures. The checking itself is pure
 * (outcomes.ts, quality.ts, plan.ts).
 */
import type { RunContext } from '../notebook/steps.ts';
import { JOBS, PHASE3_JOBS, PHASE4_JOBS } from '../jobs/registry.ts';
import { loadCoverageFacts, type CoverageSource } from '../calendar-view/facts.ts';
import { qualityByDate } from '../queries/final.ts';
import { expectedOutcomes, type TableOutcome } from './outcomes.ts';
import { qualityExpectations, type QualityCheck, type QualityDay } from './quality.ts';
import { planFor } from './plan.ts';
import { backfillRanges } from './ranges.ts';
import { scopeRanges } from './scope.ts';
import type { FinalVerdict } from './acceptance.ts';

/** Every job's table in run order: raw loads, Phase 3, Phase 4 by order. */
export function finalSources(): CoverageSource[] {
  return [...JOBS.filter((j) => j.phase === 'phase_2_raw'), ...PHASE3_JOBS, ...PHASE4_JOBS];
}

export async function loadOutcomes(ctx: RunContext): Promise<TableOutcome[]> {
  const facts = await loadCoverageFacts(ctx.w, finalSources(), ctx.range);
  return expectedOutcomes(facts, { asOf: ctx.asOf });
}

export async function loadQuality(ctx: RunContext): Promise<QualityCheck[]> {
  const q = qualityByDate(ctx);
  const days = (await ctx.w.query<QualityDay & Record<string, string | number>>(q.sql, q.params)).rows;
  return qualityExpectations(days, backfillRanges(ctx.range, ctx.asOf));
}

export function verdictOf(ctx: RunContext, outcomes: TableOutcome[], quality: QualityCheck[]): FinalVerdict {
  const ranges = outcomes[0] ? scopeRanges(outcomes[0].scope) : backfillRanges(ctx.range, ctx.asOf);
  return { outcomes, quality, plan: planFor(outcomes, finalSources(), ranges) };
}

#!/bin/sh
//bin/true; exec node "${0%/*}/../lib/start/launch.mjs" "$0" "$@"  # starts from a prebuilt bundle: lib/start/launch.mjs
/**
 * # Step 5: Final Validation
 *
 * After every season has been through Steps 2 and 3: overall coverage, the
 * failures, the quality distribution, and then the original's Expected
 * Outcomes checked against the data — each figure derived from the schedule,
 * the per-season ranges, the bootstrap rule and the odds feed, each difference
 * explained. Ends with the decision to accept the backfill or re-run what is
 * missing, and writes the report to `reports/backfill-<as-of>.md` and `.html`.
 */
import { checkStep, gateStep, sqlStep } from '../lib/notebook/steps.ts';
import { isMain, main, type RunbookDef } from '../lib/notebook/notebook.ts';
import { phase2Range } from '../lib/notebook/flags.ts';
import { PHASE3_JOBS, PHASE4_JOBS } from '../lib/jobs/registry.ts';
import { failureSummary, overallCoverage, qualityDistribution } from '../lib/queries/final.ts';
import { coverageCalendarStep } from '../lib/calendar-view/step.ts';
import { loadOutcomes, loadQuality, verdictOf } from '../lib/final/evidence.ts';
import { backfillRanges } from '../lib/final/ranges.ts';
import { showOutcomes, showPlan, showQuality } from '../lib/final/show.ts';
import { acceptanceGate, type FinalVerdict } from '../lib/final/acceptance.ts';
import type { TableOutcome } from '../lib/final/outcomes.ts';
import type { QualityCheck } from '../lib/final/quality.ts';
import type { RerunPlan } from '../lib/final/rerun.ts';
import { writeFinalReport, type FinalFindings } from '../lib/report/step5.ts';

/**
 * Distinct dates per phase on the original's four tables, over the whole
 * Phase 2 range (postseason included, where the tables have it).
 */
const coverage = sqlStep({ id: '5.1', title: 'Overall Coverage Check', query: overallCoverage, timeoutMs: 60_000 });

/**
 * Failed attempts per phase and processor, worst first. `failure_count`
 * counts every failed attempt, as the original does; `still_failing` counts the
 * dates whose latest attempt failed — the ones that still matter.
 */
const failures = sqlStep({ id: '5.2', title: 'Failure Summary', query: failureSummary, timeoutMs: 30_000, empty: 'No failed attempts in the range.' });

/** Records of player_shot_zone_analysis per year and quality band of `completeness_pct`. */
const quality = sqlStep({ id: '5.3', title: 'Quality Distribution', query: qualityDistribution, timeoutMs: 30_000 });

/**
 * The Expected Outcomes table, checked. For each table three figures: the
 * original's approximate one (~650, ~270, ~620) beside what it counts in this
 * data (`original_in_data`: every final game date, postseason included), the
 * figure expected for the scope that was run — the regular seasons (the
 * original's ranges; the partial season ends at the as-of date) and each
 * postseason that Step 4 or `--part postseason` ran, minus the bootstrap dates
 * for Phase 4, only dates with props lines for the player context — and the
 * actual one. Met means every expected date is present (extra dates do not
 * count). A scope left out (a postseason, the rest of the partial season) is
 * named with the command that fills it; each shortfall is explained from the
 * missing date's latest attempt.
 */
const outcomes = checkStep<void, TableOutcome[]>({
  id: '5.4', title: 'Expected Outcomes',
  async run(ctx) {
    const found = await loadOutcomes(ctx);
    showOutcomes(ctx.out, found);
    return found;
  },
});

/**
 * The quality expectations, per season: the first 2-3 weeks degraded (limited
 * history), 80%+ Good after week 3, and shot zones NULL for most historical
 * data (play-by-play is sparse).
 */
const qualityChecks = checkStep<void, QualityCheck[]>({
  id: '5.4.1', title: 'Quality Expectations',
  async run(ctx) {
    const checks = await loadQuality(ctx);
    showQuality(ctx.out, checks);
    return checks;
  },
});

/**
 * Which dates are missing, as a picture: one calendar per season, a cell per
 * table and day — present, missing, failed, skipped (bootstrap, no props
 * lines), no games — then the missing and failed dates per table.
 */
const calendar = coverageCalendarStep({
  id: '5.4.2', title: 'Coverage Calendar',
  sources: [...PHASE3_JOBS, ...PHASE4_JOBS],
  ranges: (ctx) => backfillRanges(ctx.range, ctx.asOf),
});

/**
 * What to re-run, as the exact commands, in an order that works: Phase 2
 * loads for missing upstream data, then Phase 3, then Phase 4 in its order.
 * Dates whose Phase 2 re-load already failed cannot be filled and are listed
 * to be documented.
 */
const toRerun = checkStep<FinalVerdict, RerunPlan>({
  id: '5.4.3', title: 'What to Re-run',
  async run(ctx, verdict) {
    showPlan(ctx.out, verdict.plan);
    return verdict.plan;
  },
});

/** Accept the backfill, accept and document what is missing, or re-run the listed dates first. */
const accept = gateStep<FinalVerdict>({ id: '5.5', title: 'Accept the Backfill?', ...acceptanceGate() });

/**
 * The report: every table above, the gate decisions of the whole backfill
 * (read from the warehouse's runbook_decisions, so every operator's are there)
 * and the calendars, as Markdown and as one
 * self-contained HTML file (no network needed to view it).
 */
const report = checkStep<FinalFindings, { md: string; html: string }>({
  id: '5.6', title: 'Write the Report',
  commands: (ctx) => [`open reports/backfill-${ctx.asOf}.html`],
  async run(ctx, findings) {
    const paths = await writeFinalReport(ctx, findings);
    ctx.out.ok(`wrote ${paths.md} and ${paths.html}`);
    return paths;
  },
});

export const runbook: RunbookDef = {
  script: '05-final',
  title: 'Step 5: Final Validation',
  defaultRange: phase2Range,
  options: [{ name: 'report-dir', kind: 'string', valueName: 'DIR', default: 'reports', help: 'where the report is written' }],
  steps: [coverage, failures, quality, outcomes, qualityChecks, calendar, toRerun, accept, report],
  async flow(nb, flags) {
    const f: FinalFindings = { dir: String(flags['report-dir']), verdict: null, answer: null };
    f.coverage = await nb.sql(coverage);
    f.failures = await nb.sql(failures);
    f.quality = await nb.sql(quality);
    // Skipped (Skip under --step), they are still what the gate decides on: loaded quietly.
    const found = (await nb.check(outcomes, undefined)) ?? (await loadOutcomes(nb.ctx));
    const checks = (await nb.check(qualityChecks, undefined)) ?? (await loadQuality(nb.ctx));
    f.calendars = (await nb.check(calendar, undefined)) ?? [];
    try {
      f.verdict = verdictOf(nb.ctx, found, checks);
      await nb.check(toRerun, f.verdict);
      f.answer = await nb.gate(accept, f.verdict);
    } finally {
      // Written even when the gate stops the script: "re-run first" is when the report is needed most.
      const stoppedAt = nb.current;
      await nb.check(report, f);
      nb.current = stoppedAt; // a stop at the gate resumes at the gate
    }
  },
};

if (isMain(import.meta.url)) await main(runbook);

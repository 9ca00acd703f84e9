#!/bin/sh
//bin/true; exec node "${0%/*}/../lib/start/launch.mjs" "$0" "$@"  # starts from a prebuilt bundle: lib/start/launch.mjs
/**
 * # Step 3: Phase 4 Backfill
 *
 * **CRITICAL:** Phase 4 processors MUST run in sequence, not in parallel: each
 * reads what the ones before it wrote. Run per season (`--season 2021-22`),
 * after Step 2 has validated Phase 3 for the same season and part
 * (`--part regular|postseason|all`, default regular: the original's range).
 * The postseason continues the regular season's rolling windows: no bootstrap.
 */
import { actionStep, checkStep, gateStep, sqlStep } from '../lib/notebook/steps.ts';
import { isMain, main, type RunbookDef } from '../lib/notebook/notebook.ts';
import { PART_OPTION } from '../lib/notebook/flags.ts';
import { seasonIntro } from '../lib/seasons/intro.ts';
import { PHASE4_JOBS } from '../lib/jobs/registry.ts';
import { coverageCalendarStep } from '../lib/calendar-view/step.ts';
import { backfillCommand } from '../lib/backfill/preview.ts';
import { runJobs, showSummaries } from '../lib/backfill/parallel.ts';
import { compareWithExpected, failureEvidence, qualityEvidence, rerunFailed, rerunnable, stillFailing, type FailureRow } from '../lib/backfill/validate.ts';
import { failureGate, type FailureEvidence } from '../lib/gates/failures.ts';
import { qualityGate, type QualityEvidence, type WeekQuality } from '../lib/gates/quality.ts';
import { jobFailedGate } from '../lib/gates/job-failed.ts';
import { failureMeanings, phaseFailures } from '../lib/queries/phase3.ts';
import { phase4Validation, qualityBuckets, qualityByWeek } from '../lib/queries/phase4.ts';
import type { RunSummary } from '../lib/backfill/runner.ts';
import { weekBars } from '../lib/report/quality-weeks.ts';

const PHASE = 'phase_4_precompute';

/**
 * Run the five in this exact order, each waiting for the previous to finish
 * (3.1.1 team defence zones, 3.1.2 player shot zones, 3.1.3 composite factors,
 * 3.1.4 daily cache, 3.1.5 ML feature store). The first 7 days of a season are
 * recorded as skipped (bootstrap). Each job reads the previous one's output
 * date by date: a date missing upstream fails with DependencyError.
 * @title Run Phase 4 Processors (Sequential - One at a Time)
 */
const runInOrder = PHASE4_JOBS.map((job, k) => actionStep<void, RunSummary>({
  id: `3.1.${k + 1}`, title: `Run ${job.job}`,
  commands: (ctx) => [backfillCommand(job.job, ctx.range)],
  plan: (ctx) => [`Writes ${job.output.name} for ${ctx.range.start}..${ctx.range.end}${k ? `, reading what ${PHASE4_JOBS[k - 1].job} wrote` : ''}.`],
  async run(ctx) {
    const [summary] = await runJobs(ctx, [job], { parallel: false });
    showSummaries(ctx, [summary]);
    return summary;
  },
}));

/**
 * When a job ends with failed dates, decide before the next one starts:
 * continue (the failed dates fail downstream too), re-run them, or stop.
 */
const jobFailed = gateStep<RunSummary>({ id: '3.1.6', title: 'A Phase 4 Job Has Failed Dates', ...jobFailedGate() });

/** Re-run the failed dates of the job that just finished. */
const rerunJob = actionStep<RunSummary, RunSummary[]>({
  id: '3.1.7', title: 'Re-run That Job’s Failed Dates',
  commands: (_ctx, s) => (s ? [backfillCommand(s.job, { start: '', end: '' }, failedDates(s))] : ['./bin/run_backfill.sh precompute/<job> --dates=<failed dates>']),
  plan: (_ctx, s) => [`Re-runs ${failedDates(s).length} date(s) of ${s.job}.`],
  run: (ctx, s) => runJobs(ctx, PHASE4_JOBS.filter((j) => j.job === s.job), { parallel: false, dates: failedDates(s) }),
});

const failedDates = (s: RunSummary) => s.outcomes.filter((o) => o.status === 'failed').map((o) => o.date);

/**
 * Dates per Phase 4 table. The first 7 days of the season have 0 records
 * because of bootstrap: this is expected.
 */
const validation = sqlStep({ id: '3.2', title: 'Validate Phase 4 Complete', query: phase4Validation, timeoutMs: 30_000 });

/** Each table against the game dates of the range minus the bootstrap days. */
const expected = checkStep({
  id: '3.2.1', title: 'Compare With Expected Dates (Bootstrap Excluded)',
  run: (ctx) => compareWithExpected(ctx, 'phase4'),
});

/** The five Phase 4 tables as a calendar: bootstrap days show as skipped, not missing. */
const calendar = coverageCalendarStep({ id: '3.2.2', title: 'Phase 4 Coverage Calendar', sources: PHASE4_JOBS });

/**
 * Records of player_shot_zone_analysis per quality bucket of
 * `completeness_pct` (the share of the 10-game lookback actually available).
 * Expected: mostly Good after the first few weeks of the season.
 */
const quality = sqlStep({ id: '3.3', title: 'Check Quality Scores', query: qualityBuckets, timeoutMs: 30_000 });

/**
 * The same, week by week: early weeks are degraded by design, later weeks
 * should be 80%+ Good. Under the table, a bar per week with the 80% mark.
 */
const weekly = sqlStep({ id: '3.3.1', title: 'Quality by Week', query: qualityByWeek, timeoutMs: 30_000, explain: weekBars });

/**
 * Decide on quality: continue when the weeks after week 3 are 80%+ Good. Below
 * that, the Phase 3 dates missing from the low records' windows are named; with
 * no records at all it stops and names the phase that is missing.
 */
const qualityDecision = gateStep<QualityEvidence>({ id: '3.3.2', title: 'Quality Decision', ...qualityGate() });

/**
 * Failed Phase 4 attempts (the original's query: every failed attempt) beside
 * the dates still failing (latest attempt failed), with a preview of the
 * latest error. The decision below acts on the dates still failing.
 */
const failures = sqlStep({ id: '3.4', title: 'Check for Failures', query: phaseFailures(PHASE), timeoutMs: 30_000, empty: 'No failed attempts.',
  explain: (r) => failureMeanings(r.rows as never),
});

/**
 * Decide what to do about failed dates, from their causes: a date lacking Phase 3
 * data is Phase 3's to fix (Step 2), not a re-run's. Asked only when dates failed.
 */
const decide = gateStep<FailureEvidence>({ id: '3.4.1', title: 'Failures Decision', ...failureGate() });

/** Re-run only the failed dates, in Phase 4 order. */
const rerun = actionStep<FailureRow[], RunSummary[]>({
  id: '3.4.2', title: 'Re-run Failed Dates Only',
  commands: (_ctx, rows) => (rows ? [...new Set(rows.map((r) => r.processor_name))].map((proc) => {
    const job = PHASE4_JOBS.find((j) => j.processorName === proc)!;
    return backfillCommand(job.job, { start: '', end: '' }, rows.filter((r) => r.processor_name === proc).map((r) => r.data_date));
  }) : ['./bin/run_backfill.sh precompute/<job> --dates=<failed dates>']),
  plan: (_ctx, rows) => [`Re-runs ${rows.length} failed processor-date(s) in Phase 4 order; nothing else is touched.`],
  run: (ctx, rows) => rerunFailed(ctx, rows),
});

export const runbook: RunbookDef = {
  script: '03-phase4',
  title: 'Step 3: Phase 4 Backfill',
  defaultRange: null,
  lease: 'phase4',
  startsJobs: true,
  options: [PART_OPTION],
  intro: (ctx) => ['CRITICAL: Phase 4 processors MUST run in sequence, not parallel!', ...seasonIntro(ctx, 'phase4')],
  steps: [...runInOrder, jobFailed, rerunJob, validation, expected, calendar, quality, weekly, qualityDecision, failures, decide, rerun],
  async flow(nb) {
    let confirmedAt: string | undefined;
    /** Failed dates the operator chose to go on without, and the job whose gate decided it. */
    const accepted = new Map<string, string>();
    for (const [k, step] of runInOrder.entries()) {
      // One confirmation starts the sequence; the operator is not asked again for each job.
      const summary = await nb.action(step, undefined, { confirmedAt });
      if (!summary) continue;
      confirmedAt ??= step.id;
      // Dates already accepted as failed upstream fail here too; ask only about new ones, and say so.
      const failed = failedDates(summary);
      const fresh = failed.filter((d) => !accepted.has(d));
      if (!fresh.length) {
        if (failed.length) nb.out.info(`   ${jobFailed.id} not asked again: ${summary.job}'s failed date(s) ${failed.join(', ')} are the ones accepted after ${[...new Set(failed.map((d) => accepted.get(d)))].join(', ')}`);
        continue;
      }
      const answer = await nb.gate(jobFailed, summary, { resumeAt: runInOrder[k + 1]?.id ?? validation.id });
      if (answer === 'rerun') await nb.action(rerunJob, summary);
      else for (const d of fresh) accepted.set(d, summary.job);
    }
    // The four read-only queries below run at once; each is shown at its turn.
    nb.prefetch([validation, quality, weekly, failures]);
    await nb.sql(validation);
    await nb.check(expected, undefined);
    await nb.check(calendar, undefined);
    await nb.sql(quality);
    const weeks = await nb.sql(weekly);
    if (weeks) await nb.gate(qualityDecision, await qualityEvidence(nb.ctx, weeks.rows as unknown as WeekQuality[]));
    for (;;) {
      const failed = await nb.sql(failures);
      // Old failures of dates fixed since are listed (the original's query) but not decided on again.
      const still = failed ? stillFailing(failed.rows) : [];
      if (!still.length) return;
      const evidence = await failureEvidence(nb.ctx, still, 'Step 4 (the next season)');
      // No answer: the gate was before --from 3.4.2, which names the re-run; the gate is asked again after it.
      const decision = (await nb.gate(decide, evidence)) ?? 'rerun';
      // Phase 4 has no Phase 2 of its own to fix: either repair means re-running the dates that can pass.
      if (decision !== 'rerun' && decision !== 'fix-phase2') return;
      if (!(await nb.action(rerun, rerunnable(evidence)))) return;
      await nb.check(expected, undefined);
    }
  },
};

if (isMain(import.meta.url)) await main(runbook);

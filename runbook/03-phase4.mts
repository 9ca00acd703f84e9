#!/usr/bin/env -S node --import tsx
/**
 * # Step 3: Phase 4 Backfill
 *
 * **CRITICAL:** Phase 4 processors MUST run in sequence, not in parallel: each
 * reads what the ones before it wrote. Run per season (`--season 2021-22`),
 * after Step 2 has validated Phase 3 for the same season.
 */
import { actionStep, checkStep, gateStep, sqlStep } from '../lib/notebook/steps.ts';
import { isMain, main, type RunbookDef } from '../lib/notebook/notebook.ts';
import { PHASE4_JOBS } from '../lib/jobs/registry.ts';
import { backfillCommand } from '../lib/backfill/preview.ts';
import { runJobs, summaryRows } from '../lib/backfill/parallel.ts';
import { compareWithExpected, failureEvidence, rerunFailed, type FailureRow } from '../lib/backfill/validate.ts';
import { failureGate, type FailureEvidence } from '../lib/gates/failures.ts';
import { qualityGate, type WeekQuality } from '../lib/gates/quality.ts';
import { phaseFailures } from '../lib/queries/phase3.ts';
import { phase4Validation, qualityBuckets, qualityByWeek } from '../lib/queries/phase4.ts';
import type { RunSummary } from '../lib/backfill/runner.ts';

const PHASE = 'phase_4_precompute';

/**
 * Run the five in this exact order, each waiting for the previous to finish:
 * team defence zones, player shot zones, composite factors, daily cache, ML
 * feature store. The first 7 days of a season are recorded as skipped
 * (bootstrap). If a job has failed dates the sequence stops, because the next
 * job depends on it.
 */
const run = actionStep<void, RunSummary[]>({
  id: '3.1', title: 'Run Phase 4 Processors (Sequential - One at a Time)',
  commands: (ctx) => PHASE4_JOBS.map((j) => backfillCommand(j.job, ctx.range)),
  plan: (ctx) => [`Writes, in order: ${PHASE4_JOBS.map((j, k) => `${k + 1}. ${j.output.name}`).join(', ')} for ${ctx.range.start}..${ctx.range.end}.`],
  async run(ctx) {
    const summaries = await runJobs(ctx, PHASE4_JOBS, { parallel: false, stopOnFailure: true });
    ctx.out.table(['job', 'succeeded', 'failed', 'skipped', 'records', 'statements', 'seconds'], summaryRows(summaries));
    const stopped = summaries.length < PHASE4_JOBS.length ? summaries[summaries.length - 1] : null;
    if (stopped) ctx.out.warn(`stopped after ${stopped.job}: ${stopped.failed} failed date(s); the jobs after it were not run (they depend on it)`);
    return summaries;
  },
});

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

/**
 * Records of player_shot_zone_analysis per quality bucket of
 * `completeness_pct` (the share of the 10-game lookback actually available).
 * Expected: mostly Good after the first few weeks of the season.
 */
const quality = sqlStep({ id: '3.3', title: 'Check Quality Scores', query: qualityBuckets, timeoutMs: 30_000 });

/** The same, week by week: early weeks are degraded by design, later weeks should be 80%+ Good. */
const weekly = sqlStep({ id: '3.3.1', title: 'Quality by Week', query: qualityByWeek, timeoutMs: 30_000 });

/** Decide on quality: continue when the weeks after week 3 are 80%+ Good. */
const qualityDecision = gateStep<WeekQuality[]>({ id: '3.3.2', title: 'Quality Decision', ...qualityGate() });

/** Failed Phase 4 dates (latest attempt), with a preview of the error. */
const failures = sqlStep({ id: '3.4', title: 'Check for Failures', query: phaseFailures(PHASE), timeoutMs: 30_000, empty: 'No failed dates.' });

/** Decide what to do about failed dates. */
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
  intro: (ctx) => [
    'CRITICAL: Phase 4 processors MUST run in sequence, not parallel!',
    ...(ctx.season ? [`Bootstrap: ${ctx.season.start}..${ctx.season.bootstrapEnd} get no Phase 4 records (expected).`] : []),
  ],
  steps: [run, validation, expected, quality, weekly, qualityDecision, failures, decide, rerun],
  async flow(nb) {
    await nb.action(run, undefined);
    await nb.sql(validation);
    await nb.check(expected, undefined);
    await nb.sql(quality);
    const weeks = await nb.sql(weekly);
    if (weeks) await nb.gate(qualityDecision, weeks.rows as unknown as WeekQuality[]);
    for (;;) {
      const failed = await nb.sql(failures);
      if (!failed) return;
      const decision = await nb.gate(decide, await failureEvidence(nb.ctx, failed.rows as unknown as FailureRow[], 'Step 4 (the next season)'));
      if (decision !== 'rerun') return;
      await nb.action(rerun, failed.rows as unknown as FailureRow[]);
      await nb.check(expected, undefined);
    }
  },
};

if (isMain(import.meta.url)) await main(runbook);

#!/bin/sh
//bin/true; exec node "${0%/*}/../lib/start/launch.mjs" "$0" "$@"  # starts from a prebuilt bundle: lib/start/launch.mjs
/**
 * # Step 2: Phase 3 Backfill
 *
 * Run per season (`--season 2021-22`). The five Phase 3 processors read only
 * Phase 2, so they run in parallel. Afterwards: progress, validation against
 * the schedule, and a decision about any failed dates.
 *
 * `--part regular` (the default) is the original's range: the regular season.
 * `--part postseason` runs the play-in and playoffs that follow it (which the
 * original's ranges leave out); `--part all` runs both.
 */
import { actionStep, checkStep, gateStep, sqlStep } from '../lib/notebook/steps.ts';
import { isMain, main, type RunbookDef } from '../lib/notebook/notebook.ts';
import { PART_OPTION } from '../lib/notebook/flags.ts';
import { seasonIntro } from '../lib/seasons/intro.ts';
import { PHASE3_JOBS } from '../lib/jobs/registry.ts';
import { coverageCalendarStep } from '../lib/calendar-view/step.ts';
import { backfillCommand, type JobPreview } from '../lib/backfill/preview.ts';
import { dryRunJobs, runJobs, showSummaries } from '../lib/backfill/parallel.ts';
import { confirmRunGate } from '../lib/gates/confirm-run.ts';
import { failureGate, type FailureEvidence } from '../lib/gates/failures.ts';
import { failureMeanings, phase3Validation, phaseFailures, phaseProgress } from '../lib/queries/phase3.ts';
import { compareWithExpected, failureEvidence, rerunFailed, rerunnable, stillFailing, type FailureRow } from '../lib/backfill/validate.ts';
import { reloadCommands, reloadMissing, reloadRowsFor, type ReloadOutcome } from '../lib/repair/phase2.ts';
import type { RunSummary } from '../lib/backfill/runner.ts';

const PHASE = 'phase_3_analytics';

/**
 * Dry run of the five commands: for each job, the game dates in the range, the
 * dates it will skip (the player context needs props lines), and the dates whose
 * upstream Phase 2 data is missing (they will fail with DependencyError).
 */
const preview = checkStep<void, JobPreview[]>({
  id: '2.1', title: 'Run All 5 Phase 3 Processors (Parallel OK) - Dry Run',
  commands: (ctx) => PHASE3_JOBS.map((j) => `${backfillCommand(j.job, ctx.range)} --dry-run`),
  async run(ctx) {
    const rows = await dryRunJobs(ctx, PHASE3_JOBS);
    ctx.out.table(['job', 'game_dates', 'to_process', 'skipped', 'dependency_gaps'], rows);
    return rows;
  },
});

/** Confirm the commands the dry run showed (the original: remove `--dry-run` once the command looks right). */
const confirm = gateStep<JobPreview[]>({ id: '2.1.1', title: 'Confirm the Commands', ...confirmRunGate('the five Phase 3 backfills') });

/**
 * Run the five in parallel, with a live line per job: dates done / total,
 * failures, elapsed and ETA. Each date's rows are replaced atomically, so
 * running again is safe.
 */
const run = actionStep<void, RunSummary[]>({
  id: '2.1.2', title: 'Run the Five in Parallel',
  commands: (ctx) => PHASE3_JOBS.map((j) => `${backfillCommand(j.job, ctx.range)} &`).concat('wait'),
  plan: (ctx) => [`Writes ${PHASE3_JOBS.map((j) => j.output.name).join(', ')} for ${ctx.range.start}..${ctx.range.end}, and the run history.`],
  async run(ctx) {
    const summaries = await runJobs(ctx, PHASE3_JOBS, { parallel: true });
    showSummaries(ctx, summaries);
    return summaries;
  },
});

/**
 * The progress query (run it from another terminal while jobs run; the monitor
 * does it for you): successes, failures and skips per processor over the last
 * 24 hours, and the latest date reached.
 */
const progress = sqlStep({ id: '2.2', title: 'Monitor Progress', query: phaseProgress(PHASE), timeoutMs: 30_000 });

/**
 * After all processors finish: dates, earliest and latest per table.
 * **Expected:** ~170 dates for each table (varies by season length), as the
 * original says. Ours: the summaries should cover every final game date of the
 * range and the player context only the dates with props lines; 2.3.1 compares
 * each table with those exact figures from the schedule (on the seeded
 * warehouse 165-166 per complete regular season; a postseason, `--part
 * postseason`, adds 45-47).
 */
const validation = sqlStep({ id: '2.3', title: 'Validate Phase 3 Complete', query: phase3Validation, timeoutMs: 30_000 });

/** Compare each table with what the schedule and the odds feed say it should hold. */
const expected = checkStep({
  id: '2.3.1', title: 'Compare With Expected Dates',
  run: (ctx) => compareWithExpected(ctx, 'phase3'),
});

/** The five tables as a calendar: which dates are present, missing, failed or skipped (no props lines), per season. */
const calendar = coverageCalendarStep({ id: '2.3.2', title: 'Phase 3 Coverage Calendar', sources: PHASE3_JOBS });

/**
 * Failed attempts, as the original lists them, beside the dates still failing
 * (latest attempt failed), with a preview of the latest error. The original's
 * query lists one row per failed attempt and stops at 20:
 *
 * ```sql
 * SELECT
 *   data_date,
 *   processor_name,
 *   SUBSTR(CAST(errors AS STRING), 1, 100) as error_preview
 * FROM `nba-props-platform.nba_reference.processor_run_history`
 * WHERE phase = 'phase_3_analytics'
 *   AND status = 'failed'
 *   AND data_date BETWEEN '2021-10-19' AND '2022-04-10'
 * ORDER BY data_date
 * LIMIT 20
 * ```
 *
 * Ours (below) drops the `LIMIT 20` and lists every processor-date, because the
 * decision below needs all of them and a 20-row cut would hide the rest.
 */
const failures = sqlStep({ id: '2.4', title: 'Check for Failures', query: phaseFailures(PHASE), timeoutMs: 30_000, empty: 'No failed attempts.',
  explain: (r) => failureMeanings(r.rows as never),
});

/**
 * Decide what to do about failed dates, from their causes: fix Phase 2 here,
 * re-run them, stop, or continue and document. Asked only when dates failed.
 */
const decide = gateStep<FailureEvidence>({ id: '2.4.1', title: 'Failures Decision', ...failureGate() });

/** Re-run only the dates whose latest attempt failed, per processor. */
const rerun = actionStep<FailureRow[], RunSummary[]>({
  id: '2.4.2', title: 'Re-run Failed Dates Only',
  commands: (_ctx, rows) => rerunCommands(rows),
  plan: (_ctx, rows) => [`Re-runs ${rows.length} failed processor-date(s); nothing else is touched.`],
  run: (ctx, rows) => rerunFailed(ctx, rows),
});

/**
 * Fix Phase 2 first, here: re-load the raw dates the failed dates lack (or
 * whose data failed a check) with the Phase 2 job, then re-run those dates.
 */
const fixPhase2 = actionStep<FailureEvidence, { reloads: ReloadOutcome[]; reruns: RunSummary[] }>({
  id: '2.4.3', title: 'Fix Phase 2 for Those Dates, Then Re-run Them',
  commands: (_ctx, e) => (e ? [...reloadCommands(reloadRowsFor(e)), ...rerunCommands(rerunnable(e))] : ['./bin/run_backfill.sh raw/<table> --dates=<dates>', './bin/run_backfill.sh analytics/<job> --dates=<failed dates>']),
  plan: (_ctx, e) => [`Re-loads ${reloadRowsFor(e).length} raw table-date(s) from the source, then re-runs ${rerunnable(e).length} failed processor-date(s); nothing else is touched.`],
  async run(ctx, e) {
    const reloads = await reloadMissing(ctx, reloadRowsFor(e));
    ctx.out.table(['table_name', 'recovered', 'still_missing', 'still_missing_dates'], reloads as never);
    const reruns = await rerunFailed(ctx, rerunnable(e));
    return { reloads, reruns };
  },
});

function rerunCommands(rows: FailureRow[] | undefined): string[] {
  if (!rows) return ['./bin/run_backfill.sh analytics/<job> --dates=<failed dates>'];
  return PHASE3_JOBS.flatMap((j) => {
    const dates = rows.filter((r) => r.processor_name === j.processorName).map((r) => r.data_date);
    return dates.length ? [backfillCommand(j.job, { start: '', end: '' }, dates)] : [];
  });
}

export const runbook: RunbookDef = {
  script: '02-phase3',
  title: 'Step 2: Phase 3 Backfill',
  defaultRange: null,
  lease: 'phase3',
  startsJobs: true,
  options: [PART_OPTION],
  intro: (ctx) => seasonIntro(ctx, 'phase3'),
  steps: [preview, confirm, run, progress, validation, expected, calendar, failures, decide, rerun, fixPhase2],
  async flow(nb) {
    const plan = await nb.check(preview, undefined);
    if (plan) {
      const go = await nb.gate(confirm, plan);
      if (go === 'run') await nb.action(run, undefined, { confirmedAt: confirm.id });
      // Resuming at 2.1.2 (--from) skips the confirmation: the run asks for itself.
      else if (go === null) await nb.action(run, undefined);
    } else await nb.action(run, undefined);
    // The three read-only queries below run at once; each is shown at its turn.
    nb.prefetch([progress, validation, failures]);
    await nb.sql(progress);
    for (;;) {
      await nb.sql(validation);
      await nb.check(expected, undefined);
      await nb.check(calendar, undefined);
      const failed = await nb.sql(failures);
      // Old failures of dates fixed since are listed (the original's query) but not decided on again.
      const still = failed ? stillFailing(failed.rows) : [];
      if (!still.length) return;
      const evidence = await failureEvidence(nb.ctx, still, 'Step 3 (./runbook/03-phase4.mts)');
      // No answer: the gate was before --from (2.4.2 or 2.4.3), which names the repair; the gate is asked again after it.
      const decision = (await nb.gate(decide, evidence)) ?? (nb.opts.from === fixPhase2.id ? 'fix-phase2' : 'rerun');
      const done = decision === 'rerun' ? await nb.action(rerun, rerunnable(evidence))
        : decision === 'fix-phase2' ? await nb.action(fixPhase2, evidence) : null;
      if (!done) return; // continued, documented, or the repair was skipped: asking again would ask the same
    }
  },
};

if (isMain(import.meta.url)) await main(runbook);

#!/bin/sh
//bin/true; exec node "${0%/*}/../lib/start/launch.mjs" "$0" "$@"  # starts from a prebuilt bundle: lib/start/launch.mjs
/**
 * # Troubleshooting Quick Reference
 *
 * One subcommand per entry of the original's quick reference:
 * `dependency-errors` (a processor fails with DependencyError: what is missing
 * and which Phase 2 load fixes it), `phase4-zeros` (Phase 4 has 0 records for
 * some dates: bootstrap or a real gap) and `rerun-failed [--job J]` (re-run the
 * failed dates only). The range defaults to the whole Phase 2 range;
 * `--season` narrows it.
 */
import { actionStep, checkStep, sqlStep } from '../lib/notebook/steps.ts';
import { isMain, main, type RunbookDef } from '../lib/notebook/notebook.ts';
import { phase2Range } from '../lib/notebook/flags.ts';
import { formatRanges } from '../lib/seasons/calendar.ts';
import { JOBS, PHASE4_JOBS } from '../lib/jobs/registry.ts';
import { fillCommands } from '../lib/backfill/preview.ts';
import { showSummaries } from '../lib/backfill/parallel.ts';
import { rerunFailed, stillFailing, type FailureRow } from '../lib/backfill/validate.ts';
import { failureMeanings } from '../lib/queries/phase3.ts';
import type { RunSummary } from '../lib/backfill/runner.ts';
import { latestAttempts, type LatestAttemptRow } from '../lib/calendar-view/queries.ts';
import type { RerunPlan } from '../lib/final/rerun.ts';
import { dependencyErrors, failedDates, phase4Zeros } from '../lib/troubleshoot/queries.ts';
import { dependencyPlan, failedLoads, missingTableRows, type DependencyErrorRow } from '../lib/troubleshoot/dependencies.ts';
import { bootstrapWindows, verdictRuns, verdictSummary, zeroRuns, zeroVerdicts, type ZeroRow, type ZeroVerdict } from '../lib/troubleshoot/phase4-zeros.ts';
import { backfillRanges } from '../lib/final/ranges.ts';
import { chosenJob, rerunCommands } from '../lib/troubleshoot/rerun.ts';

/**
 * Processor fails with DependencyError — find what's missing: each date whose
 * latest attempt failed with DependencyError, with the upstream tables it lacked.
 * The original's query lists failed attempts, newest date first, and stops at 10:
 *
 * ```sql
 * SELECT data_date, missing_dependencies
 * FROM `nba-props-platform.nba_reference.processor_run_history`
 * WHERE status = 'failed'
 *   AND errors LIKE '%DependencyError%'
 * ORDER BY data_date DESC
 * LIMIT 10
 * ```
 *
 * Ours (below) drops the `LIMIT 10` and keeps only dates still failing (a date
 * re-run since with success needs no fix), because T1.2 plans a load for every
 * row: ten rows, some already fixed, would plan the wrong loads and miss the rest.
 */
const findMissing = sqlStep({
  id: 'T1.1', title: "Find What's Missing", query: dependencyErrors, timeoutMs: 30_000,
  empty: 'No date is failing with DependencyError.',
});

/**
 * Fix: backfill the missing Phase 2 data, then re-run. For every missing table,
 * the load that fills it (`raw/<table>`) and its dates; then the commands in
 * the order they must run. A date whose load already failed has no source
 * data: re-loading again cannot help, so document it instead.
 */
const loadsThatFix = checkStep<DependencyErrorRow[], RerunPlan>({
  id: 'T1.2', title: 'Which Phase 2 Load Fixes Them',
  async run(ctx, rows) {
    const failed = await failedLoads(ctx, [...new Set(rows.map((r) => r.data_date))]);
    ctx.out.table(['fix_job', 'dates', 'source_has_nothing'], missingTableRows(rows, failed));
    const plan = dependencyPlan(rows, failed);
    if (plan.steps.length) {
      ctx.out.info('Fix: backfill the missing Phase 2 data, then re-run, in this order:');
      for (const s of plan.steps) ctx.out.code(`$ ${s.command}`);
    }
    for (const u of plan.unrecoverable) ctx.out.warn(`${u.job} on ${formatRanges(u.dates)} cannot be fixed by a re-run: ${u.why}; document these dates`);
    return plan;
  },
});

const PHASE4_ORDER = PHASE4_JOBS.map((j) => j.output.name.split('.').pop()!);

/** Phase 4 has 0 records for some dates: every game date on which a Phase 4 table has none. */
const zeroDates = sqlStep({
  id: 'T2.1', title: 'Phase 4 Dates With 0 Records', query: phase4Zeros, timeoutMs: 30_000,
  empty: 'Every Phase 4 table has records on every game date.',
  display: (r) => ({ columns: ['from', 'through', 'game_dates', 'tables_with_0_records'], rows: zeroRuns(r.rows as unknown as ZeroRow[], PHASE4_ORDER) }),
});

/**
 * Check if it's the bootstrap period (the first 7 days of a season): those
 * dates SHOULD have 0 Phase 4 records — that is correct behaviour. So should
 * play-in and playoff dates, which lie outside the per-season ranges the
 * backfill ran. Any other date is a real gap, and its latest attempt says why.
 */
const bootstrapOrGap = checkStep<ZeroRow[], ZeroVerdict[]>({
  id: 'T2.2', title: 'Bootstrap Period or Real Gap?',
  async run(ctx, rows) {
    ctx.out.info(`Expected: ${bootstrapWindows()}`);
    const q = latestAttempts(ctx.project, PHASE4_JOBS.map((j) => j.processorName), ctx.range);
    const history = new Map((await ctx.w.query<LatestAttemptRow>(q.sql, q.params)).rows.map((h) => [`${h.processor_name}|${h.data_date}`, h]));
    const processor = (table: string) => PHASE4_JOBS.find((j) => j.output.name.endsWith(`.${table}`))?.processorName;
    const verdicts = zeroVerdicts(rows, (t, d) => history.get(`${processor(t)}|${d}`), backfillRanges(ctx.range, ctx.asOf), PHASE4_ORDER);
    ctx.out.table(['dates', 'verdict', 'tables'], verdictRuns(verdicts));
    for (const l of verdictSummary(verdicts)) ctx.out.info(l);
    const gaps = verdicts.filter((v) => v.verdict === 'GAP').map((v) => v.game_date);
    if (gaps.length) {
      ctx.out.info('Once their inputs exist (dependency-errors shows what they lack), fill them in Phase 4 order:');
      for (const c of await fillCommands(ctx, PHASE4_JOBS, gaps)) ctx.out.code(`$ ${c}`);
    }
    return verdicts;
  },
});

/**
 * Get the list of failed dates, for one job (`--job`) or every job: every date
 * with a failed attempt (the original's query) beside whether it still fails
 * (latest attempt failed). Only the dates still failing are re-run: a date
 * fixed since would be re-run for nothing.
 */
const failedList = sqlStep({
  id: 'T3.1', title: 'Get List of Failed Dates', query: failedDates(JOBS.map((j) => j.processorName)), timeoutMs: 30_000,
  empty: 'No failed attempts.',
  explain: (r) => failureMeanings(r.rows as never),
});

/**
 * Then re-run each: only the failed dates, one command per job (the
 * original's loop over dates, as one `--dates` list), in run order. Each
 * date is replaced atomically; the run history records the new attempt.
 */
const rerun = actionStep<FailureRow[], RunSummary[]>({
  id: 'T3.2', title: 'Re-run Failed Dates Only',
  commands: (_ctx, rows) => (rows ? rerunCommands(rows) : ['./bin/run_backfill.sh <job> --dates=<failed dates>']),
  plan: (_ctx, rows) => [`Re-runs ${rows.length} failed processor-date(s); nothing else is touched.`],
  async run(ctx, rows) {
    const summaries = await rerunFailed(ctx, rows);
    showSummaries(ctx, summaries);
    const still = summaries.reduce((a, s) => a + s.failed, 0);
    if (still) ctx.out.warn(`${still} date(s) still failing: ./runbook/troubleshoot.mts dependency-errors shows what they lack`);
    else ctx.out.ok('every re-run date succeeded');
    return summaries;
  },
});

export const runbook: RunbookDef = {
  script: 'troubleshoot',
  title: 'Troubleshooting Quick Reference',
  defaultRange: phase2Range,
  positional: {
    name: 'subcommand',
    choices: [
      { value: 'dependency-errors', help: 'a processor fails with DependencyError: what is missing, and the Phase 2 load that fixes it' },
      { value: 'phase4-zeros', help: 'Phase 4 has 0 records for some dates: bootstrap (expected) or a real gap, and why' },
      { value: 'rerun-failed', help: 're-run only the dates whose latest attempt failed (--job J, default every job)' },
    ],
  },
  options: [{ name: 'job', kind: 'string', valueName: 'PHASE/JOB', help: 'rerun-failed: one job, e.g. analytics/player_game_summary (default: every job)' }],
  checkFlags: (flags) => { chosenJob(flags); },
  steps: [findMissing, loadsThatFix, zeroDates, bootstrapOrGap, failedList, rerun],
  async flow(nb, flags, [subcommand]) {
    switch (subcommand) {
      case 'dependency-errors': {
        const found = await nb.sql(findMissing);
        if (found?.rows.length) await nb.check(loadsThatFix, found.rows as unknown as DependencyErrorRow[]);
        return;
      }
      case 'phase4-zeros': {
        const zeros = await nb.sql(zeroDates);
        if (zeros?.rows.length) await nb.check(bootstrapOrGap, zeros.rows as unknown as ZeroRow[]);
        return;
      }
      case 'rerun-failed': {
        const job = chosenJob(flags);
        const failed = await nb.sql(job ? { ...failedList, query: failedDates([job.processorName]) } : failedList);
        const still = failed ? stillFailing(failed.rows) : [];
        if (still.length) await nb.action(rerun, still);
        return;
      }
    }
  },
};

if (isMain(import.meta.url)) await main(runbook);

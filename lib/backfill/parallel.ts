/**
 * Several backfill jobs with one live progress board: Phase 3's five at once
 * (up to --max-parallel), Phase 4's one at a time, each waiting for the
 * previous. Who runs them — the in-process reference platform or the
 * platform's own run_backfill.sh — is decided in lib/platform from the flags;
 * the scripts call this the same way either way.
 */
import type { RunContext } from '../notebook/steps.ts';
import type { RegisteredJob } from '../jobs/registry.ts';
import type { Row } from '../warehouse/types.ts';
import type { Strategy } from './runner.ts';
import { previewJobs, type JobPreview } from './preview.ts';
import { platformFor, type JobSummary, type RunManyOptions } from '../platform/index.ts';

export type { RunManyOptions } from '../platform/index.ts';

export async function runJobs(
  ctx: RunContext, jobs: RegisteredJob[], o: { parallel: boolean; dates?: string[]; strategy?: Strategy; stopOnFailure?: boolean },
): Promise<JobSummary[]> {
  const opts: RunManyOptions = { parallel: o.parallel, strategy: o.strategy, stopOnFailure: o.stopOnFailure };
  return platformFor(ctx).run(ctx, jobs.map((job) => ({ job, dates: o.dates })), opts);
}

/** Each job with its own dates (re-runs of failed dates), in the order given. */
export async function runJobDates(ctx: RunContext, requests: { job: RegisteredJob; dates: string[] }[], o: RunManyOptions): Promise<JobSummary[]> {
  return platformFor(ctx).run(ctx, requests, o);
}

/**
 * The dry-run step: what each job would do (read from the warehouse), and on
 * the platform's command its own `--dry-run` output. Writes nothing.
 */
export async function dryRunJobs(ctx: RunContext, jobs: RegisteredJob[]): Promise<JobPreview[]> {
  const rows = await previewJobs(ctx.w, jobs, ctx.range);
  await platformFor(ctx).dryRun(ctx, jobs.map((job) => ({ job })));
  return rows;
}

export function summaryRows(summaries: JobSummary[]): Row[] {
  return summaries.map((s) => ({
    job: s.job, succeeded: s.outcomes.filter((x) => x.status === 'success').length, failed: s.failed, skipped: s.skipped,
    records: s.records,
    // The platform's statements are its own business; its exit code is what we know.
    ...(s.command ? { exit: s.command.signal ?? s.command.exitCode, unrecorded: s.command.unrecorded.length } : { statements: s.statements }),
    seconds: Math.round(s.ms / 100) / 10,
  }));
}

/** The summary table after a run: statements for the reference platform, exit codes for the platform's command. */
export function showSummaries(ctx: RunContext, summaries: JobSummary[]): void {
  const command = summaries.some((s) => s.command);
  ctx.out.table(['job', 'succeeded', 'failed', 'skipped', 'records', ...(command ? ['exit', 'unrecorded'] : ['statements']), 'seconds'], summaryRows(summaries));
}

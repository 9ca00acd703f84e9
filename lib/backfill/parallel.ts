/**
 * Several backfill jobs with one live progress board. Phase 3 runs its five in
 * parallel (inside this one process, sharing the warehouse: DuckDB lets one
 * process hold the file, and statements interleave without lock errors); Phase 4
 * runs one at a time, each waiting for the previous, stopping at the first
 * job with failures when asked to.
 */
import type { RunContext } from '../notebook/steps.ts';
import { ProgressBoard, type ProgressState } from '../notebook/progress.ts';
import type { RegisteredJob } from '../jobs/registry.ts';
import { RunStopped, runBackfill, type RunSummary, type Strategy } from './runner.ts';

export interface RunManyOptions {
  parallel: boolean;
  dates?: string[];
  strategy?: Strategy;
  /** Sequential runs stop after a job that had failures (Phase 4: the next one depends on it). */
  stopOnFailure?: boolean;
}

export async function runJobs(ctx: RunContext, jobs: RegisteredJob[], o: RunManyOptions): Promise<RunSummary[]> {
  const states: ProgressState[] = jobs.map((j) => ({ label: j.job, done: 0, total: 0, startedAt: Date.now() }));
  const board = new ProgressBoard(ctx.out.human, states);
  const timer = setInterval(() => board.render(), 1000);
  // Ctrl+C stops every job; so does one job failing for good, so none goes on writing after the step has failed.
  const stop = new AbortController();
  const onAbort = () => stop.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const runOne = async (job: RegisteredJob, k: number) => {
    states[k].startedAt = Date.now();
    const s = await runBackfill(ctx.w, job, {
      ...(o.dates ? { dates: o.dates } : { start: ctx.range.start, end: ctx.range.end }),
      strategy: o.strategy, runId: ctx.runId, signal: stop.signal,
      onProgress: (p) => { Object.assign(states[k], { done: p.done, total: p.total, failed: p.failed }); board.render(); },
    });
    states[k].finishedAt = Date.now();
    board.render();
    return s;
  };
  try {
    if (o.parallel) {
      const settled = await Promise.all(jobs.map((job, k) => runOne(job, k).catch((e: unknown) => {
        if (!stop.signal.aborted) stop.abort(new RunStopped(`${job.job} failed: ${e instanceof Error ? e.message : String(e)}`));
        throw e;
      }).then((s) => ({ ok: true as const, s }), (e: unknown) => ({ ok: false as const, e }))));
      // Every job has stopped (finished, or recorded what it left) before the step fails.
      const failed = settled.find((x) => !x.ok);
      if (failed && !failed.ok) throw failed.e;
      return settled.map((x) => (x as { s: RunSummary }).s);
    }
    const out: RunSummary[] = [];
    for (const [k, job] of jobs.entries()) {
      if (ctx.signal.aborted) break;
      const s = await runOne(job, k);
      out.push(s);
      if (o.stopOnFailure && s.failed > 0) break;
    }
    return out;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    clearInterval(timer);
    board.render();
  }
}

export function summaryRows(summaries: RunSummary[]) {
  return summaries.map((s) => ({
    job: s.job, succeeded: s.outcomes.filter((x) => x.status === 'success').length, failed: s.failed, skipped: s.skipped,
    records: s.records, statements: s.statements, seconds: Math.round(s.ms / 100) / 10,
  }));
}

/**
 * The reference platform, in-process: the ten processors and the Phase 2
 * re-loads of lib/backfill/runner.ts, on the warehouse this script opened.
 * Parallel jobs share this one process (DuckDB lets one process hold the file;
 * statements interleave on one connection without lock errors).
 */
import type { RunContext } from '../notebook/steps.ts';
import { ProgressBoard, type ProgressState } from '../notebook/progress.ts';
import { RunStopped, planTables, runBackfill } from '../backfill/runner.ts';
import { readDateFacts, withKnown, type DateFacts } from '../backfill/date-facts.ts';
import { JOBS, PHASE4_JOBS, type RegisteredJob } from '../jobs/registry.ts';
import type { Warehouse } from '../warehouse/types.ts';
import type { JobRequest, JobSummary, Platform, RunManyOptions } from './types.ts';
import { inPool } from './pool.ts';

/**
 * On BigQuery, Step 3 runs its five jobs one step at a time, each reading its plan
 * (a job of about a second) after the one before it has written. The next job's
 * plan is read while the current one runs, except the current job's own output,
 * which its last chunk reports (outputDates). Used only by that next job over the
 * same range, started within AHEAD_FRESH_MS of the current one finishing (a
 * longer pause, at a gate, reads afresh); any other run drops it.
 */
interface Ahead { job: string; range: string; after: RegisteredJob; facts: Promise<DateFacts | null>; afterDates?: string[]; readyAt?: number }
const ahead = new WeakMap<Warehouse, Ahead>();
const AHEAD_FRESH_MS = 30_000;

/** The facts read ahead for this run, when they are still good; the entry is used up either way. */
async function takeAhead(w: Warehouse, r: JobRequest, range: string): Promise<DateFacts | undefined> {
  const a = ahead.get(w);
  ahead.delete(w);
  if (!a || r.dates || a.job !== r.job.job || a.range !== range || !a.afterDates || Date.now() - (a.readyAt ?? 0) > AHEAD_FRESH_MS) return undefined;
  const facts = await a.facts;
  return facts ? withKnown(facts, [{ table: { table: a.after.output.name, dateColumn: a.after.output.dateColumn }, dates: a.afterDates }]) : undefined;
}

/** Starts reading the next Phase 4 job's plan, but for this job's output (see Ahead). */
function readAhead(ctx: RunContext, r: JobRequest, range: string): Ahead | null {
  const k = PHASE4_JOBS.findIndex((j) => j.job === r.job.job);
  const next = k >= 0 ? PHASE4_JOBS[k + 1] : undefined;
  if (ctx.w.backend !== 'bigquery' || r.dates || !next) return null;
  const tables = planTables(next).filter((t) => t.table !== r.job.output.name);
  const entry: Ahead = { job: next.job, range, after: r.job, facts: readDateFacts(ctx.w, ctx.range, { tables }).catch(() => null) };
  ahead.set(ctx.w, entry);
  return entry;
}

export const builtinPlatform: Platform = {
  name: 'builtin',

  async run(ctx: RunContext, requests: JobRequest[], o: RunManyOptions): Promise<JobSummary[]> {
    const states: ProgressState[] = requests.map((r) => ({ label: r.job.job, done: 0, total: 0, startedAt: Date.now() }));
    const board = new ProgressBoard(ctx.out.human, states);
    const timer = setInterval(() => board.render(), 1000);
    // Ctrl+C stops every job; so does one job failing for good, so none goes on writing after the step has failed.
    const stop = new AbortController();
    const onAbort = () => stop.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    // Over one range, one read serves every job's plan: the schedule and each table no job of the
    // step writes; a table an earlier job wrote is known from that job's own last read (outputDates).
    const written = new Set(requests.map((r) => r.job.output.name));
    const shared = requests.length > 1 && requests.every((r) => !r.dates)
      ? await readDateFacts(ctx.w, ctx.range, { tables: requests.flatMap((r) => planTables(r.job)).filter((t) => !written.has(t.table)) })
      : null;
    const known: { table: { table: string; dateColumn: string }; dates: string[] }[] = [];
    const range = `${ctx.range.start}..${ctx.range.end}`;
    const runOne = async (r: JobRequest, k: number) => {
      states[k].startedAt = Date.now();
      const early = requests.length === 1 ? await takeAhead(ctx.w, r, range) : (ahead.delete(ctx.w), undefined);
      const next = requests.length === 1 ? readAhead(ctx, r, range) : null;
      const s = await runBackfill(ctx.w, r.job, {
        ...(r.dates ? { dates: r.dates } : { start: ctx.range.start, end: ctx.range.end }),
        facts: shared ? withKnown(shared, known) : early,
        strategy: o.strategy, runId: ctx.runId, signal: stop.signal,
        onProgress: (p) => { Object.assign(states[k], { done: p.done, total: p.total, failed: p.failed, paced: p.paced }); board.render(); },
      });
      states[k].finishedAt = Date.now();
      if (s.outputDates) known.push({ table: { table: r.job.output.name, dateColumn: r.job.output.dateColumn }, dates: s.outputDates });
      if (next && ahead.get(ctx.w) === next && s.outputDates) Object.assign(next, { afterDates: s.outputDates, readyAt: Date.now() });
      else if (next && ahead.get(ctx.w) === next) ahead.delete(ctx.w);
      board.render();
      return s;
    };
    try {
      if (o.parallel) {
        const settled = await inPool(requests, ctx.opts.maxParallel, (r, k) => runOne(r, k).catch((e: unknown) => {
          if (!stop.signal.aborted) stop.abort(new RunStopped(`${r.job.job} failed: ${e instanceof Error ? e.message : String(e)}`));
          throw e;
        }).then((s) => ({ ok: true as const, s }), (e: unknown) => ({ ok: false as const, e })));
        // Every job has stopped (finished, or recorded what it left) before the step fails.
        const failed = settled.find((x) => !x.ok);
        if (failed && !failed.ok) throw failed.e;
        return settled.map((x) => (x as { s: JobSummary }).s);
      }
      const out: JobSummary[] = [];
      for (const [k, r] of requests.entries()) {
        if (ctx.signal.aborted) break;
        const s = await runOne(r, k);
        out.push(s);
        if (o.stopOnFailure && s.failed > 0) break;
      }
      return out;
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      clearInterval(timer);
      board.render();
    }
  },

  // The dry-run table (lib/backfill/preview.ts) is this platform's dry run: nothing more to start.
  async dryRun() {},

  // Generated Phase 2 rows go only to the embedded warehouse, never to BigQuery.
  async rawLoadJobs(ctx) {
    return new Set(ctx.w.backend === 'duckdb' ? JOBS.filter((j) => j.phase === 'phase_2_raw').map((j) => j.job) : []);
  },
};

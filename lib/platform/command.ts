/**
 * The production platform: the platform's own `bin/run_backfill.sh`, started
 * with zx as the original runbook types it (`<cmd> analytics/<job>
 * --start-date=… --end-date=…`, `--dates=…`, `--dry-run`), from the platform's
 * repository.
 *
 *  - Each job runs in its own process group, its stdout and stderr going to
 *    .runbook/logs/<run_id>/<job>.log; the journal records the command, pid,
 *    exit code, duration and log.
 *  - The board's counts come only from the run history the job writes.
 *  - Ctrl+C: SIGINT to every job's process group, a grace period, then SIGTERM
 *    (then SIGKILL): nothing is left running when the runbook exits.
 *  - The embedded warehouse is one file that one process may write at a time:
 *    this process holds it only for its short reads, and the board's reads
 *    give way (skip a refresh) when a job holds it, so jobs are never starved.
 */
import fs from 'node:fs';
import type { RunContext } from '../notebook/steps.ts';
import { StepFailed } from '../notebook/errors.ts';
import type { CommonOptions } from '../notebook/flags.ts';
import { envMs } from '../notebook/env.ts';
import { Journal } from '../notebook/journal.ts';
import { formatDuration } from '../notebook/progress.ts';
import type { Warehouse } from '../warehouse/types.ts';
import { planRun, type DateOutcome } from '../backfill/runner.ts';
import type { CommandFacts, JobRequest, JobSummary, Platform, RunManyOptions } from './types.ts';
import { CommandBoard, type BoardItem } from './board.ts';
import { jobsInList, platformDir, platformEnv } from './locate.ts';
import { logDir, logPath, tail } from './logs.ts';
import { latestFor, recordedSince, tally, type RecordedRow } from './recorded.ts';
import { inPool } from './pool.ts';

/** How long jobs get to stop after SIGINT before SIGTERM. */
const graceMs = () => envMs('RUNBOOK_STOP_GRACE_MS') ?? 20_000;
/** How often the board reads the run history. */
const pollMs = () => envMs('RUNBOOK_BOARD_POLL_MS') ?? 2_000;

interface Started {
  k: number;
  pid: number | null;
  done: Promise<{ exitCode: number | null; signal: string | null }>;
}

/** Every live job's process group, so an abrupt exit of this process still takes them down. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}
/** Whether any process of the group is left (its leader may have exited before its children). */
function groupAlive(pid: number): boolean {
  try { process.kill(-pid, 0); return true; } catch { return false; }
}
/**
 * After Ctrl+C: waits until every stopped group is empty, sending SIGTERM to
 * what is left after the grace period and SIGKILL 5 s later. A group's leader
 * exiting is not enough: a child that ignores SIGINT would outlive the runbook.
 */
async function drainGroups(pids: number[], since: number): Promise<void> {
  let termed = false;
  for (;;) {
    const left = pids.filter(groupAlive);
    if (!left.length) break;
    const waited = Date.now() - since;
    if (waited >= graceMs() + 5_000) { for (const p of left) killGroup(p, 'SIGKILL'); }
    else if (waited >= graceMs() && !termed) { termed = true; for (const p of left) killGroup(p, 'SIGTERM'); }
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const p of pids) liveGroups.delete(p);
}
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A second Ctrl+C exits at once (process.exit): no job may outlive the runbook.
  process.on('exit', () => { for (const pid of liveGroups) killGroup(pid, 'SIGKILL'); });
}

export function commandPlatform(opts: CommonOptions): Platform {
  const cmd = opts.backfillCmd!;
  const cwd = platformDir(opts);
  let listed: Promise<string[]> | null = null;

  const argsFor = (ctx: RunContext, r: JobRequest): string[] => [
    r.job.job,
    ...(r.dates ? [`--dates=${r.dates.join(',')}`] : [`--start-date=${ctx.range.start}`, `--end-date=${ctx.range.end}`]),
  ];
  const show = (args: string[]) => [cmd, ...args].join(' ');

  /** Starts one command in its own process group, output to its log. */
  async function start(ctx: RunContext, args: string[], log: string): Promise<Started & { k: -1 }> {
    const { $ } = await import('zx');
    fs.appendFileSync(log, `# ${new Date().toISOString()} $ ${show(args)}  (in ${cwd})\n`);
    const fd = fs.openSync(log, 'a');
    try {
      const p = $({
        cwd, detached: true, nothrow: true, quiet: true, verbose: false,
        env: { ...process.env, ...platformEnv(ctx.opts, ctx.runId) },
        stdio: ['ignore', fd, fd],
      })`${cmd} ${args}`;
      const pid = p.child?.pid ?? null;
      if (pid) liveGroups.add(pid);
      const done = p.then((r) => {
        // The group stays listed while any of its processes is left (the exit hook kills it).
        if (pid && !groupAlive(pid)) liveGroups.delete(pid);
        return { exitCode: r.exitCode, signal: r.signal ?? null };
      });
      return { k: -1, pid, done };
    } finally {
      fs.closeSync(fd); // the child holds its own copy
    }
  }

  const journal = (ctx: RunContext) => new Journal(ctx.opts.journal, ctx.runId);

  return {
    name: 'command',

    async run(ctx, requests, o: RunManyOptions): Promise<JobSummary[]> {
      installExitHook();
      const dir = logDir(ctx.opts.journal, ctx.runId);
      // The dates each job is expected to record: read before any job starts (no contention).
      const expected = await ctx.w.hold(() => Promise.all(requests.map(async (r) => {
        const plan = await planRun(ctx.w, r.job, r.dates ? { dates: r.dates } : { start: ctx.range.start, end: ctx.range.end });
        return [...plan.gameDates, ...plan.bootstrap, ...plan.noGames].sort();
      })));
      const items: BoardItem[] = requests.map((r, k) => ({ label: r.job.job, expected: expected[k].length, done: 0, failed: 0, seen: false, startedAt: null }));
      const logs = requests.map((r) => logPath(dir, r.job.job));
      const commands = requests.map((r) => show(argsFor(ctx, r)));
      const started: (Started | null)[] = requests.map(() => null);
      const stoppedByUs = new Set<number>();

      ctx.out.note(`   platform: ${cmd} (in ${cwd}); logs in ${dir}`);
      const board = new CommandBoard(ctx.out.human, items);

      // The board's reads: on the embedded warehouse a separate read-only handle that never waits for the file.
      const reader = await boardReader(ctx.w);
      const refresh = async (tries = 1): Promise<void> => {
        const live = items.map((it, k) => ({ it, k })).filter(({ it }) => it.startedAt !== null);
        if (!live.length) return;
        const since = Math.min(...live.map(({ it }) => it.startedAt!));
        let rows: RecordedRow[] | null = null;
        for (let t = 0; t < tries && !rows; t++) {
          try { rows = await recordedSince(reader, [...new Set(requests.map((r) => r.job.processorName))], since); } catch { rows = null; }
        }
        for (const { it, k } of live) {
          if (rows) {
            const t = tally(latestFor(rows, requests[k].job.processorName, it.startedAt!, new Set(expected[k])));
            Object.assign(it, { done: t.done, failed: t.failed, seen: it.seen || t.rows > 0 });
          }
          it.lastLine = tail(logs[k], 1)[0]?.replace(/^# .*\$ /, '$ ');
        }
      };
      let polling = false;
      const timer = setInterval(() => {
        if (polling) return;
        polling = true;
        refresh().then(() => board.render()).catch(() => undefined).finally(() => { polling = false; });
      }, pollMs());

      // Ctrl+C: SIGINT to each job's group, then SIGTERM after the grace period, then SIGKILL.
      let escalation: NodeJS.Timeout[] = [];
      let abortedAt = 0;
      const onAbort = () => {
        abortedAt = Date.now();
        const live = started.map((s, k) => ({ s, k })).filter(({ s, k }) => s?.pid && items[k].finishedAt === undefined);
        if (!live.length) return;
        ctx.out.err.write(`stopping ${live.length} platform job(s): SIGINT now, SIGTERM after ${formatDuration(graceMs())}\n`);
        board.detach();
        for (const { s, k } of live) { stoppedByUs.add(k); killGroup(s!.pid!, 'SIGINT'); }
        escalation = [
          setTimeout(() => { for (const { s } of live) if (groupAlive(s!.pid!)) killGroup(s!.pid!, 'SIGTERM'); }, graceMs()),
          setTimeout(() => { for (const { s } of live) if (groupAlive(s!.pid!)) killGroup(s!.pid!, 'SIGKILL'); }, graceMs() + 5_000),
        ];
      };
      ctx.signal.addEventListener('abort', onAbort);

      const runOne = async (r: JobRequest, k: number): Promise<void> => {
        if (ctx.signal.aborted) return;
        items[k].startedAt = Date.now();
        const s = await start(ctx, argsFor(ctx, r), logs[k]);
        started[k] = { ...s, k };
        // The plan rides along: the platform records its own run ids, so the monitor attributes its
        // rows to this command by processor, start time and dates, and shows them against this total.
        journal(ctx).write({
          event: 'command', script: ctx.script ?? '', step: ctx.stepId?.() ?? null, job: r.job.job, status: 'started', command: commands[k], cwd, pid: s.pid, log: logs[k],
          processor: r.job.processorName, total: expected[k].length, first: expected[k][0] ?? null, last: expected[k].at(-1) ?? null,
        });
        board.render();
        const end = await s.done;
        items[k].finishedAt = Date.now();
        items[k].exit = end.signal ? `stopped (${end.signal})` : `exit ${end.exitCode}`;
        await refresh(3); // the line printed for a finished job should carry its final counts
        board.render();
      };

      try {
        if (o.parallel) await inPool(requests, ctx.opts.maxParallel, runOne);
        else {
          for (const [k, r] of requests.entries()) {
            await runOne(r, k);
            // Strictly one after another: the next starts only after this one exited 0.
            const x = started[k] ? await started[k]!.done : null;
            if (!x || x.exitCode !== 0) break;
          }
        }
      } finally {
        clearInterval(timer);
        // Every stopped group must be empty before this returns, not only its leader gone.
        if (abortedAt) await drainGroups([...stoppedByUs].map((k) => started[k]!.pid!), abortedAt);
        for (const t of escalation) clearTimeout(t);
        ctx.signal.removeEventListener('abort', onAbort);
        if (reader !== ctx.w) await reader.close().catch(() => undefined);
        board.render(true);
      }

      // What each job did, from the run history (waiting for the file if a job just released it).
      const rows = started.some(Boolean)
        ? await recordedSince(ctx.w, [...new Set(requests.map((r) => r.job.processorName))], Math.min(...items.filter((i) => i.startedAt !== null).map((i) => i.startedAt!)))
        : [];
      const summaries: JobSummary[] = [];
      const broken: string[] = [];
      for (const [k, r] of requests.entries()) {
        const s = started[k];
        if (!s) continue; // never started (an earlier job failed, or Ctrl+C)
        const end = await s.done;
        const latest = latestFor(rows, r.job.processorName, items[k].startedAt!, new Set(expected[k]));
        const outcomes: DateOutcome[] = [];
        for (const [date, row] of [...latest].sort()) {
          if (row.status === 'running') continue;
          outcomes.push({
            date, status: row.status as DateOutcome['status'],
            reason: row.status === 'skipped' ? row.skip_reason ?? undefined : row.status === 'failed' ? errorText(row.errors) : undefined,
            missing: row.missing_dependencies?.length ? row.missing_dependencies : undefined,
            errorType: row.status === 'failed' ? errorTypeOf(row.errors) : undefined,
          });
        }
        const unrecorded = expected[k].filter((d) => !outcomes.some((x) => x.date === d));
        const ms = items[k].finishedAt! - items[k].startedAt!;
        const facts: CommandFacts = { command: commands[k], pid: s.pid, exitCode: end.exitCode, signal: end.signal, log: logs[k], unrecorded };
        const interrupted = stoppedByUs.has(k);
        journal(ctx).write({
          event: 'command', script: ctx.script ?? '', step: ctx.stepId?.() ?? null, job: r.job.job, status: interrupted ? 'interrupted' : 'ended',
          command: commands[k], cwd, pid: s.pid, log: logs[k], exitCode: end.exitCode, signal: end.signal, ms, unrecorded: unrecorded.length,
        });
        summaries.push({
          job: r.job.job, runId: ctx.runId, total: expected[k].length, done: outcomes.length,
          failed: outcomes.filter((x) => x.status === 'failed').length, skipped: outcomes.filter((x) => x.status === 'skipped').length,
          records: [...latest.values()].filter((x) => x.status === 'success').reduce((a, x) => a + (x.records_processed ?? 0), 0),
          statements: 0, interrupted, outcomes, ms, command: facts,
        });
        if (interrupted) {
          // How it ended, as it did: one that finished its last chunk exits with its own code.
          const how = end.signal ? `stopped by ${end.signal}` : `exited with code ${end.exitCode}`;
          ctx.out.warn(`${r.job.job} (pid ${s.pid}) was running at Ctrl+C; ${how} after ${formatDuration(ms)}: ${outcomes.length}/${expected[k].length} date(s) recorded; log: ${logs[k]}`);
          continue;
        }
        if (end.exitCode !== 0) {
          ctx.out.fail(`${r.job.job} exited with ${end.signal ? `signal ${end.signal}` : `code ${end.exitCode}`} after ${formatDuration(ms)} (pid ${s.pid})`);
          ctx.out.info(`  log: ${logs[k]}`);
          ctx.out.info('  last 20 lines:');
          ctx.out.quote(tail(logs[k], 20));
          if (unrecorded.length) broken.push(`${r.job.job} (exit ${end.exitCode ?? end.signal}; ${unrecorded.length} of ${expected[k].length} date(s) without a run-history row; log ${logs[k]})`);
        } else if (unrecorded.length) {
          ctx.out.warn(`${r.job.job} exited 0 but recorded no run history for ${unrecorded.length} of ${expected[k].length} date(s): the validations check its table`);
        }
      }
      const notStarted = requests.filter((_r, k) => !started[k]).map((r) => r.job.job);
      if (notStarted.length && !ctx.signal.aborted) ctx.out.warn(`not started (the previous job did not exit 0): ${notStarted.join(', ')}`);
      if (broken.length && !ctx.signal.aborted) {
        throw new StepFailed(ctx.stepId?.() ?? null, `platform job(s) failed: ${broken.join('; ')}`);
      }
      return summaries;
    },

    async dryRun(ctx, requests) {
      installExitHook();
      const dir = logDir(ctx.opts.journal, ctx.runId);
      const failed: string[] = [];
      await inPool(requests, ctx.opts.maxParallel, async (r) => {
        const args = [...argsFor(ctx, r), '--dry-run'];
        const log = logPath(dir, r.job.job, 'dry-run');
        const s = await start(ctx, args, log);
        const end = await s.done;
        journal(ctx).write({ event: 'command', script: ctx.script ?? '', step: ctx.stepId?.() ?? null, job: r.job.job, status: 'ended', command: show(args), cwd, pid: s.pid, log, exitCode: end.exitCode, signal: end.signal });
        if (end.exitCode !== 0) failed.push(`${r.job.job} (exit ${end.exitCode ?? end.signal}; log ${log})`);
      });
      for (const r of requests) {
        const log = logPath(dir, r.job.job, 'dry-run');
        ctx.out.info(`$ ${show([...argsFor(ctx, r), '--dry-run'])}`);
        // Waiting for the embedded warehouse's lock is noise here (it stays in the log).
        ctx.out.quote(tail(log, 20).filter((x) => !x.startsWith('# ') && !/is in use by another process/.test(x)));
      }
      if (failed.length) throw new StepFailed(ctx.stepId?.() ?? null, `dry run failed: ${failed.join('; ')}`);
    },

    async rawLoadJobs(ctx) {
      listed ??= (async () => {
        const { $ } = await import('zx');
        const r = await $({ cwd, nothrow: true, quiet: true, verbose: false, env: { ...process.env, ...platformEnv(ctx.opts, ctx.runId), COLUMNS: '100' } })`${cmd} --list`;
        return r.exitCode === 0 ? jobsInList(r.stdout) : [];
      })();
      return new Set((await listed).filter((j) => j.startsWith('raw/')));
    },
  };
}

/** The errors column's readable part ({"error": "…"} per our writer; any other text as is). */
function errorText(errors: string | null): string | undefined {
  if (!errors) return undefined;
  try { const j = JSON.parse(errors) as { error?: string }; return j.error ?? errors; } catch { return errors; }
}

/** The errors column's error_type, when the platform wrote one. */
function errorTypeOf(errors: string | null): string | undefined {
  if (!errors) return undefined;
  try { return (JSON.parse(errors) as { error_type?: string }).error_type; } catch { return undefined; }
}

/**
 * Where the board reads from. On the embedded warehouse: a read-only handle
 * that competes for the file like a job does (retrying for at most 1.5 s, then
 * skipping that refresh), holds it for one short query, and lets go.
 */
async function boardReader(w: Warehouse): Promise<Warehouse> {
  if (w.backend !== 'duckdb') return w;
  const { DuckDBWarehouse } = await import('../warehouse/duckdb.ts');
  return new DuckDBWarehouse({ file: (w as InstanceType<typeof DuckDBWarehouse>).file, project: w.project, readOnly: true, busyTimeoutMs: 1_500, askHolder: false });
}

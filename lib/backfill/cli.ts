/**
 * run_backfill.sh's command line, as the original runbook uses it:
 *   run_backfill.sh --list
 *   run_backfill.sh analytics/player_game_summary --start-date=2021-10-19 --end-date=2022-04-10 [--dry-run]
 *   run_backfill.sh analytics/player_game_summary --dates=2021-11-03,2021-11-04
 * Exit codes: 0 every date succeeded or was skipped, 1 some dates failed (or an
 * unexpected failure), 2 bad input.
 */
import { COMMON_OPTIONS, checkDate, checkInCalendar, checkMaxBytesBilled, checkProject, helpText, parseArgv, type OptionSpec } from '../notebook/flags.ts';
import { EXIT, UsageError } from '../notebook/errors.ts';
import { Output } from '../notebook/output.ts';
import { connectWarehouse } from '../notebook/connect.ts';
import { formatRanges } from '../seasons/calendar.ts';
import { WarehouseError } from '../warehouse/types.ts';
import { jobUsage } from '../warehouse/usage.ts';
import { formatBytes } from '../warehouse/bigquery-errors.ts';
import { JOBS, findJob, type RegisteredJob } from '../jobs/registry.ts';
import { planRun, runBackfill, type Strategy } from './runner.ts';
import { shortenMiddle } from '../platform/text.ts';
import { CommandBoard, type BoardItem } from '../platform/board.ts';

const SHARED = new Set(['backend', 'warehouse', 'project', 'location', 'bq-endpoint', 'max-bytes-billed', 'dry-run', 'start-date', 'end-date', 'help', 'json']);

const OPTIONS: OptionSpec[] = [
  { name: 'list', kind: 'flag', help: 'list the registered jobs' },
  { name: 'dates', kind: 'string', valueName: 'D1,D2,…', help: 'process exactly these dates (comma-separated YYYY-MM-DD)' },
  { name: 'strategy', kind: 'string', valueName: 'set|per-date', default: 'set', help: 'set-based (a few statements per run) or one date at a time' },
  ...COMMON_OPTIONS.filter((o) => SHARED.has(o.name)),
];

/** Chunks of a Phase 2/3 run on an embedded file that other processes may share. */
const SHARED_FILE_CHUNKS = 3;

const PHASES: Record<string, string> = { raw: 'phase_2_raw', analytics: 'phase_3_analytics', precompute: 'phase_4_precompute' };

export function resolveJob(name: string): RegisteredJob {
  const job = findJob(name);
  if (job) return job;
  const [phase] = name.split('/');
  if (!name.includes('/') || !(phase in PHASES)) {
    throw new UsageError(`unknown phase in job ${JSON.stringify(name)}; jobs are named <phase>/<name> with phase ${Object.keys(PHASES).join(', ')} (see --list)`);
  }
  const same = JOBS.filter((j) => j.job.startsWith(`${phase}/`)).map((j) => j.job);
  throw new UsageError(`unknown job ${JSON.stringify(name)}; ${phase} jobs: ${same.join(', ')}`);
}

/** --dates: strict YYYY-MM-DD values only; anything else (quotes, SQL) is refused before it can go anywhere. */
export function parseDateList(value: string): string[] {
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (!parts.length) throw new UsageError('--dates is empty; give comma-separated dates like --dates=2021-11-03,2021-11-04');
  for (const d of parts) checkInCalendar('dates', checkDate('dates', d)); // a date outside every season is a typo, not a no_games row to record
  return [...new Set(parts)].sort();
}

/**
 * One line per job, aligned, so `--list | grep precompute` reads like the
 * original. Within 100 columns and readable from 60: the processor name gives
 * way first, then names are shortened in the middle (`analytics/…game_summary`);
 * the legends sit on their own lines, wrapped to the width.
 */
export function listJobs(out: Output, width = listWidth(), jobs: readonly RegisteredJob[] = JOBS): void {
  const w = Math.max(40, Math.min(width, 100));
  const dataset = (j: RegisteredJob) => j.output.name.split('.')[0];
  const runs = (j: RegisteredJob) => (j.phase === 'phase_4_precompute' ? `${j.order}${['st', 'nd', 'rd'][(j.order ?? 4) - 1] ?? 'th'}` : j.phase === 'phase_3_analytics' ? 'parallel' : 'any');
  const rows = jobs.map((j) => [j.job, j.processorName, dataset(j), runs(j)]);
  const head = ['job', 'processor_name', 'dataset', 'runs'];
  const natural = [0, 1, 2, 3].map((k) => Math.max(head[k].length, ...rows.map((r) => r[k].length)));
  const widths = [...natural];
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.filter((x) => x > 0).length - 1);
  // The processor column shrinks first (to 14), then goes; then the job names are shortened in the middle.
  while (total() > w && widths[1] > 14) widths[1]--;
  if (total() > w) widths[1] = 0;
  while (total() > w && widths[0] > 16) widths[0]--;
  const line = (r: string[]) => r.map((c, k) => (widths[k] ? shortenMiddle(c, widths[k]).padEnd(widths[k]) : null))
    .filter((c) => c !== null).join('  ').trimEnd();
  out.line(line(head));
  for (const r of rows) out.line(line(r));
  out.line();
  const legends = [
    'Each job writes <dataset>.<its name>: analytics/player_game_summary writes nba_analytics.player_game_summary; the ML feature store writes nba_predictions.ml_feature_store.',
    'runs: any = a Phase 2 re-load, any time; parallel = Phase 3, all five at once; 1st..5th = Phase 4, strictly in this order, each after the previous finished.',
    ...(widths[1] === 0 ? ['processor_name hidden at this width (it is the run history\'s processor_name); widen the terminal to see it.'] : []),
  ];
  for (const l of legends) for (const part of wrap(l, w)) out.line(part);
}

function listWidth(): number {
  const cols = process.stdout.isTTY ? process.stdout.columns : Number(process.env.COLUMNS) || undefined;
  return cols ?? 100;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    if (cur && cur.length + 1 + word.length > width) { out.push(cur); cur = `  ${word}`; } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) out.push(cur);
  return out;
}

export async function backfillMain(argv: string[]): Promise<number> {
  const out = new Output({ json: false });
  let job: RegisteredJob;
  let flags: ReturnType<typeof parseArgv>['flags'];
  let positionals: string[];
  let dates: string[] | undefined;
  let start: string | undefined;
  let end: string | undefined;
  try {
    ({ flags, positionals } = parseArgv(argv, OPTIONS));
    if (flags.help) { out.line(helpText('run_backfill.sh <phase>/<job> (--start-date=D --end-date=D | --dates=D1,D2) [--dry-run] | --list', OPTIONS)); return EXIT.done; }
    // On BigQuery the Phase 2 re-loads are not offered (their rows are generated, and never go
    // there): the runbook then prints the platform's own load commands for the operator.
    if (flags.list) { listJobs(out, undefined, flags.backend === 'bigquery' ? JOBS.filter((j) => !j.load) : JOBS); return EXIT.done; }
    if (positionals.length !== 1) throw new UsageError(positionals.length ? `one job at a time; got ${positionals.join(' ')}` : 'name a job (see --list), e.g. analytics/player_game_summary');
    job = resolveJob(positionals[0]);
    if (flags.dates !== undefined) {
      if (flags['start-date'] !== undefined || flags['end-date'] !== undefined) throw new UsageError('give either --dates or --start-date/--end-date, not both');
      dates = parseDateList(String(flags.dates));
    } else {
      if (flags['start-date'] === undefined || flags['end-date'] === undefined) throw new UsageError('give --start-date and --end-date, or --dates');
      start = checkDate('start-date', String(flags['start-date']));
      end = checkDate('end-date', String(flags['end-date']));
      if (start > end) throw new UsageError(`the range is reversed: start ${start} is after end ${end}`);
    }
    if (flags.strategy !== 'set' && flags.strategy !== 'per-date') throw new UsageError(`--strategy must be set or per-date, not ${JSON.stringify(flags.strategy)}`);
    if (flags.backend !== 'duckdb' && flags.backend !== 'bigquery') throw new UsageError(`unknown backend ${JSON.stringify(flags.backend)}; valid: duckdb, bigquery`);
    checkProject(String(flags.project));
    // This is the runbook's reference platform: on a real BigQuery project (no emulator endpoint)
    // it would write its rows into the production datasets, so it only lists and dry-runs there.
    if (flags.backend === 'bigquery' && !flags['bq-endpoint'] && !flags['dry-run']) {
      throw new UsageError(`refused: this run_backfill.sh is the runbook's reference platform and never writes a real BigQuery project's datasets; point --backfill-cmd at the platform's own run_backfill.sh (or run the runbook with --runner builtin --sandbox-suffix S)`);
    }
    if (flags['max-bytes-billed'] !== undefined) checkMaxBytesBilled(String(flags['max-bytes-billed']));
  } catch (e) {
    if (e instanceof UsageError) { process.stderr.write(`error: ${e.message}\n`); return e.exitCode; }
    throw e;
  }

  const opts = {
    backend: flags.backend as 'duckdb' | 'bigquery', project: String(flags.project), warehouse: String(flags.warehouse),
    location: flags.location as string | undefined, bqEndpoint: flags['bq-endpoint'] as string | undefined,
    maxBytesBilled: flags['max-bytes-billed'] ? Number(flags['max-bytes-billed']) : undefined,
  };
  const abort = new AbortController();
  const onSigint = () => { process.stderr.write('\nCtrl+C: finishing the current chunk, then stopping…\n'); abort.abort(); };
  process.on('SIGINT', onSigint);
  let w;
  try {
    w = await connectWarehouse(opts as never, out);
    const range = dates ? { dates } : { start, end };
    if (flags['dry-run']) {
      const plan = await planRun(w, job, range);
      out.info(`DRY RUN ${job.job} (${job.processorName} → ${job.output.name}): nothing is written`);
      out.info(`  would process ${plan.gameDates.length} game date(s): ${formatRanges(plan.gameDates) || 'none'}`);
      if (plan.bootstrap.length) out.info(`  would skip ${plan.bootstrap.length} bootstrap date(s): ${formatRanges(plan.bootstrap)}`);
      if (plan.noGames.length) out.info(`  would skip ${plan.noGames.length} date(s) without games: ${plan.noGames.join(', ')}`);
      const req = job.dependencies.filter((d) => d.required).map((d) => d.table);
      if (req.length) out.info(`  checks dependencies first: ${req.join(', ')}`);
      out.info(`  then: ${job.load ? 're-loads each date from the source' : 'per chunk, one transaction: DELETE the dates, INSERT … SELECT, key checks, run history'}`);
      return EXIT.done;
    }
    // The board cuts its line to the terminal's width: a narrow pane never wraps (and garbles) a redraw.
    const state: BoardItem = { label: job.job, expected: 0, done: 0, failed: 0, seen: true, startedAt: Date.now() };
    const board = new CommandBoard(process.stderr, [state]);
    const summary = await runBackfill(w, job, {
      ...range, strategy: flags.strategy as Strategy, signal: abort.signal,
      // Several run_backfill.sh processes may share an embedded file (Step 2's five): it is held per
      // chunk, so between chunks a waiting process can get in before this one's whole run is over.
      // Phase 4 takes one: each of its chunks would re-read the season's history for its windows.
      ...(w.backend === 'duckdb' && job.phase !== 'phase_4_precompute' ? { chunks: SHARED_FILE_CHUNKS } : {}),
      onProgress: (p) => { Object.assign(state, { done: p.done, expected: p.total, failed: p.failed }); board.render(); },
    });
    state.finishedAt = Date.now();
    board.render(true);
    const ok = summary.outcomes.filter((o) => o.status === 'success').length;
    out.info(`${job.job}: ${ok} succeeded, ${summary.failed} failed, ${summary.skipped} skipped; ${summary.records} records; run_id ${summary.runId}; ${summary.statements} statements in ${(summary.ms / 1000).toFixed(1)} s`);
    const usage = jobUsage(w);
    if (usage) out.info(`BigQuery: ${usage.jobs} job(s), ${formatBytes(usage.bytesProcessed)} processed, ${formatBytes(usage.bytesBilled)} billed`);
    const failed = summary.outcomes.filter((o) => o.status === 'failed');
    if (failed.length) {
      out.table(['data_date', 'error'], failed.map((f) => ({ data_date: f.date, error: f.missing ? `DependencyError: ${f.missing.join(', ')}` : (f.reason ?? '').slice(0, 80) })));
      out.info(`re-run only these: ./bin/run_backfill.sh ${job.job} --dates=${failed.map((f) => f.date).join(',')}`);
    }
    if (summary.interrupted) {
      const left = summary.total - summary.done;
      out.warn(`interrupted: ${left} date(s) not started; re-run the same command to finish (completed dates are replaced idempotently)`);
      return EXIT.interrupted;
    }
    return failed.length ? EXIT.failed : EXIT.done;
  } catch (e) {
    if (e instanceof WarehouseError) { process.stderr.write(`error: ${e.message}\n`); return ['BUSY', 'CORRUPT', 'UNWRITABLE', 'NO_CREDENTIALS', 'PERMISSION'].includes(e.code) ? EXIT.badInput : EXIT.failed; }
    process.stderr.write(`error: unexpected failure: ${e instanceof Error ? e.stack : String(e)}\n`);
    return EXIT.failed;
  } finally {
    process.off('SIGINT', onSigint);
    await w?.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  process.exitCode = await backfillMain(process.argv.slice(2));
}

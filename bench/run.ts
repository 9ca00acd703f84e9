/**
 * The speed goals, measured (never asserted in unit tests): prints figures and
 * ratios. `npm run bench` (add `-- --quick` to skip the 10× data run).
 *
 * Goals (issue 15, on an idle 2-core machine):
 *  - seeding four seasons                        goal < 30 s
 *  - script start to first line of output        goal < 300 ms
 *  - step 1.1 on four seasons                    goal < 300 ms
 *  - Phase 3 + 4 core, four seasons, set-based   goal < 4 s
 *  - per-date / set-based, same season           goal ≥ 25×
 *  - the same at 10× the data                    goal: no worse than linear
 *  - 04 --yes over the four seasons, end to end  goal < 6 s
 *  - BigQuery (local server, 1 s a job, sandboxed, --runner builtin), one season:
 *      02 --season 2021-22                       goal ≤ 30 s and ≤ 40 jobs
 *      03 --season 2021-22                       goal ≤ 40 s and ≤ 40 jobs
 *      04 --seasons 2022-23, end to end          figure printed (jobs, bytes, wall)
 *    jobs by kind and bytes (the server's estimate: the columns read × the rows of the
 *    partitions read × 8 bytes, see bench/bigquery.ts) per script; skip with --no-bigquery;
 *    only this section: npx tsx bench/bigquery-only.ts (one script, jobs by step)
 *
 * A figure is only worth printing if the run behind it did its work: a timed run
 * that fails (an error, an unexpected exit code, dates failing for any reason but
 * the seed's known DependencyError gaps, nothing processed) stops the bench with
 * a one-line "bench: FAILED …" and exit 1 — a run failing fast would look fast.
 * Each timed child process is waited for before the next sample starts. The two
 * figures the goals hinge on (Phase 3 + 4 core, 04 end to end) are the median of
 * three runs with the spread beside it: on a shared machine one run can be 20 % off.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { ensureBaseSchema } from '../lib/warehouse/open.ts';
import { seedWarehouse } from '../lib/seed/load.ts';
import { phase2Coverage } from '../lib/queries/phase2.ts';
import { PHASE3_JOBS, PHASE4_JOBS, type RegisteredJob } from '../lib/jobs/registry.ts';
import { runBackfill, type RunSummary, type Strategy } from '../lib/backfill/runner.ts';
import { SEASONS, seasonAsOf, DEFAULT_AS_OF } from '../lib/seasons/calendar.ts';

const quick = process.argv.includes('--quick');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-bench-'));
const ROOT = path.resolve(import.meta.dirname, '..');
const project = 'nba-props-platform';
const rows: [string, string, string][] = [];
const note = (what: string, figure: string, goal: string) => { rows.push([what, figure, goal]); console.log(`${what.padEnd(58)} ${figure.padStart(12)}   ${goal}`); };
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[]) => [...xs].sort((a, b) => a - b).map((x) => (x / 1000).toFixed(2)).join(', ') + ' s';

class BenchFailure extends Error {}
/** Stops the bench: a timed run did not do its work. */
function fail(what: string): never {
  throw new BenchFailure(what);
}

/**
 * A timed backfill must have done its work: every date succeeded or was skipped,
 * except dates lacking upstream data (the seed leaves some Phase 2 gaps, and
 * Phase 4 inherits them), and it processed something unless the data says to
 * skip every date.
 */
function checkRun(label: string, r: RunSummary): void {
  const failed = r.outcomes.filter((o) => o.status === 'failed');
  const other = failed.filter((o) => o.reason !== 'DependencyError');
  const succeeded = r.outcomes.filter((o) => o.status === 'success').length;
  if (r.interrupted) fail(`${label}: ${r.job} was interrupted`);
  if (other.length) fail(`${label}: ${r.job} failed ${other.length} date(s) for another reason than missing upstream data: ${other[0].date} ${other[0].reason ?? ''}`);
  // All skipped for a reason the data gives is no failure: upcoming_player_game_context has no
  // props lines before the seed's odds start (2023), so it skips every 2021-22 date.
  const skippedForAReason = r.outcomes.every((o) => o.status === 'skipped' && o.reason);
  if (r.total > 0 && succeeded === 0 && !skippedForAReason) fail(`${label}: ${r.job} processed none of its ${r.total} date(s) (${failed.length} failed)`);
}

async function seeded(name: string, scale: number): Promise<{ file: string; ms: number }> {
  const file = path.join(dir, `${name}.duckdb`);
  const w = new DuckDBWarehouse({ file, project });
  const t0 = performance.now();
  await w.hold(async () => { await ensureBaseSchema(w); await seedWarehouse(w, { scale }); });
  const ms = performance.now() - t0;
  await w.close();
  return { file, ms };
}

function copy(file: string, name: string): string {
  const to = path.join(dir, `${name}.duckdb`);
  fs.copyFileSync(file, to);
  return to;
}

async function runPhase(file: string, jobs: RegisteredJob[], parallel: boolean, strategy: Strategy, seasons = SEASONS): Promise<{ ms: number; statements: number; dates: number }> {
  const w = new DuckDBWarehouse({ file, project });
  const t0 = performance.now();
  let statements = 0;
  let dates = 0;
  await w.hold(async () => {
    for (const base of seasons) {
      const s = seasonAsOf(base, DEFAULT_AS_OF);
      const one = (j: RegisteredJob) => runBackfill(w, j, { start: s.start, end: s.end, strategy });
      const out = parallel ? await Promise.all(jobs.map(one)) : await jobs.reduce(async (acc, j) => [...(await acc), await one(j)], Promise.resolve([] as Awaited<ReturnType<typeof one>>[]));
      for (const r of out) { checkRun(`${s.id} ${strategy}`, r); statements += r.statements; dates += r.total; }
    }
  });
  const ms = performance.now() - t0;
  await w.close();
  return { ms, statements, dates };
}

/**
 * Milliseconds from spawning to the first text of output. The child is waited
 * for (so it cannot run into the next sample) and must exit with `expectCode`.
 */
function firstOutputMs(args: string[], env: NodeJS.ProcessEnv, expectCode: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(args[0], args.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let first: number | null = null;
    let out = '';
    // The first line with text in it: a blank line printed first does not count.
    const seen = (d: Buffer) => { out += String(d); if (out.trim()) first ??= performance.now() - t0; };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== expectCode) reject(new BenchFailure(`${args.join(' ')} exited ${code ?? signal}, expected ${expectCode}: ${out.trim().split('\n').at(-1) ?? ''}`));
      else if (first === null) reject(new BenchFailure(`${args.join(' ')} printed nothing`));
      else resolve(first);
    });
  });
}

// Loud: any failure ends the bench with one line saying what failed, and exit 1.
process.on('uncaughtException', (e) => {
  console.error(`\nbench: FAILED — ${e instanceof BenchFailure ? e.message : (e as Error).stack ?? String(e)}`);
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});

function runScript(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(args[0], args.slice(1), { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { out += String(d); });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

console.log(`benchmark on ${os.cpus().length} cores, node ${process.version}; scratch ${dir}\n`);

const base = await seeded('seed-x1', 1);
note('seed four seasons (scale 1)', secs(base.ms), 'goal < 30 s');

{
  const file = copy(base.file, 'start');
  const env = { RUNBOOK_WAREHOUSE: file, RUNBOOK_JOURNAL: path.join(dir, 'j.jsonl') };
  const step1 = ['./runbook/01-validate-phase2.mts', '--yes', '--answer', '1.2=stop']; // stops at gate 1.2: exit 3
  // A start with an empty bundle cache builds the bundles first (lib/start/launch.mjs): once per source change.
  const cold = fs.mkdtempSync(path.join(ROOT, 'node_modules/.cache/bench-start-'));
  note('script start to first line, building the bundles first', `${Math.round(await firstOutputMs(step1, { ...env, RUNBOOK_START_CACHE: cold }, 3))} ms`, '(once per change)');
  fs.rmSync(cold, { recursive: true, force: true });
  await firstOutputMs(step1, env, 3); // brings the default cache up to date, not counted
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) samples.push(await firstOutputMs(step1, env, 3));
  samples.sort((a, b) => a - b);
  note('script start to first line of output (median of 3)', `${Math.round(samples[1])} ms`, 'goal < 300 ms');
  const viaTsx: number[] = [];
  for (let i = 0; i < 3; i++) viaTsx.push(await firstOutputMs(step1, { ...env, RUNBOOK_START: 'tsx' }, 3));
  viaTsx.sort((a, b) => a - b);
  note('  the same through tsx, without the bundle (median of 3)', `${Math.round(viaTsx[1])} ms`, `×${(viaTsx[1] / samples[1]).toFixed(1)}`);
}

{
  const w = new DuckDBWarehouse({ file: base.file, project });
  const ctx = { range: { start: '2021-10-01', end: DEFAULT_AS_OF }, season: null, asOf: DEFAULT_AS_OF, project };
  const q = phase2Coverage(ctx);
  const samples: number[] = [];
  await w.hold(async () => {
    for (let i = 0; i < 5; i++) { const t0 = performance.now(); await w.query(q.sql, q.params); samples.push(performance.now() - t0); }
  });
  await w.close();
  samples.sort((a, b) => a - b);
  note('step 1.1 on four seasons (median of 5, file open)', `${Math.round(samples[2])} ms`, 'goal < 300 ms');
}

const p3 = await runPhase(copy(base.file, 'p3-set'), PHASE3_JOBS, true, 'set');
note(`Phase 3, four seasons, set-based (${p3.statements} statements)`, secs(p3.ms), 'goal < 10 s');
{
  // Per-date over four seasons takes minutes; both strategies are timed on the same season for the ratio.
  const one = [SEASONS[0]];
  const set1 = await runPhase(copy(base.file, 'p3-set-1'), PHASE3_JOBS, true, 'set', one);
  const per1 = await runPhase(copy(base.file, 'p3-per-1'), PHASE3_JOBS, true, 'per-date', one);
  note(`Phase 3, ${one[0].id}, set-based (${set1.statements} statements)`, secs(set1.ms), '');
  note(`Phase 3, ${one[0].id}, per-date (${per1.statements} statements)`, secs(per1.ms), '');
  note('ratio per-date / set-based (same season, same run)', `${(per1.ms / set1.ms).toFixed(1)}×`, '');
}

// The machine is shared: a single run can be 20 % off either way. Three runs, each on a fresh copy: the median, and the spread.
const cores: { ms: number; statements: number }[] = [];
for (let i = 0; i < 3; i++) {
  const full = copy(base.file, `p34-set-${i}`);
  const a = await runPhase(full, PHASE3_JOBS, true, 'set');
  const b = await runPhase(full, PHASE4_JOBS, false, 'set');
  cores.push({ ms: a.ms + b.ms, statements: a.statements + b.statements });
}
const x1 = median(cores.map((c) => c.ms));
note(`Phase 3 + 4, four seasons, set-based (${cores[0].statements} statements), median of 3`, secs(x1), `goal < 4 s (runs ${spread(cores.map((c) => c.ms))})`);
{
  const one = [SEASONS[0]];
  const f = copy(base.file, 'p34-per-1');
  const s1 = copy(base.file, 'p34-set-1');
  const set = (await runPhase(s1, PHASE3_JOBS, true, 'set', one)).ms + (await runPhase(s1, PHASE4_JOBS, false, 'set', one)).ms;
  const per = (await runPhase(f, PHASE3_JOBS, true, 'per-date', one)).ms + (await runPhase(f, PHASE4_JOBS, false, 'per-date', one)).ms;
  note(`Phase 3 + 4, ${one[0].id}: per-date / set-based`, `${(per / set).toFixed(1)}×`, `goal ≥ 25× (${secs(per)} vs ${secs(set)})`);
}

// ---- BigQuery: jobs, bytes and wall per phase for one season, and Step 4 for another (bench/bigquery.ts) ----
if (!process.argv.includes('--no-bigquery')) {
  const { benchBigQuery, describeKinds, formatBytes } = await import('./bigquery.ts');
  const latency = Number(process.env.BENCH_BQ_LATENCY_MS ?? 1000);
  const phases = await benchBigQuery(copy(base.file, 'bq'), '2021-22', '2022-23', latency).catch((e: Error) => fail(`BigQuery section: ${e.message}`));
  const goals: Record<string, string> = { '02-phase3': 'goal ≤ 30 s, ≤ 40 jobs', '03-phase4': 'goal ≤ 40 s, ≤ 40 jobs', '04-remaining-seasons': '(end to end)' };
  const what: Record<string, string> = { '02-phase3': '02-phase3 --season 2021-22', '03-phase4': '03-phase4 --season 2021-22', '04-remaining-seasons': '04 --seasons 2022-23' };
  for (const ph of phases) {
    note(`BigQuery ${what[ph.script]}, ${latency} ms/job: ${ph.jobs} jobs`, secs(ph.ms), goals[ph.script]);
    note(`  ${ph.script} bytes processed (the server's estimate)`, formatBytes(ph.bytes), 'columns read × rows in the partitions read × 8 B');
    console.log(`    jobs: ${describeKinds(ph.byKind)}`);
  }
}

if (!quick) {
  const big = await seeded('seed-x10', 10);
  note('seed four seasons at 10× the data', secs(big.ms), '');
  const a10 = await runPhase(big.file, PHASE3_JOBS, true, 'set');
  const b10 = await runPhase(big.file, PHASE4_JOBS, false, 'set');
  const x10 = a10.ms + b10.ms;
  note('Phase 3 + 4, four seasons, 10× data, set-based', secs(x10), '');
  note('time ratio 10× data / 1× data', `${(x10 / x1).toFixed(1)}×`, 'goal ≤ 10× (no worse than linear)');
}

// ── Issue 11: Step 4 through the platform's own command vs the in-process reference platform ──
// The same script, the same seeded data, one after the other; then the two warehouses are compared.
{
  const answers = ['--yes', '--answer', '2.4.1=document:bench', '--answer', '3.4.1=document:bench', '--answer', '4.2.1=proceed', '--answer', '3.3.2=document:bench'];
  const step4 = async (name: string, runner: string[]) => {
    const file = copy(base.file, name);
    const t0 = performance.now();
    const r = await runScript(['./runbook/04-remaining-seasons.mts', ...answers, ...runner], { RUNBOOK_WAREHOUSE: file, RUNBOOK_JOURNAL: path.join(dir, `${name}.jsonl`) });
    const ms = performance.now() - t0;
    if (r.code !== 0) throw new BenchFailure(`Step 4 ${runner.join(' ')} exited ${r.code}:\n${r.out.slice(-3000)}`);
    return { file, ms };
  };
  const builtins: Awaited<ReturnType<typeof step4>>[] = [];
  for (let i = 0; i < 3; i++) builtins.push(await step4(`step4-builtin-${i}`, ['--runner', 'builtin']));
  const builtin = builtins.find((r) => r.ms === median(builtins.map((b) => b.ms)))!;
  const command = await step4('step4-command', ['--runner', 'command', '--backfill-cmd', './bin/run_backfill.sh']);
  note('04 --yes, four seasons end to end, --runner builtin, median of 3', secs(builtin.ms), `goal < 6 s (runs ${spread(builtins.map((b) => b.ms))})`);
  note('Step 4, four seasons, --runner command (./bin/run_backfill.sh)', secs(command.ms), '');
  note('ratio command / builtin (same run)', `${(command.ms / builtin.ms).toFixed(2)}×`, 'goal ≤ 2×');
  const { tableDifference, latestStates } = await import('../test/support/inspect.ts');
  const differ: string[] = [];
  for (const j of [...PHASE3_JOBS, ...PHASE4_JOBS]) {
    const d = await tableDifference(builtin.file, command.file, j.output.name, [j.output.dateColumn, ...j.output.keys]);
    if (d) differ.push(d);
  }
  const strip = (rows: Record<string, unknown>[]) => JSON.stringify(rows.map(({ processor_name, data_date, status, skip_reason }) => [processor_name, data_date, status, skip_reason]));
  if (strip(await latestStates(builtin.file)) !== strip(await latestStates(command.file))) differ.push('latest run-history states');
  note('Step 4 tables and latest states, command vs builtin', differ.length ? `DIFFER: ${differ.join(', ')}` : 'identical', 'identical');
}

fs.rmSync(dir, { recursive: true, force: true });
console.log('\nfigure | value | goal');
for (const [w, f, g] of rows) console.log(`${w} | ${f} | ${g}`);

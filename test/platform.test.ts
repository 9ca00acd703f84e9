/**
 * The command runner, with our bin/run_backfill.sh as "the platform", as real
 * subprocesses: what it passes, in what order, what it records, and that the
 * tables equal the builtin runner's. The small fake platforms that misbehave
 * are in platform-faults.test.ts (a file of its own, so the two run side by side).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandbox, scriptAsync as script } from './support/scripts.ts';
import { command } from './support/fake-platform.ts';
import { latestStates, tableDifference, withWarehouse } from './support/inspect.ts';
import { readJournal } from '../lib/notebook/journal.ts';
import { once } from './support/shared.ts';
import { PHASE3_JOBS, PHASE4_JOBS } from '../lib/jobs/registry.ts';


interface Trace { start: number; end: number; pid: number; code: number; args: string }
function readTrace(file: string): Trace[] {
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => {
    const [start, end, pid, code, ...args] = l.split(' ');
    return { start: Number(start), end: Number(end), pid: Number(pid), code: Number(code), args: args.join(' ') };
  });
}

async function historyCount(file: string): Promise<number> {
  return withWarehouse(file, async (w) => (await w.query<{ n: number }>('SELECT COUNT(*) AS n FROM `nba-props-platform.nba_reference.processor_run_history`')).rows[0].n);
}

/**
 * One backfill through the platform's run_backfill.sh (traced.sh), read by the
 * first three tests: a dry run stopped at 2.1.1, then Step 2 from 2.1.2, then
 * Step 3; beside it the same range through the builtin runner. Five weeks from
 * the season's start: successes, bootstrap skips and dependency failures
 * (team box scores missing on 2021-11-17).
 */
const WIDE = ['--start-date', '2021-10-19', '--end-date', '2021-11-20'];
const WIDE_DAYS = 33; // 2021-10-19..2021-11-20: 13 days of October, 20 of November
const P3_ANSWERS = ['--answer', '2.4.1=document:team box scores missing at the source'];
const P4_ANSWERS = ['--answer', '3.4.1=document:upstream gaps', '--answer', '3.3.2=document:a five-week range is still ramping'];

const throughBuiltin = once(async () => {
  const sb = sandbox();
  const p3 = await script('02-phase3', [...WIDE, '--yes', ...P3_ANSWERS], sb);
  const p4 = await script('03-phase4', [...WIDE, '--yes', ...P4_ANSWERS], sb);
  return { sb, p3, p4 };
});

const throughPlatform = once(async () => {
  void throughBuiltin(); // its own copy, on the side: the file's slowest chain is this one
  const sb = sandbox();
  const trace = path.join(sb.dir, 'trace');
  const env = { PLATFORM_TRACE: trace };
  const taken = () => { const t = readTrace(trace); fs.rmSync(trace); return t; };

  const historyBefore = await historyCount(sb.warehouse);
  const dry = await script('02-phase3', [...WIDE, ...command('traced.sh'), '--answer', '2.1.1=stop'], sb, env);
  const dryCalls = taken();
  const historyAfterDry = await historyCount(sb.warehouse);

  // The dry run's "stop" at 2.1.1 stays recorded: --from 2.1.2 asks it again and --yes does not overrule a stop, so answer it.
  const p3 = await script('02-phase3', [...WIDE, ...command('traced.sh'), '--yes', '--from', '2.1.2', '--answer', '2.1.1=run', ...P3_ANSWERS], sb, env);
  const p3Calls = taken();
  const p3States = await latestStates(sb.warehouse);

  const p4 = await script('03-phase4', [...WIDE, ...command('traced.sh'), '--yes', ...P4_ANSWERS], sb, env);
  const p4Calls = taken();
  return { sb, historyBefore, dry, dryCalls, historyAfterDry, p3, p3Calls, p3States, p4, p4Calls };
});

describe('the command runner drives the platform\'s run_backfill.sh', () => {
  it('2.1 passes --dry-run through and writes nothing', async () => {
    const { dry, dryCalls, historyBefore, historyAfterDry } = await throughPlatform();
    // Dry run, then stop at the confirmation: the platform saw --dry-run five times, and nothing was recorded.
    expect(dry.code, dry.stderr).toBe(3);
    expect(dryCalls.map((t) => t.args.split(' ')[0]).sort()).toEqual(PHASE3_JOBS.map((j) => j.job).sort());
    for (const t of dryCalls) expect(t.args).toMatch(/--start-date=2021-10-19 --end-date=2021-11-20 --dry-run$/);
    expect(dry.stdout).toContain('DRY RUN analytics/player_game_summary');
    expect(historyAfterDry).toBe(historyBefore);
  }, 600_000);

  it('2.1.2 has the five alive at once, each journalled with its pid, exit code and log; Step 3 starts each job only after the previous exited', async () => {
    const { sb, p3, p3Calls, p3States, p4, p4Calls } = await throughPlatform();
    expect(p3.code, p3.stdout + p3.stderr).toBe(0);
    const runs = p3Calls.filter((t) => !t.args.endsWith('--dry-run')); // 2.1's dry runs are read-only and run first
    expect(runs).toHaveLength(5);
    expect(new Set(runs.map((r) => r.pid)).size).toBe(5);
    // Alive at the same time: every one started before any one ended.
    expect(Math.max(...runs.map((r) => r.start))).toBeLessThan(Math.min(...runs.map((r) => r.end)));
    for (const r of runs) expect(r.args).toMatch(/^analytics\/\w+ --start-date=2021-10-19 --end-date=2021-11-20$/);

    // The journal records each command with its pid, exit code, duration and log; the log holds the job's output.
    const ended = readJournal(sb.journal).filter((e) => e.event === 'command' && e.status === 'ended' && e.step === '2.1.2');
    expect(ended.map((e) => e.job).sort()).toEqual(PHASE3_JOBS.map((j) => j.job).sort());
    // Its exit code is the platform's own (traced.sh wrote it): 1 for the two jobs whose run history holds the
    // dependency failures of 2021-11-17, 0 for the other three.
    const failedJobs = new Set(p3States.filter((s) => s.status === 'failed').map((s) => PHASE3_JOBS.find((j) => j.processorName === s.processor_name)?.job));
    expect([...failedJobs].sort()).toEqual(['analytics/team_defense_game_summary', 'analytics/team_offense_game_summary']);
    for (const e of ended) {
      // The wrapper's pid is the process the runbook started (bash runs it as the group leader).
      const traced = runs.find((r) => r.pid === e.pid);
      expect(traced, `${String(e.job)}: pid ${String(e.pid)}`).toBeDefined();
      expect(e.exitCode, String(e.job)).toBe(traced!.code);
      expect(e.exitCode, String(e.job)).toBe(failedJobs.has(String(e.job)) ? 1 : 0);
      expect(Number(e.ms)).toBeGreaterThan(0);
      expect(String(e.log)).toMatch(new RegExp(`/logs/02-phase3-[^/]+/${String(e.job)}\\.log$`));
      expect(fs.readFileSync(String(e.log), 'utf8')).toContain(`${String(e.job)}: `);
    }
    // Latest states come from what the platform recorded: one per job and calendar day of the range.
    expect(p3States.filter((s) => PHASE3_JOBS.some((j) => j.processorName === s.processor_name))).toHaveLength(5 * WIDE_DAYS);

    expect(p4.code, p4.stdout + p4.stderr).toBe(0);
    expect(p4Calls.map((t) => t.args.split(' ')[0])).toEqual(PHASE4_JOBS.map((j) => j.job));
    for (let k = 1; k < p4Calls.length; k++) expect(p4Calls[k].start, `${p4Calls[k].args} started before ${p4Calls[k - 1].args} ended`).toBeGreaterThanOrEqual(p4Calls[k - 1].end);
  }, 600_000);

  it('gives the same tables and latest states as the builtin runner', async () => {
    const [{ sb: b, p3: rb, p4: qb }, { sb: a, p3: ra, p4: qa }] = await Promise.all([throughPlatform(), throughBuiltin()]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    expect(qa.code, qa.stderr).toBe(0);
    expect(qb.code, qb.stdout + qb.stderr).toBe(0);
    for (const j of [...PHASE3_JOBS, ...PHASE4_JOBS]) {
      // Keys identify a row within a date (team_abbr alone repeats across analysis dates): order by the date too.
      const order = [j.output.dateColumn, ...j.output.keys];
      expect(await tableDifference(a.warehouse, b.warehouse, j.output.name, order)).toBeNull();
    }
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ processor_name, data_date, status, skip_reason, missing_dependencies }) => ({ processor_name, data_date, status, skip_reason, missing_dependencies }));
    expect(strip(await latestStates(b.warehouse))).toEqual(strip(await latestStates(a.warehouse)));
    // Not a vacuous match: the range has successes, bootstrap skips and dependency failures.
    const statuses = new Set((await latestStates(a.warehouse)).map((s) => `${s.status}:${s.skip_reason ?? ''}`));
    expect([...statuses]).toEqual(expect.arrayContaining(['success:', 'skipped:bootstrap', 'failed:']));
  }, 600_000);
});

/**
 * The command runner, with our bin/run_backfill.sh as "the platform" and small
 * fake platforms (test/fixtures/platform), all as real subprocesses.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, sandbox, scriptAsync as script, type Ran, type Sandbox } from './support/scripts.ts';
import { latestStates, tableChecksum, withWarehouse } from './support/inspect.ts';
import { readJournal } from '../lib/notebook/journal.ts';
import { PHASE3_JOBS, PHASE4_JOBS } from '../lib/jobs/registry.ts';

const FIX = path.join(ROOT, 'test/fixtures/platform');
const RANGE = ['--start-date', '2021-11-01', '--end-date', '2021-11-07'];
const command = (fixture: string) => ['--runner', 'command', '--backfill-cmd', path.join(FIX, fixture)];

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

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

describe('the command runner drives the platform\'s run_backfill.sh', () => {
  it('2.1 passes --dry-run through and writes nothing; 2.1.2 has the five alive at once; Step 3 starts each job only after the previous exited', async () => {
    const sb = sandbox();
    const trace = path.join(sb.dir, 'trace');
    const env = { PLATFORM_TRACE: trace };

    // Dry run, then stop at the confirmation: the platform saw --dry-run five times, and nothing was recorded.
    const before = await historyCount(sb.warehouse);
    const dry = await script('02-phase3', [...RANGE, ...command('traced.sh'), '--answer', '2.1.1=stop'], sb, env);
    expect(dry.code, dry.stderr).toBe(3);
    const dryCalls = readTrace(trace);
    expect(dryCalls.map((t) => t.args.split(' ')[0]).sort()).toEqual(PHASE3_JOBS.map((j) => j.job).sort());
    for (const t of dryCalls) expect(t.args).toMatch(/--start-date=2021-11-01 --end-date=2021-11-07 --dry-run$/);
    expect(dry.stdout).toContain('DRY RUN analytics/player_game_summary');
    expect(await historyCount(sb.warehouse)).toBe(before);
    fs.rmSync(trace);

    // The dry run's "stop" at 2.1.1 stays recorded: --from 2.1.2 asks it again and --yes does not overrule a stop, so answer it.
    const p3 = await script('02-phase3', [...RANGE, ...command('traced.sh'), '--yes', '--from', '2.1.2', '--answer', '2.1.1=run'], sb, env);
    expect(p3.code, p3.stdout + p3.stderr).toBe(0);
    const runs = readTrace(trace).filter((t) => !t.args.endsWith('--dry-run')); // 2.1's dry runs are read-only and run first
    expect(runs).toHaveLength(5);
    expect(new Set(runs.map((r) => r.pid)).size).toBe(5);
    // Alive at the same time: every one started before any one ended.
    expect(Math.max(...runs.map((r) => r.start))).toBeLessThan(Math.min(...runs.map((r) => r.end)));
    for (const r of runs) expect(r.args).toMatch(/^analytics\/\w+ --start-date=2021-11-01 --end-date=2021-11-07$/);

    // The journal records each command with its pid, exit code, duration and log; the log holds the job's output.
    const ended = readJournal(sb.journal).filter((e) => e.event === 'command' && e.status === 'ended' && e.step === '2.1.2');
    expect(ended.map((e) => e.job).sort()).toEqual(PHASE3_JOBS.map((j) => j.job).sort());
    for (const e of ended) {
      expect(e.exitCode).toBe(0);
      expect(Number(e.ms)).toBeGreaterThan(0);
      // The wrapper's pid is the process the runbook started (bash runs it as the group leader).
      expect(runs.map((r) => r.pid)).toContain(e.pid);
      expect(String(e.log)).toMatch(new RegExp(`/logs/02-phase3-[^/]+/${String(e.job)}\\.log$`));
      expect(fs.readFileSync(String(e.log), 'utf8')).toContain(`${String(e.job)}: `);
    }
    // Latest states come from what the platform recorded: seven dates per job.
    const states = await latestStates(sb.warehouse);
    expect(states.filter((s) => PHASE3_JOBS.some((j) => j.processorName === s.processor_name))).toHaveLength(5 * 7);

    fs.rmSync(trace);
    // Player shot zones succeed with 0 rows on 2021-11-01, so the three jobs after fail it (DependencyError); under --yes 3.4.1
    // re-runs them (extra platform calls), then stops. This test is about the order of 3.1's jobs: document them instead.
    const p4 = await script('03-phase4', [...RANGE, ...command('traced.sh'), '--yes', '--answer', '3.4.1=document:early-season dependency gaps'], sb, env);
    expect(p4.code, p4.stdout + p4.stderr).toBe(0);
    const seq = readTrace(trace);
    expect(seq.map((t) => t.args.split(' ')[0])).toEqual(PHASE4_JOBS.map((j) => j.job));
    for (let k = 1; k < seq.length; k++) expect(seq[k].start, `${seq[k].args} started before ${seq[k - 1].args} ended`).toBeGreaterThanOrEqual(seq[k - 1].end);
  }, 600_000);

  it('gives the same tables and latest states as the builtin runner', async () => {
    const a = sandbox();
    const b = sandbox();
    const range = ['--start-date', '2021-10-19', '--end-date', '2021-11-20', '--yes'];
    const args3 = [...range, '--answer', '2.4.1=document:team box scores missing at the source'];
    const args4 = [...range, '--answer', '3.4.1=document:upstream gaps', '--answer', '3.3.2=document:a five-week range is still ramping'];
    const env = { PLATFORM_TRACE: path.join(b.dir, 'trace') };
    const [ra, rb] = [await script('02-phase3', args3, a), await script('02-phase3', [...args3, ...command('traced.sh')], b, env)];
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    const [qa, qb] = [await script('03-phase4', args4, a), await script('03-phase4', [...args4, ...command('traced.sh')], b, env)];
    expect(qa.code, qa.stderr).toBe(0);
    expect(qb.code, qb.stdout + qb.stderr).toBe(0);
    for (const j of [...PHASE3_JOBS, ...PHASE4_JOBS]) {
      // Keys identify a row within a date (team_abbr alone repeats across analysis dates): order by the date too.
      const order = [j.output.dateColumn, ...j.output.keys];
      const [x, y] = [await tableChecksum(a.warehouse, j.output.name, order), await tableChecksum(b.warehouse, j.output.name, order)];
      expect(y, j.output.name).toEqual(x);
    }
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ processor_name, data_date, status, skip_reason, missing_dependencies }) => ({ processor_name, data_date, status, skip_reason, missing_dependencies }));
    expect(strip(await latestStates(b.warehouse))).toEqual(strip(await latestStates(a.warehouse)));
    // Not a vacuous match: the range has successes, bootstrap skips and dependency failures.
    const statuses = new Set((await latestStates(a.warehouse)).map((s) => `${s.status}:${s.skip_reason ?? ''}`));
    expect([...statuses]).toEqual(expect.arrayContaining(['success:', 'skipped:bootstrap', 'failed:']));
  }, 600_000);
});

describe('when the platform misbehaves', () => {
  it('a job that exits 1 with a message fails the step, showing the message, the exit code and the log path', async () => {
    const sb = sandbox();
    const r = await script('03-phase4', [...RANGE, ...command('fails.sh'), '--yes'], sb);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('precompute/team_defense_zone_analysis exited with code 1');
    expect(r.stdout).toContain('| FATAL: cannot reach the platform\'s scheduler (quota exceeded for project)');
    const log = /log: (\S+team_defense_zone_analysis\.log)/.exec(r.stdout)?.[1];
    expect(log).toBeDefined();
    expect(fs.readFileSync(log!, 'utf8')).toContain('FATAL: cannot reach');
    expect(r.stdout).toMatch(/resume with: \.\/runbook\/03-phase4\.mts .* --from 3\.1\.1/);
    // Strictly one after another: the failed job stopped the sequence.
    expect(readJournal(sb.journal).filter((e) => e.event === 'command' && e.status === 'started').map((e) => e.job)).toEqual(['precompute/team_defense_zone_analysis']);
  }, 300_000);

  it('a job that writes no run history: the board says so, never a bar', async () => {
    const sb = sandbox();
    const r = await script('02-phase3', [...RANGE, ...command('silent.sh'), '--yes', '--from', '2.1.2', '--answer', '2.4.1=document:x'], sb, { PLATFORM_SLEEP: '2' });
    expect(r.stdout).toMatch(/analytics\/player_game_summary\s+no run history yet \d+s exit 0/);
    expect(r.stdout).not.toMatch(/analytics\/player_game_summary\s+\[[#.]+\]/);
    expect(r.stdout).toContain('analytics/player_game_summary exited 0 but recorded no run history for 7 of 7 date(s)');
  }, 300_000);

  it('one that hangs: Ctrl+C stops every process group (SIGINT, then SIGTERM), prints the resume command, and the resume completes', async () => {
    const sb = sandbox();
    const pids = path.join(sb.dir, 'pids');
    const marker = path.join(sb.dir, 'marker');
    const env = { PLATFORM_PIDS: pids, PLATFORM_MARKER: marker, RUNBOOK_STOP_GRACE_MS: '1500' };
    const args = [...RANGE, ...command('hangs.sh'), '--yes'];
    const child = spawn(path.join(ROOT, 'runbook/02-phase3.mts'), args, {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1', RUNBOOK_WAREHOUSE: sb.warehouse, RUNBOOK_JOURNAL: sb.journal, TMUX: '', STY: '', ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { out += String(d); });
    const exited = new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
    const deadline = Date.now() + 240_000;
    while (!(fs.existsSync(pids) && fs.readFileSync(pids, 'utf8').trim().split('\n').length >= 5)) {
      if (Date.now() > deadline) throw new Error(`the five hanging jobs never started:\n${out}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const hung = fs.readFileSync(pids, 'utf8').trim().split(/\s+/).map(Number);
    expect(hung.every(alive)).toBe(true);
    child.kill('SIGINT');
    const code = await exited;
    expect(code, out).toBe(130);
    expect(out).toMatch(/stopping 5 platform job\(s\): SIGINT now, SIGTERM after/);
    // No orphan: neither the jobs nor their children survive the runbook.
    expect(hung.filter(alive)).toEqual([]);
    expect(out).toMatch(/analytics\/player_game_summary \(pid \d+\) was running; stopped after/);
    expect(readJournal(sb.journal).filter((e) => e.event === 'command' && e.status === 'interrupted')).toHaveLength(5);

    const resume = /resume with: (\.\/runbook\/02-phase3\.mts .*--from 2\.1\.2)/.exec(out)?.[1];
    expect(resume).toBeDefined();
    fs.writeFileSync(marker, ''); // the platform works now
    const argv = resume!.split(' ');
    const again: Ran = await script('02-phase3', [...argv.slice(1), '--answer', '2.4.1=document:x'], sb as Sandbox, env);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const states = await latestStates(sb.warehouse, 'PlayerGameSummaryProcessor');
    expect(states.map((s) => s.status)).toEqual(Array(7).fill('success'));
  }, 600_000);
});

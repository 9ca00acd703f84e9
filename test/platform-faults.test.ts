/**
 * The command runner facing platforms that misbehave (test/fixtures/platform):
 * a job that fails, one that records nothing, one that hangs through Ctrl+C,
 * all as real subprocesses.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, sandbox, scriptAsync as script, type Ran, type Sandbox } from './support/scripts.ts';
import { latestStates } from './support/inspect.ts';
import { command } from './support/fake-platform.ts';
import { readJournal } from '../lib/notebook/journal.ts';

const RANGE = ['--start-date', '2021-11-01', '--end-date', '2021-11-07'];

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

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
    // It ignores SIGINT: SIGTERM is what ended it, and the line says so.
    expect(out).toMatch(/analytics\/player_game_summary \(pid \d+\) was running at Ctrl\+C; stopped by SIGTERM after \d+s: 0\/7 date\(s\) recorded/);
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

/**
 * Concurrent use of the embedded warehouse, as the original runbook does it:
 * backfills in two terminals and a monitor in a third. DuckDB lets one process
 * hold the file at a time; each process holds it only while a chunk runs and
 * the others wait and retry, so all three finish, with correct results.
 *
 * "They waited for each other" is shown from what the processes themselves
 * recorded, not assumed: a process that finds the file held prints the
 * holder's pid and that it waits (the parent notes when each line arrives and
 * when each process exits), and each backfill's run history rows carry its pid
 * and the times it worked.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, backfillAsync, sandbox, type Sandbox } from './support/scripts.ts';
import { tableDifference, withWarehouse } from './support/inspect.ts';
import { p } from '../lib/warehouse/params.ts';

interface Finished { pid: number; code: number | null; out: string; lines: { at: number; text: string }[]; exitedAt: number }

function start(sb: Sandbox, cmd: string, args: string[]): { pid: number; done: Promise<Finished> } {
  const child = spawn(path.join(ROOT, cmd), args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', RUNBOOK_WAREHOUSE: sb.warehouse, RUNBOOK_JOURNAL: sb.journal } });
  let out = '';
  const lines: Finished['lines'] = [];
  let partial = '';
  child.stdout.on('data', (d) => { out += String(d); });
  // Each stderr line with the time it arrived here: the waiting notice goes there.
  child.stderr.on('data', (d) => {
    out += String(d);
    const parts = (partial + String(d)).split(/\r|\n/);
    partial = parts.pop()!;
    for (const text of parts) if (text) lines.push({ at: Date.now(), text });
  });
  const done = new Promise<Finished>((resolve) => {
    child.on('exit', (code) => resolve({ pid: child.pid!, code, out, lines, exitedAt: Date.now() }));
  });
  return { pid: child.pid!, done };
}

const SEASON = ['--start-date=2022-10-18', '--end-date=2023-04-09'];
const WAITING = /in use by another process \(pid (\d+)\); waiting for it to finish/;

describe('two backfills and a monitor on one embedded warehouse', () => {
  it('all finish, each waits its turn while another holds the file, and each table equals a run made alone', async () => {
    const alone = sandbox();
    expect((await backfillAsync(['analytics/player_game_summary', ...SEASON], alone)).code).toBe(0);
    expect((await backfillAsync(['analytics/upcoming_team_game_context', ...SEASON], alone)).code).toBe(0);

    const sb = sandbox();
    const a = start(sb, 'bin/run_backfill.sh', ['analytics/player_game_summary', ...SEASON]);
    const b = start(sb, 'bin/run_backfill.sh', ['analytics/upcoming_team_game_context', ...SEASON]);
    await new Promise((r) => setTimeout(r, 1500));
    const m = start(sb, 'runbook/monitor.mts', ['--once']);
    const [ra, rb, rm] = await Promise.all([a.done, b.done, m.done]);
    expect(ra.code, ra.out).toBe(0);
    expect(rb.code, rb.out).toBe(0);
    expect(rm.code, rm.out).toBe(0);
    for (const r of [ra, rb, rm]) expect(r.out).not.toMatch(/unexpected failure|Conflict|corrupt/i);

    // Someone found the file held by one of the OTHER two processes, said so,
    // and waited while that process was still running (before it exited) —
    // rather than failing, or working on the file alongside it.
    const all = [ra, rb, rm];
    const waits = all.flatMap((waiter) => waiter.lines.flatMap(({ at, text }) => {
      const pid = WAITING.exec(text)?.[1];
      return pid ? [{ waiter: waiter.pid, holder: Number(pid), at }] : [];
    }));
    expect(waits.length, all.map((r) => r.out).join('\n---\n')).toBeGreaterThan(0);
    for (const w of waits) {
      const holder = all.find((r) => r.pid === w.holder);
      expect(holder, `pid ${w.holder} named as holder is one of the three processes`).toBeDefined();
      expect(w.holder).not.toBe(w.waiter);
      expect(w.at).toBeLessThanOrEqual(holder!.exitedAt);
    }

    // Each backfill recorded its own work (history rows by pid). Whether they also took turns
    // chunk by chunk is not promised: a holder may take the file back between its chunks before
    // a waiter's next try (on an idle machine it often does), so only the wait above is asserted.
    const spans = await withWarehouse(sb.warehouse, async (w) => (await w.query<{ pid: number }>(
      `SELECT DISTINCT pid FROM \`nba-props-platform.nba_reference.processor_run_history\`
       WHERE pid IN UNNEST(@pids)`, { pids: p.ints([ra.pid, rb.pid]) })).rows);
    expect(spans.map((s) => s.pid).sort()).toEqual([ra.pid, rb.pid].sort());

    for (const [table, keys] of [['nba_analytics.player_game_summary', ['game_id', 'player_lookup']], ['nba_analytics.upcoming_team_game_context', ['game_id', 'team_abbr']]] as const) {
      expect(await tableDifference(alone.warehouse, sb.warehouse, table, [...keys])).toBeNull();
    }
  }, 240_000); // five season runs of child processes: slow on a loaded two-core machine
});

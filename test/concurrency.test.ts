/**
 * Concurrent use of the embedded warehouse, as the original runbook does it:
 * backfills in two terminals and a monitor in a third. DuckDB lets one process
 * hold the file at a time; each process holds it only while a chunk runs and
 * the others wait and retry, so all three finish, with correct results.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, backfill, sandbox, type Sandbox } from './support/scripts.ts';
import { tableChecksum } from './support/inspect.ts';

function start(sb: Sandbox, cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, cmd), args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', RUNBOOK_WAREHOUSE: sb.warehouse, RUNBOOK_JOURNAL: sb.journal } });
    let out = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { out += String(d); });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

const SEASON = ['--start-date=2022-10-18', '--end-date=2023-04-09'];

describe('two backfills and a monitor on one embedded warehouse', () => {
  it('all finish, nothing crashes, and each table equals a run made alone', async () => {
    const alone = sandbox();
    expect(backfill(['analytics/player_game_summary', ...SEASON], alone).code).toBe(0);
    expect(backfill(['analytics/upcoming_team_game_context', ...SEASON], alone).code).toBe(0);

    const sb = sandbox();
    const a = start(sb, 'bin/run_backfill.sh', ['analytics/player_game_summary', ...SEASON]);
    const b = start(sb, 'bin/run_backfill.sh', ['analytics/upcoming_team_game_context', ...SEASON]);
    await new Promise((r) => setTimeout(r, 1500));
    const m = start(sb, 'runbook/monitor.mts', ['--once']);
    const [ra, rb, rm] = await Promise.all([a, b, m]);
    expect(ra.code, ra.out).toBe(0);
    expect(rb.code, rb.out).toBe(0);
    expect(rm.code, rm.out).toBe(0);
    for (const r of [ra, rb, rm]) expect(r.out).not.toMatch(/unexpected failure|Conflict|corrupt/i);

    for (const [table, keys] of [['nba_analytics.player_game_summary', ['game_id', 'player_lookup']], ['nba_analytics.upcoming_team_game_context', ['game_id', 'team_abbr']]] as const) {
      expect(await tableChecksum(sb.warehouse, table, [...keys])).toEqual(await tableChecksum(alone.warehouse, table, [...keys]));
    }
  });
});

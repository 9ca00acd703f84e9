/**
 * A killed run's 'running' rows are closed by the next run of any script that
 * writes the run history, whatever the phase; a run history of the older
 * schema (no host, pid) is migrated by the first script that writes.
 */
import { describe, expect, it } from 'vitest';
import { backfill, script, sandbox } from './support/scripts.ts';
import { withWarehouse } from './support/inspect.ts';

const H = '`nba-props-platform.nba_reference.processor_run_history`';
const runningRows = (file: string) => withWarehouse(file, async (w) =>
  (await w.query<{ phase: string; n: number }>(`SELECT phase, COUNT(*) AS n FROM ${H} WHERE status = 'running' GROUP BY phase`)).rows);

describe('abandoned running rows', () => {
  it('kill -9 during 01\'s Phase 2 re-load: the next Phase 3 run closes its rows as abandoned', async () => {
    const sb = sandbox();
    const killed = script('01-validate-phase2', ['--answer', '1.2=fix', '--answer', '1.3.2=run'], sb, { RUNBOOK_CRASH_AT: 'before-transaction' });
    expect(killed.code, killed.stderr).toBe(-1); // SIGKILL: no exit code
    const left = await runningRows(sb.warehouse);
    expect(left.map((r) => r.phase)).toEqual(['phase_2_raw']);
    const n = left[0].n;
    expect(n).toBeGreaterThan(0);

    const r = backfill(['analytics/player_game_summary', '--dates=2021-11-03'], sb);
    expect(r.code, r.stderr).toBe(0);
    expect(await runningRows(sb.warehouse)).toEqual([]);
    const closed = await withWarehouse(sb.warehouse, async (w) => (await w.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${H} WHERE phase = 'phase_2_raw' AND status = 'failed' AND errors LIKE '%Abandoned%'`)).rows[0].n);
    expect(closed).toBe(n);
  });

  it('a run history without host and pid gains them on the next writing run, and the run succeeds', async () => {
    const sb = sandbox();
    await withWarehouse(sb.warehouse, async (w) => {
      await w.execute(`ALTER TABLE ${H} DROP COLUMN host`);
      await w.execute(`ALTER TABLE ${H} DROP COLUMN pid`);
    });
    const r = backfill(['analytics/player_game_summary', '--dates=2021-11-03'], sb);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('The run history gained the column(s) host, pid');
    const row = await withWarehouse(sb.warehouse, async (w) => (await w.query<{ host: string | null; pid: number | null; status: string }>(
      `SELECT host, pid, status FROM ${H} WHERE processor_name = 'PlayerGameSummaryProcessor' AND data_date = '2021-11-03'`)).rows);
    expect(row).toHaveLength(1);
    expect(row[0].status).toBe('success');
    expect(row[0].host).toBeTruthy();
    expect(row[0].pid).toBeGreaterThan(0);
  });
});

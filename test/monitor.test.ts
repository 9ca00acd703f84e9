/**
 * The Active Progress Monitor, as a user runs it in a second terminal: one
 * frame with --once, Ctrl+C to stop, and never in the way of a backfill.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { loopOptions, waitText } from '../lib/monitor/loop.ts';
import { runProgress, type RunRow } from '../lib/monitor/progress.ts';
import { fileDigest } from './support/scripts.ts';
import { withWarehouse } from './support/inspect.ts';
import { PROJECT, insertAttempt, runScript, startScript, troubledSeason, type SmallWarehouse } from './support/small-warehouse.ts';

let sw: SmallWarehouse;
beforeAll(async () => {
  sw = await troubledSeason();
  // An hour and a half ago: outside the original's one-hour window.
  await withWarehouse(sw.file, (w) => insertAttempt(w, { processor: 'OldProcessor', phase: 'phase_3_analytics', date: '2021-10-19', status: 'failed', minutesAgo: 90, errors: '{"error":"old"}' }));
});
afterAll(() => fs.rmSync(sw.dir, { recursive: true, force: true }));

const historyCount = () => withWarehouse(sw.file, async (w) => (await w.query<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${PROJECT}.nba_reference.processor_run_history\``)).rows[0].n);

describe('monitor.mts --once', () => {
  it('prints one frame with the original sections and exits 0, reading only', async () => {
    const before = await historyCount();
    const r = runScript('monitor', ['--once'], sw);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/=== BACKFILL MONITOR - .+ ===/);
    expect(r.stdout).toContain('── M.1 Recent Activity (last hour)');
    expect(r.stdout).toContain('── M.2 Failures (last hour)');
    expect(r.stdout).toContain('── M.3 Backfills (last hour)');
    // The original's columns, the last hour only.
    expect(r.stdout).toMatch(/\| processor_name\s+\|\s+ok \| fail \| latest\s+\|/);
    expect(r.stdout).toMatch(/\| PlayerGameSummaryProcessor\s+\|\s+4 \|\s+1 \| 2021-11-02 \|/);
    expect(r.stdout).not.toContain('OldProcessor');
    expect(r.stdout).toMatch(/\| 2021-10-26 \| PlayerGameSummaryProcessor\s+\| \{"error":"ProcessorError: connection reset"/);
    // The run in flight: a bar with its ETA; the finished ones say so.
    expect(r.stdout).toMatch(/run fixture-psza-run \(started [0-9ms]+ ago\)/);
    expect(r.stdout).toMatch(/PlayerShotZoneAnalysisProcessor\s+\[#+\.+\]\s+1\/3\s+.* eta .* \(total est\.\)/);
    expect(r.stdout).toMatch(/TeamDefenseZoneAnalysisProcessor\s+\[#+\]\s+5\/5\s+2 failed done in/);
    // A monitor frame shows results, not the SQL.
    expect(r.stdout).not.toMatch(/TIMESTAMP_SUB/);
    expect(r.stdout).not.toContain('Next refresh');
    expect(await historyCount()).toBe(before);
  });

  it('refuses a bad --interval before opening the warehouse (exit 2)', () => {
    const before = fileDigest(sw.file);
    const r = runScript('monitor', ['--interval', '0'], sw);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: --interval "0" is not a positive number of seconds, e.g. --interval 300');
    expect(fileDigest(sw.file)).toBe(before);
  });
});

describe('monitor.mts refreshing', () => {
  it('refreshes every --interval seconds and stops cleanly on Ctrl+C (exit 0)', async () => {
    const m = startScript('monitor', ['--interval', '1'], sw);
    await m.waitFor(/Next refresh in 1 second\.\.\. \(Ctrl\+C to stop\)[\s\S]*── M\.1 Recent Activity/);
    m.child.kill('SIGINT');
    const r = await m.exited;
    expect(r.code).toBe(0);
    expect(r.stdout.match(/── M\.1 Recent Activity/g)!.length).toBeGreaterThanOrEqual(2);
    expect(r.stdout).toContain('Monitoring: Active Progress Monitor: done.');
  });

  it('waits, saying why, while a backfill holds the warehouse, then shows the frame', async () => {
    const writer = new DuckDBWarehouse({ file: sw.file, project: PROJECT });
    let release!: () => void;
    const held = writer.hold(() => new Promise<void>((resolve) => { release = resolve; }));
    await writer.query('SELECT 1'); // the file is now locked by this process
    const m = startScript('monitor', ['--once'], sw);
    const deadline = Date.now() + 30_000;
    while (!/in use by another process/.test(m.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    release();
    await held;
    await writer.close();
    const r = await m.exited;
    expect(r.stderr).toMatch(/the warehouse .*nba\.duckdb is in use by another process \(pid \d+\); waiting for it to finish/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('── M.3 Backfills (last hour)');
  });
});

describe('progress from the run history', () => {
  const now = Date.parse('2024-11-29T12:00:00Z');
  const row = (over: Partial<RunRow>): RunRow => ({
    run_id: 'r1', processor_name: 'P', started: '2024-11-29T11:00:00.000Z', last_activity: '2024-11-29T11:59:30.000Z',
    done: 40, running: 10, failed: 1, first_date: '2021-10-19', last_date: '2021-12-01', host: 'here', pid: 42, ...over,
  });
  const season = Array.from({ length: 166 }, (_, k) => new Date(Date.parse('2021-10-19') + k * 86_400_000).toISOString().slice(0, 10));
  const at = (r: RunRow, alive = true) => runProgress([r], season, { asOf: '2024-11-29', now, hostname: 'here', isAlive: () => alive })[0];

  it('estimates the total as the season\'s game dates from the run\'s first date', () => {
    const p = at(row({}));
    expect(p).toMatchObject({ phase: 'running', estimated: true, state: { done: 40, total: 166, failed: 1 } });
  });

  it('tells running, between chunks, finished, idle and abandoned apart', () => {
    expect(at(row({ running: 0 })).phase).toBe('running'); // wrote 30 s ago: between two chunks
    expect(at(row({ running: 0, last_activity: '2024-11-29T11:50:00.000Z' })).phase).toBe('idle');
    expect(at(row({ running: 0, done: 166 })).phase).toBe('finished');
    expect(at(row({}), false).phase).toBe('abandoned');
    expect(at(row({ host: 'elsewhere' }), false).phase).toBe('running'); // another host's process cannot be checked
  });

  it('takes --interval and --once from the flags', () => {
    expect(loopOptions({ interval: '300' })).toEqual({ seconds: 300, once: false });
    expect(loopOptions({ interval: '2', once: true })).toEqual({ seconds: 2, once: true });
    expect(() => loopOptions({ interval: '-1' })).toThrow(/positive number of seconds/);
    expect(waitText(300)).toBe('5 minutes');
    expect(waitText(1)).toBe('1 second');
  });
});

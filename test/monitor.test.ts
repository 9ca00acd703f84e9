/**
 * The Active Progress Monitor, as a user runs it in a second terminal: one
 * frame with --once, Ctrl+C to stop, and never in the way of a backfill.
 */
import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { loopOptions, waitText } from '../lib/monitor/loop.ts';
import { eta, runProgress, STALE_MS, type HistoryRow } from '../lib/monitor/progress.ts';
import { progressLines } from '../lib/monitor/running.ts';
import { scriptRuns } from '../lib/monitor/scripts.ts';
import { scopeLabel } from '../lib/monitor/scope.ts';
import { readJournal } from '../lib/notebook/journal.ts';
import { fileDigest } from './support/scripts.ts';
import { withWarehouse } from './support/inspect.ts';
import { PROJECT, insertAttempt, runScript, smallWarehouse, startScript, troubledSeason, type SmallWarehouse } from './support/small-warehouse.ts';

let sw: SmallWarehouse;
beforeAll(async () => {
  sw = await troubledSeason();
  // An hour and a half ago: outside the original's one-hour window.
  await withWarehouse(sw.file, (w) => insertAttempt(w, { processor: 'OldProcessor', phase: 'phase_3_analytics', date: '2021-10-19', status: 'failed', minutesAgo: 90, errors: '{"error":"old"}' }));
  // What the scripts journalled: a Phase 4 run (this process stands in for it) that
  // planned 3 dates of shot zones and 5 of team defense zones, then finished the latter.
  const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
  const ev = (min: number, e: object) => JSON.stringify({ ts: ago(min), run_id: 'fixture-03', ...e });
  fs.writeFileSync(sw.journal, [
    ev(12, { event: 'start', script: '03-phase4', args: ['--season', '2021-22'], host: os.hostname(), pid: process.pid }),
    ev(11, { event: 'run', history_run_id: 'fixture-TeamDefenseZoneAnalysisProcessor', processor: 'TeamDefenseZoneAnalysisProcessor', job: 'precompute/team_defense_zone_analysis', total: 5 }),
    ev(2, { event: 'run', history_run_id: 'fixture-psza-run', processor: 'PlayerShotZoneAnalysisProcessor', job: 'precompute/player_shot_zone_analysis', total: 3 }),
  ].join('\n') + '\n');
});
afterAll(() => fs.rmSync(sw.dir, { recursive: true, force: true }));

const historyCount = () => withWarehouse(sw.file, async (w) => (await w.query<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${PROJECT}.nba_reference.processor_run_history\``)).rows[0].n);

describe('monitor.mts --once', () => {
  it('on a warehouse no backfill has touched yet (no Phase 3/4 table exists): every season not started, exit 0', async () => {
    const { RawFixtureBuilder, rotation } = await import('./support/fixtures.ts');
    const { PHASE3_JOBS, PHASE4_JOBS } = await import('../lib/jobs/registry.ts');
    const fx = new RawFixtureBuilder();
    fx.game({ gameId: '0022100001', date: '2021-10-19', home: 'BOS', away: 'NYK', teamBox: true, players: [...rotation('BOS', '0022100001'), ...rotation('NYK', '0022100001')] });
    const fresh = await smallWarehouse(fx.build(), [], async (w) => {
      for (const j of [...PHASE3_JOBS, ...PHASE4_JOBS]) await w.execute(`DROP TABLE \`${PROJECT}.${j.output.name}\``);
    });
    try {
      const r = runScript('monitor', ['--once'], fresh);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/\| 2021-22 \| regular season \|\s+1 \| not started \| not started \| phase 3 \|/);
    } finally {
      fs.rmSync(fresh.dir, { recursive: true, force: true });
    }
  });

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
    // The script run, then its processors: the one in flight over the 3 dates it planned, the finished one done.
    expect(r.stdout).toMatch(/03-phase4 --season 2021-22 · pid \d+ · running, started 12m\d\ds ago/);
    expect(r.stdout).toMatch(/PlayerShotZoneAnalysisProcessor\s+\[#+\.+\]\s+1\/3\s+.* eta /);
    expect(r.stdout).toMatch(/TeamDefenseZoneAnalysisProcessor\s+\[#+\]\s+5\/5 2 failed done in/);
    // Runs the journal does not know show what they did and no invented total.
    expect(r.stdout).toMatch(/run fixture-PlayerGameSummaryProcessor · not in this journal \(total unknown\)/);
    // Its rows were written by pid 999999 on this host, which is not running: the run is over, not quiet.
    expect(r.stdout).toMatch(/PlayerGameSummaryProcessor\s+ended\s+5 date\(s\) recorded, 1 failed; pid 999999 that wrote it is gone; last activity 10m\d\ds ago/);
    // A monitor frame shows results, not the SQL.
    expect(r.stdout).not.toMatch(/TIMESTAMP_SUB/);
    expect(r.stdout).not.toContain('Next refresh');
    expect(await historyCount()).toBe(before);
    // The journal: the monitor's start and end, no step per frame.
    const mine = readJournal(sw.journal).filter((e) => e.script === 'monitor');
    expect(mine.map((e) => e.event)).toEqual(['start', 'end']);
  });

  it('reads a read-only warehouse file', () => {
    const copy = { ...sw, file: `${sw.dir}/read-only.duckdb` };
    fs.copyFileSync(sw.file, copy.file);
    fs.chmodSync(copy.file, 0o444);
    const before = fileDigest(copy.file);
    const r = runScript('monitor', ['--once'], copy);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('── M.3 Backfills (last hour)');
    expect(fileDigest(copy.file)).toBe(before);
  });

  it('reads a run history of the older schema (no host, pid) without changing it', async () => {
    const copy = { ...sw, file: `${sw.dir}/old-schema.duckdb` };
    fs.copyFileSync(sw.file, copy.file);
    await withWarehouse(copy.file, async (w) => {
      await w.execute(`ALTER TABLE \`${PROJECT}.nba_reference.processor_run_history\` DROP COLUMN host`);
      await w.execute(`ALTER TABLE \`${PROJECT}.nba_reference.processor_run_history\` DROP COLUMN pid`);
    });
    const before = fileDigest(copy.file);
    const r = runScript('monitor', ['--once'], copy);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PlayerShotZoneAnalysisProcessor\s+\[#+\.+\]\s+1\/3/);
    expect(fileDigest(copy.file)).toBe(before);
  });

  it('refuses a bad --interval before opening the warehouse (exit 2)', () => {
    const before = fileDigest(sw.file);
    const r = runScript('monitor', ['--interval', '0'], sw);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: --interval "0": give whole seconds from 1 to 86400, e.g. --interval 300');
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

describe('each run as it is, from the run history and the journal', () => {
  const now = Date.parse('2024-11-29T12:00:00Z');
  const at = (sec: number) => new Date(now - sec * 1000).toISOString();
  const rows = (n: number, o: Partial<HistoryRow> & { from?: number } = {}): HistoryRow[] => Array.from({ length: n }, (_, k) => ({
    run_id: 'r1', processor_name: 'P', data_date: `2021-11-${String(k + 1).padStart(2, '0')}`, status: 'success',
    started_at: at((o.from ?? 100) - k), finished_at: at((o.from ?? 100) - k - 1), error: null, host: 'here', pid: 42, ...o,
  }));
  const script = (events: object[]) => scriptRuns([
    { ts: at(200), run_id: 'r1', event: 'start', script: '02-phase3', args: ['--season', '2021-22'], host: 'here', pid: 42 },
    ...events.map((e) => ({ run_id: 'r1', ...e })),
  ]);
  const plan = (total: number, sec = 120) => ({ ts: at(sec), event: 'run', history_run_id: 'r1', processor: 'P', job: 'analytics/p', total });
  const progress = (r: HistoryRow[], events: object[], alive = true) => runProgress(r, script(events), { now, hostname: 'here', isAlive: () => alive })[0];

  it('a finished five-date re-load is done, 5/5 with its duration, not 5 of the season', () => {
    const p = progress(rows(5), [plan(5), { ts: at(50), event: 'end', exitCode: 0 }], false);
    expect(p).toMatchObject({ phase: 'done', known: true, state: { done: 5, total: 5 } });
    // From its plan (120 s ago) to its last date's finish (100 - 4 - 1 = 95 s ago): 25 s.
    expect(p.detail).toBe('in 25s');
    expect(eta(p, now)).toBeNull();
  });

  it('a running run: ETA from its own dates per second over the dates it has left', () => {
    // 4 of 10 dates in the 120 s since it planned: 30 s a date, 6 left → 180 s.
    const p = progress([...rows(4), ...rows(1, { data_date: '2021-11-20', status: 'running', finished_at: null })], [plan(10)]);
    expect(p).toMatchObject({ phase: 'running', state: { done: 4, total: 10 } });
    expect(eta(p, now)).toBeCloseTo(180_000, -2);
  });

  it('the ETA follows dates that took work: skips and dependency failures recorded up-front do not set the pace', () => {
    // 20 planned; 2 dependency failures recorded at once 110 s ago; nothing processed yet → no ETA.
    const upfront = rows(2, { status: 'failed', error: '{"error":"DependencyError: missing x"}', from: 110 });
    const p0 = progress([...upfront, ...rows(1, { data_date: '2021-11-20', status: 'running', finished_at: null, from: 100 })], [plan(20)]);
    expect(p0.state).toMatchObject({ done: 2, total: 20 });
    expect(eta(p0, now)).toBeNull();
    expect(progressLines([p0], now, 100).at(-1)).toMatch(/eta …$/);
    // Then 4 dates succeeded: 4 in the 120 s since the plan, 30 s each, 20 - 6 = 14 left → 420 s (not 6 dates' pace: 280 s).
    const p1 = progress([...upfront, ...rows(4, { data_date: undefined, from: 100 }).map((r, k) => ({ ...r, data_date: `2021-11-1${k}` }))], [plan(20)]);
    expect(p1.state).toMatchObject({ done: 6, total: 20 });
    expect(eta(p1, now)).toBeCloseTo(420_000, -2);
  });

  it('a script waiting at a gate says which, and for how long', () => {
    const runs = script([plan(5), { ts: at(60), event: 'ask', id: '2.4.1', title: 'Failures Decision' }]);
    const p = runProgress(rows(5), runs, { now, hostname: 'here', isAlive: () => true });
    expect(p[0].phase).toBe('done');
    expect(progressLines(p, now, 100)[0]).toBe('02-phase3 --season 2021-22 · pid 42 · WAITING at gate 2.4.1 Failures Decision for 1m00s');
    // Answered: no longer waiting.
    const answered = script([plan(5), { ts: at(60), event: 'ask', id: '2.4.1', title: 'F' }, { ts: at(30), event: 'gate', id: '2.4.1' }]);
    expect(answered[0].waiting).toBeNull();
  });

  it('interrupted (Ctrl+C), stopped at a gate, and dead are told apart', () => {
    const interrupted = rows(2, { status: 'failed', error: '{"error":"Interrupted: stopped by the operator"}' });
    expect(progress([...rows(3), ...interrupted.map((r, k) => ({ ...r, data_date: `2021-12-0${k + 1}` }))], [plan(5)]).phase).toBe('interrupted');
    expect(progress(rows(3), [plan(5), { ts: at(10), event: 'end', exitCode: 3, stoppedAt: '2.1.1' }], false)).toMatchObject({ phase: 'stopped', detail: 'at gate 2.1.1' });
    // Its pid is gone with a date running, and no end was recorded.
    const dead = progress([...rows(3), ...rows(1, { data_date: '2021-11-20', status: 'running', finished_at: null })], [plan(5)], false);
    expect(dead).toMatchObject({ phase: 'dead' });
    expect(dead.detail).toMatch(/pid 42 on here is gone with 1 date\(s\) running/);
    // Another host's process cannot be checked: 'running' rows older than the threshold mean no heartbeat.
    const old = rows(1, { status: 'running', finished_at: null, host: 'elsewhere', from: STALE_MS / 1000 + 60 });
    expect(runProgress(old, [], { now, hostname: 'here', isAlive: () => true })[0].phase).toBe('dead');
    const fresh = rows(1, { status: 'running', finished_at: null, host: 'elsewhere', from: 60 });
    expect(runProgress(fresh, [], { now, hostname: 'here', isAlive: () => true })[0].phase).toBe('running');
  });

  it('a run the journal does not know, with nothing running: ended when the process that wrote it is gone, quiet while it lives or cannot be checked', () => {
    const gone = runProgress(rows(3, { from: 600 }), [], { now, hostname: 'here', isAlive: () => false })[0];
    expect(gone).toMatchObject({ phase: 'ended', detail: 'pid 42 that wrote it is gone; last activity 9m57s ago' });
    // The latest row's writer decides: an earlier attempt's dead pid does not end a live re-run.
    const rerun = [...rows(2, { from: 600, pid: 41 }), ...rows(1, { from: 500, pid: 42, data_date: '2021-11-05' })];
    expect(runProgress(rerun, [], { now, hostname: 'here', isAlive: (pid) => pid === 42 })[0].phase).toBe('quiet');
    expect(runProgress(rerun, [], { now, hostname: 'here', isAlive: (pid) => pid === 41 })[0].phase).toBe('ended');
    // Another host's process cannot be checked from here.
    expect(runProgress(rows(3, { from: 600, host: 'elsewhere' }), [], { now, hostname: 'here', isAlive: () => false })[0].phase).toBe('quiet');
  });

  it('a run the journal does not know shows its count and no total', () => {
    const [p] = runProgress(rows(3, { from: 600 }), [], { now, hostname: 'here', isAlive: () => true });
    expect(p).toMatchObject({ known: false, phase: 'quiet', state: { done: 3, total: 0 } });
    const lines = progressLines([p], now, 60);
    expect(lines[0]).toBe('run r1 · not in this journal (total unknown)');
    // Without a plan, the dates it recorded (2021-11-01..03) say which season it is for.
    expect(lines[1]).toBe('  2021-22');
    // Its last date finished 600 - 2 - 1 = 597 s ago (at 60 columns, on a line of its own).
    expect(lines.slice(2).join(' ')).toMatch(/^    P\s+quiet\s+3 date\(s\) recorded; no activity for 9m57s$/);
    expect(lines.every((l) => l.length <= 60)).toBe(true);
  });

  it('a run of the platform\'s own command (its own run id) counts against the plan the command\'s journal line holds', () => {
    // 02 --runner command started run_backfill.sh for P over 10 dates 120 s ago; the platform records run id 'platform-7'.
    const runs = scriptRuns([
      { ts: at(200), run_id: 'r1', event: 'start', script: '02-phase3', args: ['--season', '2021-22', '--runner', 'command'], host: 'here', pid: 42 },
      { ts: at(120), run_id: 'r1', event: 'command', status: 'started', job: 'analytics/p', processor: 'P', total: 10, first: '2021-11-01', last: '2021-11-10', pid: 77 },
    ]);
    const platform = [...rows(4, { run_id: 'platform-7', pid: 78 }), ...rows(1, { run_id: 'platform-7', pid: 78, data_date: '2021-11-05', status: 'running', finished_at: null, from: 90 })];
    const [p] = runProgress(platform, runs, { now, hostname: 'here', isAlive: () => true });
    // 4 done of the command's 10, 1 running: 30 s a date since the command started, 6 left → 180 s.
    expect(p).toMatchObject({ runId: 'platform-7', known: true, phase: 'running', state: { done: 4, total: 10 } });
    expect(p.script?.runId).toBe('r1');
    expect(eta(p, now)).toBeCloseTo(180_000, -2);
    expect(progressLines([p], now, 100)[0]).toBe('02-phase3 --season 2021-22 --runner command · pid 42 · running, started 3m20s ago');
    // Not attributed: another processor; rows older than the command; a date outside its plan.
    const other = (r: HistoryRow[]) => runProgress(r, runs, { now, hostname: 'here', isAlive: () => true })[0];
    expect(other(rows(2, { run_id: 'platform-8', processor_name: 'Q' })).known).toBe(false);
    expect(other(rows(2, { run_id: 'platform-9', from: 300 })).known).toBe(false);
    expect(other(rows(2, { run_id: 'platform-10', data_date: '2021-12-01' })).known).toBe(false);
  });

  it("Step 4's run: a backfill of the regular season shows '2021-22', one of the postseason after it '2021-22 postseason'", () => {
    // A hand-made history of one 04 run (one run_id for all its jobs): P and Q planned the regular season and finished;
    // then P planned the postseason's 4 dates (2 done, 1 running). Q has not reached the postseason yet.
    const plan = (sec: number, processor: string, total: number, first: string, last: string) =>
      ({ ts: at(sec), run_id: 'r4', event: 'run', history_run_id: 'r4', processor, job: `analytics/${processor}`, total, first, last });
    const runs = scriptRuns([
      { ts: at(400), run_id: 'r4', event: 'start', script: '04-remaining-seasons', args: ['--seasons', '2021-22'], host: 'here', pid: 42 },
      plan(350, 'P', 3, '2021-10-19', '2022-04-10'), plan(300, 'Q', 3, '2021-10-19', '2022-04-10'), plan(100, 'P', 4, '2022-04-12', '2022-06-30'),
    ]);
    const row = (run_id: string, processor_name: string, data_date: string, sec: number, status = 'success'): HistoryRow => ({
      run_id, processor_name, data_date, status, started_at: at(sec), finished_at: status === 'running' ? null : at(sec - 1), error: null, host: 'here', pid: 42,
    });
    const history = [
      ...['2021-10-19', '2022-01-05', '2022-04-10'].flatMap((d, k) => [row('r4', 'P', d, 340 - k), row('r4', 'Q', d, 290 - k)]),
      row('r4', 'P', '2022-04-12', 90), row('r4', 'P', '2022-04-13', 80), row('r4', 'P', '2022-04-14', 5, 'running'),
      // A run the journal does not know, over playoff dates: its dates say it is a postseason.
      row('other', 'P', '2023-05-02', 700), row('other', 'P', '2023-05-03', 690),
    ];
    const p = runProgress(history, runs, { now, hostname: 'here', isAlive: () => true });
    expect(p.map((x) => [x.runId, x.state.label, x.scope, `${x.state.done}/${x.state.total}`])).toEqual([
      ['other', 'P', '2022-23 postseason', '2/0'], ['r4', 'Q', '2021-22', '3/3'], ['r4', 'P', '2021-22 postseason', '2/4'],
    ]);
    const lines = progressLines(p, now, 100);
    expect(lines.slice(0, 2)).toEqual(['run other · not in this journal (total unknown)', '  2022-23 postseason']);
    const r4 = lines.findIndex((l) => l.startsWith('04-remaining-seasons --seasons 2021-22 · pid 42 · running'));
    expect(lines.slice(r4 + 1)).toEqual([
      '  2021-22', expect.stringMatching(/^    Q\s+\[#+\] 3\/3 done in /),
      '  2021-22 postseason', expect.stringMatching(/^    P\s+\[#+\.+\]\s+2\/4 .*eta /),
    ]);
  });

  it('names what a range covers: a season, its postseason, both, or a span', () => {
    expect(scopeLabel('2024-10-22', '2024-11-29')).toBe('2024-25');
    expect(scopeLabel('2023-04-11', '2023-04-14')).toBe('2022-23 postseason');
    // The day between the regular season's end (2022-04-10) and the first play-in day (2022-04-12) is still the regular season.
    expect(scopeLabel('2022-04-11', '2022-04-11')).toBe('2021-22');
    expect(scopeLabel('2021-10-19', '2022-06-30')).toBe('2021-22 regular season + postseason');
    expect(scopeLabel('2022-04-12', '2022-10-18')).toBe('2021-22 postseason .. 2022-23');
    // Step 1's range starts before the first season's opening night.
    expect(scopeLabel('2021-10-01', '2024-11-29')).toBe('2021-10-01 .. 2024-25');
    expect(scopeLabel(null, null)).toBeNull();
  });

  it('a re-run of failed dates counts only its own dates', () => {
    const first = rows(5, { from: 1000 });
    const rerun = rows(2, { from: 100 });
    const p = progress([...first, ...rerun], [plan(5, 1100), plan(2, 110)]);
    expect(p.state).toMatchObject({ done: 2, total: 2 });
  });

  it('takes --interval and --once from the flags', () => {
    expect(loopOptions({ interval: '300' })).toEqual({ seconds: 300, once: false });
    expect(loopOptions({ interval: '2', once: true })).toEqual({ seconds: 2, once: true });
    for (const bad of ['-1', '1e9', '0.5', '86401', 'abc', '']) expect(() => loopOptions({ interval: bad })).toThrow(/whole seconds from 1 to 86400/);
    expect(waitText(300)).toBe('5 minutes');
    expect(waitText(1)).toBe('1 second');
  });
});

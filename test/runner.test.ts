/** The runner on a small in-memory warehouse, with jobs made for the test. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { p } from '../lib/warehouse/params.ts';
import { parseCheckFailure, runBackfill } from '../lib/backfill/runner.ts';
import { datesWithout, missingByPhase, missingDependencies, RunStopped } from '../lib/backfill/runner.ts';
import { TWELVE_DATES, fromBox, openTwelveDates, teamJob } from './support/twelve-dates.ts';
import { listenForPlans, type RunPlan as AnnouncedPlan } from '../lib/monitor/plans.ts';

const project = 'nba-props-platform';
const dates = TWELVE_DATES;
let w: DuckDBWarehouse;

beforeEach(async () => { w = await openTwelveDates(project); });
// Closed after each test, passed or failed: a database left open by a failed test
// is torn down later by the garbage collector, which aborts a reused test worker.
afterEach(async () => { await w.close(); });

const latest = async () => (await w.query(`SELECT data_date, status, errors FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY data_date ORDER BY attempt DESC) rn FROM \`${project}.nba_reference.processor_run_history\`) WHERE rn = 1 ORDER BY data_date`)).rows;

// First in the file: under mutation testing a test that kills a mutant ends its run early.
describe('runner: what mutation testing found unread (values by hand)', () => {
  it('names missing tables by the phase that writes them, each once, phases in order', () => {
    expect(missingByPhase(['nba_raw.b', 'nba_precompute.p', 'nba_predictions.m', 'nba_analytics.a', 'other.x', 'nba_raw.b', 'nba_raw.a']))
      .toBe('Phase 2: nba_raw.b, nba_raw.a; Phase 3: nba_analytics.a; Phase 4: nba_precompute.p, nba_predictions.m; upstream: other.x');
    expect(new RunStopped('x').name).toBe('RunStopped');
  });

  it('the dates a table lacks, and the dates lacking a job’s upstream, in one read', async () => {
    expect([...await datesWithout(w, 'nba_raw.nbac_team_boxscore', 'game_date', ['2021-11-02', '2021-11-03', '2021-11-20'])]).toEqual(['2021-11-03', '2021-11-20']);
    expect([...await missingDependencies(w, teamJob(fromBox), ['2021-11-02', '2021-11-03'])]).toEqual([['2021-11-03', ['nba_raw.nbac_team_boxscore']]]);
    expect(await missingDependencies(w, teamJob(fromBox), [])).toEqual(new Map());
  });

  it('announces its plan before it runs: the run id, the dates it will record, the first and the last', async () => {
    const plans: AnnouncedPlan[] = [];
    const stop = listenForPlans((pl) => plans.push(pl));
    try { await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-02', '2021-10-31', '2021-11-01'], runId: 'r-plan' }); } finally { stop(); }
    // 10-31 has no game (recorded no_games), 11-01 and 11-02 have games.
    expect(plans).toEqual([{ historyRunId: 'r-plan', processor: 'TProcessor', job: 'analytics/t', total: 3, first: '2021-10-31', last: '2021-11-02' }]);
  });

  it('says which dates its output holds over the whole span, from the last chunk’s read', async () => {
    const s = await runBackfill(w, teamJob(fromBox), { start: '2021-11-01', end: '2021-11-05', chunks: 2 });
    // 11-03 lacks its box scores (DependencyError); the other four dates have 2 games × 2 teams.
    expect(s.outputDates).toEqual(['2021-11-01', '2021-11-02', '2021-11-04', '2021-11-05']);
    expect(s.records).toBe(16);
  });

  it('closes abandoned rows once a minute per warehouse, not at every run', async () => {
    const H = `\`${project}.nba_reference.processor_run_history\``;
    const host = (await import('node:os')).hostname();
    const dead = (runId: string) => w.execute(`INSERT INTO ${H} (run_id, processor_name, phase, data_date, status, started_at, records_processed, attempt, host, pid)
VALUES (@run_id, 'XProcessor', 'phase_3_analytics', DATE '2021-11-09', 'running', CURRENT_TIMESTAMP(), 0, 1, @host, 999999)`, { run_id: runId, host });
    await dead('dead-before');
    await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-01'] });
    await dead('dead-after');
    await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-02'] });
    expect((await w.query(`SELECT run_id, status FROM ${H} WHERE run_id LIKE 'dead-%' ORDER BY run_id`)).rows)
      .toEqual([{ run_id: 'dead-after', status: 'running' }, { run_id: 'dead-before', status: 'failed' }]);
  });
});

describe('runner', () => {
  it('fails a date without its upstream as DependencyError and runs every other date', async () => {
    const s = await runBackfill(w, teamJob(fromBox), { start: '2021-11-01', end: '2021-11-30' });
    expect(s.outcomes.filter((o) => o.status === 'failed')).toEqual([{ date: '2021-11-03', status: 'failed', reason: 'DependencyError', missing: ['nba_raw.nbac_team_boxscore'] }]);
    expect(s.outcomes.filter((o) => o.status === 'success')).toHaveLength(dates.length - 1);
    expect(s.records).toBe((dates.length - 1) * 4);
  });

  it('an anyOf group fails a date only when no member has data', async () => {
    const job = teamJob(fromBox, { dependencies: [
      { table: 'nba_raw.nbac_team_boxscore', dateColumn: 'game_date', lookbackDays: 0, required: false, anyOf: 'box' },
      { table: 'nba_raw.bdl_player_boxscores', dateColumn: 'game_date', lookbackDays: 0, required: false, anyOf: 'box' },
    ] });
    await w.execute(`INSERT INTO \`${project}.nba_raw.bdl_player_boxscores\` (game_id, game_date, player_lookup) VALUES ('x', DATE '2021-11-03', 'a')`);
    const s = await runBackfill(w, job, { dates: ['2021-11-03', '2021-11-04'] });
    expect(s.failed).toBe(0);
    await w.execute(`DELETE FROM \`${project}.nba_raw.bdl_player_boxscores\` WHERE TRUE`);
    const s2 = await runBackfill(w, job, { dates: ['2021-11-03'] });
    expect(s2.outcomes[0]).toMatchObject({ status: 'failed', missing: ['nba_raw.nbac_team_boxscore', 'nba_raw.bdl_player_boxscores'] });
  });

  it('data checks: duplicate keys fail their dates with the check, the date and a key, and commit nothing of them', async () => {
    const dup = teamJob(`${fromBox} UNION ALL ${fromBox}`);
    const s = await runBackfill(w, dup, { dates: ['2021-11-01', '2021-11-02'] });
    expect(s.failed).toBe(2);
    // Two games a date, two teams each: 4 keys, each written twice.
    expect(s.outcomes.find((o) => o.date === '2021-11-01')!.reason).toBe('data check "keys unique" failed on 2021-11-01: 4 duplicated key(s), e.g. game_id=g0-0, team_abbr=GSW ×2');
    expect((await w.query(`SELECT COUNT(*) AS n FROM \`${project}.nba_analytics.t\``)).rows[0].n).toBe(0);
    expect((await latest()).map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(JSON.parse(String((await latest())[0].errors))).toMatchObject({ error_type: 'DataCheckError', check: 'keys unique' });
  });

  it('data checks: a team table must hold two rows per final game, and names the game short of a row', async () => {
    const short = teamJob(`${fromBox} AND team_abbr != 'NYK'`, { rowsPerGame: 2 });
    const s = await runBackfill(w, short, { dates: ['2021-11-01'] });
    // Game g0-1 is BOS v NYK: without NYK it has one row, BOS's.
    expect(s.outcomes[0].reason).toBe('data check "rows per final game" failed on 2021-11-01: 1 game(s) without 2 rows: game_id=g0-1 has 1 (BOS)');
  });

  it('a missing team box-score row fails only its date, named with the check and the game, and the rest of the chunk is written', async () => {
    // One row of 2021-11-05 (date index 4, game g4-1: BOS v NYK) removed behind the runbook's back.
    await w.execute(`DELETE FROM \`${project}.nba_raw.nbac_team_boxscore\` WHERE game_id = 'g4-1' AND team_abbr = 'NYK'`);
    const s = await runBackfill(w, teamJob(fromBox, { rowsPerGame: 2 }), { start: '2021-11-01', end: '2021-11-30', chunks: 1 });
    const failed = s.outcomes.filter((o) => o.status === 'failed');
    // 12 game dates: 11-03 lacks its box scores (DependencyError), 11-05 fails the check, the other 10 succeed.
    expect(failed.map((o) => o.date)).toEqual(['2021-11-03', '2021-11-05']);
    expect(s.outcomes.filter((o) => o.status === 'success')).toHaveLength(10);
    expect(s.records).toBe(10 * 4);
    const row = (await latest()).find((r) => r.data_date === '2021-11-05')!;
    expect(row.status).toBe('failed');
    const errors = JSON.parse(String(row.errors));
    expect(errors).toMatchObject({ error_type: 'DataCheckError', check: 'rows per final game', keys: '1 game(s) without 2 rows: game_id=g4-1 has 1 (BOS)' });
    expect(errors.error).toBe('DataCheckError: rows per final game: nba_analytics.t on 2021-11-05: 1 game(s) without 2 rows: game_id=g4-1 has 1 (BOS)');
    expect((await w.query(`SELECT COUNT(*) AS n FROM \`${project}.nba_analytics.t\` WHERE game_date = DATE '2021-11-05'`)).rows[0].n).toBe(0);
  });

  it('reads a failed check back from the error text, whatever the backend wraps around it', () => {
    const parsed = parseCheckFailure('Invalid Input Error: data check "rows per final game" failed in nba_analytics.t: [2021-11-05] 1 game(s) without 2 rows: game_id=g4-1 has 1 (BOS) [2021-11-06] 2 game(s) without 2 rows: game_id=a has 0, game_id=b has 3 (X/Y/Z)');
    expect(parsed?.check).toBe('rows per final game');
    expect([...parsed!.dates]).toEqual([
      ['2021-11-05', '1 game(s) without 2 rows: game_id=g4-1 has 1 (BOS)'],
      ['2021-11-06', '2 game(s) without 2 rows: game_id=a has 0, game_id=b has 3 (X/Y/Z)'],
    ]);
    expect(parseCheckFailure('Binder Error: no such column')).toBeNull();
  });

  it('data checks: NULL keys fail the date', async () => {
    const nulls = teamJob("SELECT game_id, CAST(NULL AS STRING), game_date, points FROM `$P.nba_raw.nbac_team_boxscore` WHERE game_date IN UNNEST(@dates)");
    const s = await runBackfill(w, nulls, { dates: ['2021-11-01'] });
    expect(s.outcomes[0].reason).toBe('data check "keys not NULL" failed on 2021-11-01: 4 row(s) with a NULL key (game_id, team_abbr)');
  });

  it('set-based statements do not grow with the number of dates; per-date ones do; results are identical', async () => {
    const set = await runBackfill(w, teamJob(fromBox), { start: '2021-11-01', end: '2021-11-30', chunks: 3 });
    const after = (await w.query(`SELECT * FROM \`${project}.nba_analytics.t\` ORDER BY game_id, team_abbr`)).rows;
    const per = await runBackfill(w, teamJob(fromBox), { start: '2021-11-01', end: '2021-11-30', strategy: 'per-date' });
    expect((await w.query(`SELECT * FROM \`${project}.nba_analytics.t\` ORDER BY game_id, team_abbr`)).rows).toEqual(after);
    expect(set.statements).toBeLessThanOrEqual(3 * 2 + 2);
    expect(per.statements).toBeGreaterThanOrEqual(2 * (dates.length - 1));
  });

  it('a re-run replaces rows instead of adding them, and the latest state is one success per date', async () => {
    await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-01', '2021-11-02'] });
    await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-01', '2021-11-02'] });
    expect((await w.query(`SELECT COUNT(*) AS n FROM \`${project}.nba_analytics.t\``)).rows[0].n).toBe(8);
    expect((await latest()).map((r) => r.status)).toEqual(['success', 'success']);
    expect((await w.query(`SELECT MAX(attempt) AS a FROM \`${project}.nba_reference.processor_run_history\``)).rows[0].a).toBe(2);
  });

  it('bootstrap dates of a Phase 4 job are skipped with the reason, not processed', async () => {
    for (const d of ['2021-10-19', '2021-10-25']) {
      await w.execute(`INSERT INTO \`${project}.nba_raw.nbac_schedule\` (game_id, game_date, game_status) VALUES (@id, @d, 3)`, { id: `b${d}`, d: p.date(d) });
    }
    const s = await runBackfill(w, teamJob(fromBox, { phase: 'phase_4_precompute', dependencies: [] }), { dates: ['2021-10-19', '2021-10-25', '2021-11-01'] });
    expect(s.outcomes.map((o) => [o.date, o.status, o.reason])).toEqual([
      ['2021-10-19', 'skipped', 'bootstrap'], ['2021-10-25', 'skipped', 'bootstrap'], ['2021-11-01', 'success', undefined],
    ]);
  });
});

// ---- The runner's bookkeeping, figure by figure: what mutation testing showed untested ------

import { planRun, type RunProgress } from '../lib/backfill/runner.ts';

const history = async () => (await w.query(`SELECT run_id, data_date, status, errors, skip_reason, records_processed, missing_dependencies
FROM \`${project}.nba_reference.processor_run_history\` ORDER BY data_date, attempt`)).rows;

describe('runner: summary, progress and statements', () => {
  it('counts every date once, reports progress from the plan to the end, and records the rows written', async () => {
    const seen: RunProgress[] = [];
    const s = await runBackfill(w, teamJob(fromBox), { start: '2021-11-01', end: '2021-11-30', chunks: 2, onProgress: (p) => seen.push({ ...p }) });
    expect([s.total, s.done, s.failed, s.skipped, s.records, s.interrupted]).toEqual([12, 12, 1, 0, 44, false]);
    expect(seen[0]).toEqual({ job: 'analytics/t', total: 12, done: 0, failed: 0, skipped: 0, records: 0, paced: 0 });
    // After the dependency check: 11-03 failed; then one report per chunk; the last one carries the records.
    expect(seen.map((p) => [p.done, p.failed])).toEqual([[0, 0], [1, 1], [7, 1], [12, 1], [12, 1]]);
    // The pace an ETA may follow: the dependency failure recorded up-front is not work; the chunks' 6 and 5 dates are.
    expect(seen.map((p) => p.paced)).toEqual([0, 0, 6, 11, 11]);
    expect(seen.at(-1)).toEqual({ job: 'analytics/t', total: 12, done: 12, failed: 1, skipped: 0, records: 44, paced: 11 });
    expect(s.ms).toBeGreaterThan(0);
  });

  it('statements: one for the dependency failures, then two per chunk (running rows, the transaction)', async () => {
    // 11 dates to process: 2 chunks of 6 and 5; by default (under a season's worth) one chunk; per date, 11; more chunks than dates, 11.
    expect((await runBackfill(w, teamJob(fromBox), { start: '2021-11-01', end: '2021-11-30', chunks: 2 })).statements).toBe(1 + 2 * 2);
    expect((await runBackfill(w, teamJob(fromBox), { start: '2021-11-01', end: '2021-11-30' })).statements).toBe(1 + 2 * 1);
    expect((await runBackfill(w, teamJob(fromBox), { start: '2021-11-01', end: '2021-11-30', strategy: 'per-date' })).statements).toBe(1 + 2 * 11);
    expect((await runBackfill(w, teamJob(fromBox), { start: '2021-11-01', end: '2021-11-30', chunks: 100 })).statements).toBe(1 + 2 * 11);
  });

  it('names a run after its processor unless given an id, and writes that id in the history', async () => {
    const s = await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-01'] });
    expect(s.runId).toMatch(/^TProcessor-[0-9a-f]{8}$/);
    const given = await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-02'], runId: 'my-run' });
    expect(given.runId).toBe('my-run');
    expect((await history()).map((r) => [r.data_date, r.run_id])).toEqual([['2021-11-01', s.runId], ['2021-11-02', 'my-run']]);
  });
});

describe('runner: which dates run', () => {
  it('a date list: dates without a final game are skipped as no_games, once each, in date order', async () => {
    const plan = await planRun(w, teamJob(fromBox), { dates: ['2021-11-07', '2021-11-02', '2021-11-01', '2021-11-07', '2021-10-30'] });
    expect(plan).toEqual({ job: 'analytics/t', gameDates: ['2021-11-01', '2021-11-02'], bootstrap: [], noGames: ['2021-10-30', '2021-11-07'] });
    const s = await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-07', '2021-11-02', '2021-11-01', '2021-11-07', '2021-10-30'] });
    expect([s.total, s.skipped, s.failed]).toEqual([4, 2, 0]);
    expect((await history()).map((r) => [r.data_date, r.status, r.skip_reason])).toEqual([
      ['2021-10-30', 'skipped', 'no_games'], ['2021-11-01', 'success', null], ['2021-11-02', 'success', null], ['2021-11-07', 'skipped', 'no_games'],
    ]);
  });

  it('bootstrap dates are a Phase 4 rule: a Phase 3 job processes them', async () => {
    await w.execute(`INSERT INTO \`${project}.nba_raw.nbac_schedule\` (game_id, game_date, game_status) VALUES ('b1', DATE '2021-10-19', 3)`);
    expect(await planRun(w, teamJob(fromBox), { dates: ['2021-10-19'] })).toMatchObject({ gameDates: ['2021-10-19'], bootstrap: [] });
    expect(await planRun(w, teamJob(fromBox, { phase: 'phase_4_precompute' }), { dates: ['2021-10-19'] })).toMatchObject({ gameDates: [], bootstrap: ['2021-10-19'] });
  });

  it('only final games count: a scheduled game’s date is not a game date', async () => {
    await w.execute(`INSERT INTO \`${project}.nba_raw.nbac_schedule\` (game_id, game_date, game_status) VALUES ('s1', DATE '2021-11-20', 1)`);
    expect((await planRun(w, teamJob(fromBox), { start: '2021-11-12', end: '2021-11-30' })).gameDates).toEqual(['2021-11-12', '2021-11-13']);
  });

  it('dates outside the job’s scope are skipped with its reason; the others run', async () => {
    await w.execute(`CREATE TABLE \`${project}.nba_raw.lines\` (game_date DATE)`);
    await w.execute(`INSERT INTO \`${project}.nba_raw.lines\` VALUES (DATE '2021-11-02')`);
    const s = await runBackfill(w, teamJob(fromBox, { scope: { table: 'nba_raw.lines', dateColumn: 'game_date', skipReason: 'no_props_lines' } }), { dates: ['2021-11-01', '2021-11-02'] });
    expect(s.outcomes).toEqual([{ date: '2021-11-01', status: 'skipped', reason: 'no_props_lines' }, { date: '2021-11-02', status: 'success' }]);
    expect((await history()).map((r) => [r.data_date, r.status, r.skip_reason])).toEqual([['2021-11-01', 'skipped', 'no_props_lines'], ['2021-11-02', 'success', null]]);
  });

  it('groups dependency failures by the tables missing, each with its own list', async () => {
    await w.execute(`CREATE TABLE \`${project}.nba_raw.extra\` (game_date DATE)`);
    await w.execute(`INSERT INTO \`${project}.nba_raw.extra\` VALUES (DATE '2021-11-01'), (DATE '2021-11-03')`);
    const job = teamJob(fromBox, { dependencies: [
      { table: 'nba_raw.nbac_team_boxscore', dateColumn: 'game_date', lookbackDays: 0, required: true },
      { table: 'nba_raw.extra', dateColumn: 'game_date', lookbackDays: 0, required: true },
      { table: 'nba_raw.optional', dateColumn: 'game_date', lookbackDays: 0, required: false },
    ] });
    const s = await runBackfill(w, job, { dates: ['2021-11-01', '2021-11-02', '2021-11-03', '2021-11-04'] });
    expect(s.outcomes.filter((o) => o.status === 'failed').map((o) => [o.date, o.missing])).toEqual([
      ['2021-11-03', ['nba_raw.nbac_team_boxscore']],
      ['2021-11-02', ['nba_raw.extra']], ['2021-11-04', ['nba_raw.extra']],
    ]);
    const failed = (await history()).filter((r) => r.status === 'failed');
    expect(failed.map((r) => [r.data_date, r.missing_dependencies])).toEqual([
      ['2021-11-02', ['nba_raw.extra']], ['2021-11-03', ['nba_raw.nbac_team_boxscore']], ['2021-11-04', ['nba_raw.extra']],
    ]);
    const error = JSON.parse(String(failed[0].errors));
    expect(error).toMatchObject({ error_type: 'DependencyError', missing_dependencies: ['nba_raw.extra'] });
    expect(error.error).toMatch(/^DependencyError: missing .*nba_raw\.extra$/);
  });
});

describe('runner: failures and interruptions', () => {
  it('a warehouse error fails the chunk with its code; a processor error with ProcessorError; nothing is written', async () => {
    const broken = teamJob('SELECT game_id, team_abbr, game_date, points FROM `$P.nba_raw.no_such_table` WHERE game_date IN UNNEST(@dates)');
    const s = await runBackfill(w, broken, { dates: ['2021-11-01'] });
    expect(s.outcomes[0]).toMatchObject({ date: '2021-11-01', status: 'failed' });
    const [row] = await history();
    expect(row.status).toBe('failed');
    expect(JSON.parse(String(row.errors)).error_type).toBe('NOT_FOUND');

    const throws = teamJob(fromBox, { insertSql: () => { throw new Error('cannot build the statement'); } });
    const t = await runBackfill(w, throws, { dates: ['2021-11-02'] });
    expect(t.outcomes).toEqual([{ date: '2021-11-02', status: 'failed', reason: 'cannot build the statement' }]);
    expect(JSON.parse(String((await history())[1].errors))).toEqual({ error: 'ProcessorError: cannot build the statement', error_type: 'ProcessorError' });
    expect([t.failed, t.records]).toEqual([1, 0]);
    expect((await w.query(`SELECT COUNT(*) AS n FROM \`${project}.nba_analytics.t\``)).rows[0].n).toBe(0);
  });

  it('stopped before it starts: every date to process is recorded failed, Interrupted, and nothing is written', async () => {
    const stop = new AbortController();
    stop.abort();
    const s = await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-01', '2021-11-02', '2021-11-03'], signal: stop.signal });
    expect(s.interrupted).toBe(true);
    expect(s.outcomes).toEqual([
      { date: '2021-11-03', status: 'failed', reason: 'DependencyError', missing: ['nba_raw.nbac_team_boxscore'] },
      { date: '2021-11-01', status: 'failed', reason: 'interrupted' }, { date: '2021-11-02', status: 'failed', reason: 'interrupted' },
    ]);
    const rows = await history();
    expect(rows.map((r) => [r.data_date, r.status, JSON.parse(String(r.errors)).error_type])).toEqual([
      ['2021-11-01', 'failed', 'Interrupted'], ['2021-11-02', 'failed', 'Interrupted'], ['2021-11-03', 'failed', 'DependencyError'],
    ]);
    expect((await w.query(`SELECT COUNT(*) AS n FROM \`${project}.nba_analytics.t\``)).rows[0].n).toBe(0);
  });

  it('stopped after the first chunk: that chunk is kept, the rest recorded Interrupted', async () => {
    const stop = new AbortController();
    const s = await runBackfill(w, teamJob(fromBox), {
      dates: ['2021-11-01', '2021-11-02', '2021-11-04', '2021-11-05'], chunks: 2, signal: stop.signal,
      onProgress: (p) => { if (p.done === 2) stop.abort(); },
    });
    expect(s.outcomes.map((o) => [o.date, o.status, o.reason])).toEqual([
      ['2021-11-01', 'success', undefined], ['2021-11-02', 'success', undefined], ['2021-11-04', 'failed', 'interrupted'], ['2021-11-05', 'failed', 'interrupted'],
    ]);
    expect([s.interrupted, s.done, s.failed, s.records]).toEqual([true, 4, 2, 8]);
  });

  it('a run stopped after its last chunk is complete, not interrupted', async () => {
    const stop = new AbortController();
    const s = await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-01'], signal: stop.signal, onProgress: (p) => { if (p.done === 1) stop.abort(); } });
    expect([s.interrupted, s.done, s.failed]).toEqual([false, 1, 0]);
  });
});

describe('runner: the output table', () => {
  it('creates the output table first when the job says how', async () => {
    const job = teamJob(fromBox, {
      output: { name: 'nba_analytics.fresh', dateColumn: 'game_date', keys: ['game_id', 'team_abbr'] },
      createSql: (pr) => `CREATE TABLE IF NOT EXISTS \`${pr}.nba_analytics.fresh\` (game_id STRING, team_abbr STRING, game_date DATE, points INT64)`,
      insertSql: (pr) => `INSERT INTO \`${pr}.nba_analytics.fresh\` (game_id, team_abbr, game_date, points) ${fromBox.replaceAll('$P', pr)}`,
    });
    const s = await runBackfill(w, job, { dates: ['2021-11-01'] });
    expect([s.failed, s.records]).toEqual([0, 4]);
  });
});

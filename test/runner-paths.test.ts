/**
 * The runner's paths the twelve-date tests of runner.test.ts do not take: the
 * BigQuery way of writing the run history (rows carried ahead of a chunk in its
 * own script), Phase 2 loaders, a warehouse that fails mid-run and the patient
 * closing of its dates, data checks that keep failing, stops, the abandoned-rows
 * throttle. A small in-memory DuckDB warehouse behind a wrapper that can say it
 * is BigQuery, count what the runner asks of it and fail on cue. Every expected
 * value is worked out by hand from the fixture below.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { p, type Params } from '../lib/warehouse/params.ts';
import { WarehouseError, type AtomicOptions, type BackendName, type QueryOptions, type Row, type Statement, type Warehouse } from '../lib/warehouse/types.ts';
import { planTables, runBackfill, RunStopped, type LoadResult, type RunnableJob } from '../lib/backfill/runner.ts';
import { readDateFacts } from '../lib/backfill/date-facts.ts';
import { fromBox, openTwelveDates, teamJob } from './support/twelve-dates.ts';

const project = 'nba-props-platform';
const H = `\`${project}.nba_reference.processor_run_history\``;
const T = `\`${project}.nba_analytics.t\``;

/**
 * What the runner asked of the warehouse, and faults on cue. `atomic` with
 * statements is a chunk's script; without, a script of history rows only (the
 * rows carried ahead, or the closing of a failed chunk's dates).
 */
class Wrapped implements Warehouse {
  readonly project = project;
  queries: string[] = [];
  executes: string[] = [];
  scripts: { statements: number; before: number; after: boolean }[] = [];
  labels: (string | undefined)[] = [];
  /** A chunk's script fails with this (after writing its `before` rows when `beforeLands`). */
  chunkFault?: (s: Statement[]) => Error | undefined;
  beforeLands = false;
  /** The n-th (1-based) script of history rows only fails with this. */
  historyFault?: (n: number) => Error | undefined;
  historyScripts = 0;
  /** Rows a chunk's read returns, last first (BigQuery promises no order). */
  reverseReads = false;
  /** A chunk's read returns nothing (its rows lost on the way back). */
  dropReads = false;
  /** A statement outside a script fails with this. */
  executeFault?: (params?: Params) => Error | undefined;
  constructor(readonly inner: DuckDBWarehouse, readonly backend: BackendName = 'duckdb') {}
  query<R extends Row = Row>(sql: string, params?: Params, o?: QueryOptions) { this.queries.push(sql); return this.inner.query<R>(sql, params, o); }
  execute(sql: string, params?: Params) {
    this.executes.push(sql);
    const e = this.executeFault?.(params);
    return e ? Promise.reject(e) : this.inner.execute(sql, params);
  }
  async atomic(statements: Statement[], opts: AtomicOptions = {}): Promise<Row[]> {
    this.scripts.push({ statements: statements.length, before: opts.before?.length ?? 0, after: !!opts.after });
    if (statements.length) this.labels.push(opts.label);
    if (!statements.length) {
      const e = this.historyFault?.(++this.historyScripts);
      if (e) throw e;
    } else {
      const e = this.chunkFault?.(statements);
      if (e) {
        if (this.beforeLands) await this.inner.atomic([], { before: opts.before });
        throw e;
      }
    }
    const rows = await this.inner.atomic(statements, opts);
    return this.dropReads ? [] : this.reverseReads ? [...rows].reverse() : rows;
  }
  hold<X>(fn: () => Promise<X>) { return this.inner.hold(fn); }
  close() { return this.inner.close(); }
}

let duck: DuckDBWarehouse;

beforeEach(async () => { duck = await openTwelveDates(project); });
afterEach(async () => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  await duck.close();
});

/** Every history row, in date and attempt order. */
const history = async () => (await duck.query(`SELECT data_date, status, attempt, errors, skip_reason, records_processed FROM ${H} ORDER BY data_date, attempt`)).rows;
const rowsOf = async (where = 'TRUE') => Number((await duck.query(`SELECT COUNT(*) AS n FROM ${T} WHERE ${where}`)).rows[0].n);

describe('runner on BigQuery: history rows ride in the chunk’s own script', () => {
  it('one script per chunk carries the skip, the dependency failure and the running rows ahead of the transaction; nothing else is written or read', async () => {
    const bq = new Wrapped(duck, 'bigquery');
    // 10-30 has no game, 11-03 lacks its box scores, 11-01 and 11-02 run in one chunk.
    const s = await runBackfill(bq, teamJob(fromBox), { dates: ['2021-10-30', '2021-11-01', '2021-11-02', '2021-11-03'] });
    expect(bq.executes).toEqual([]);
    // DELETE, INSERT, the two key checks, the success update; ahead of it: no_games, DependencyError, running.
    expect(bq.scripts).toEqual([{ statements: 5, before: 3, after: true }]);
    expect(bq.labels).toEqual(['backfill/analytics/t']);
    // The plan's read and the abandoned-rows read; the rows written are counted by the chunk's own read.
    expect(bq.queries).toHaveLength(2);
    expect([s.statements, s.records, s.done, s.failed, s.skipped]).toEqual([4, 8, 4, 1, 1]);
    expect((await history()).map((r) => [r.data_date, r.status, r.skip_reason, r.records_processed])).toEqual([
      ['2021-10-30', 'skipped', 'no_games', 0], ['2021-11-01', 'success', null, 4], ['2021-11-02', 'success', null, 4], ['2021-11-03', 'failed', null, 0],
    ]);
  });

  it('a run with nothing to process still writes its skip and its failure, in one script of history rows', async () => {
    const bq = new Wrapped(duck, 'bigquery');
    const s = await runBackfill(bq, teamJob(fromBox), { dates: ['2021-10-30', '2021-11-03'] });
    expect(bq.scripts).toEqual([{ statements: 0, before: 2, after: false }]);
    expect([s.statements, s.done, s.failed, s.skipped]).toEqual([2, 2, 1, 1]);
    expect((await history()).map((r) => [r.data_date, r.status, r.attempt])).toEqual([['2021-10-30', 'skipped', 1], ['2021-11-03', 'failed', 1]]);
  });

  it('a chunk whose script fails gets one failed row per date: written when its running rows never landed, closed when they did', async () => {
    const bq = new Wrapped(duck, 'bigquery');
    bq.chunkFault = () => new WarehouseError('INVALID_SQL', 'Syntax error: boom');
    const a = await runBackfill(bq, teamJob(fromBox), { dates: ['2021-11-01'] });
    bq.beforeLands = true;
    const b = await runBackfill(bq, teamJob(fromBox), { dates: ['2021-11-02'] });
    // Each: the running row (carried), the failed transaction, then markFailed and the onlyNew insert.
    expect([a.statements, b.statements]).toEqual([4, 4]);
    expect(a.outcomes).toEqual([{ date: '2021-11-01', status: 'failed', reason: 'Syntax error: boom' }]);
    expect(bq.scripts.filter((x) => !x.statements)).toEqual([{ statements: 0, before: 2, after: false }, { statements: 0, before: 2, after: false }]);
    const error = { error: 'INVALID_SQL: Syntax error: boom', error_type: 'INVALID_SQL' };
    expect((await history()).map((r) => [r.data_date, r.status, r.attempt, JSON.parse(String(r.errors))])).toEqual([
      ['2021-11-01', 'failed', 1, error], ['2021-11-02', 'failed', 1, error],
    ]);
  });

  it('refuses to re-load Phase 2 with generated rows, before reading or writing anything', async () => {
    const bq = new Wrapped(duck, 'bigquery');
    const load = vi.fn(async (): Promise<LoadResult[]> => []);
    const job: RunnableJob = { ...teamJob(fromBox), job: 'raw/nbac_schedule', phase: 'phase_2_raw', dependencies: [], insertSql: undefined, load };
    const run = runBackfill(bq, job, { dates: ['2021-11-01'] });
    await expect(run).rejects.toThrow("refused: raw/nbac_schedule re-loads Phase 2 with generated rows, which never go to BigQuery; run the platform's own load (raw/nbac_schedule) instead");
    await expect(run).rejects.toMatchObject({ code: 'PERMISSION' });
    expect([bq.queries, bq.executes, bq.scripts, load.mock.calls]).toEqual([[], [], [], []]);
    expect(await history()).toEqual([]);
  });
});

describe('runner: a Phase 2 loader', () => {
  /** A loader of team box scores into t: 11-01 loads, 11-02 has no file, 11-04 fails to parse (no reason given). */
  const loader = (): RunnableJob['load'] => async (w, ds, alsoCommit) => {
    const out: LoadResult[] = [];
    for (const d of ds) {
      if (d === '2021-11-02') { out.push({ date: d, ok: false, rows: 0, reason: 'no file for 2021-11-02' }); continue; }
      if (d === '2021-11-04') { out.push({ date: d, ok: false, rows: 0, errorType: 'ParseError' }); continue; }
      await w.atomic([
        { sql: `DELETE FROM ${T} WHERE game_date = @d`, params: { d: p.date(d) } },
        { sql: `INSERT INTO ${T} SELECT game_id, team_abbr, game_date, points FROM \`${project}.nba_raw.nbac_team_boxscore\` WHERE game_date = @d`, params: { d: p.date(d) } },
        ...alsoCommit(d),
      ]);
      out.push({ date: d, ok: true, rows: 4 });
    }
    return out;
  };
  const loadJob = (load: RunnableJob['load']): RunnableJob => ({ ...teamJob(fromBox), job: 'raw/box', processorName: 'BoxLoader', phase: 'phase_2_raw', dependencies: [], insertSql: undefined, load });

  it('each loaded date commits with its success; a failed date says whose fault; only the dates loaded are counted', async () => {
    // 11-02 holds 4 rows from before: a failed load keeps them, and they are not this run's records.
    await duck.execute(`INSERT INTO ${T} SELECT game_id, team_abbr, game_date, points FROM \`${project}.nba_raw.nbac_team_boxscore\` WHERE game_date = DATE '2021-11-02'`);
    const w = new Wrapped(duck);
    const s = await runBackfill(w, loadJob(loader()), { dates: ['2021-11-01', '2021-11-02', '2021-11-04'] });
    expect(s.outcomes).toEqual([
      { date: '2021-11-01', status: 'success' },
      { date: '2021-11-02', status: 'failed', reason: 'no file for 2021-11-02', errorType: 'SourceUnavailable' },
      { date: '2021-11-04', status: 'failed', reason: undefined, errorType: 'ParseError' },
    ]);
    // The running rows, one per loaded date, one per failed date.
    expect([s.statements, s.records, s.total, s.done, s.failed, s.interrupted]).toEqual([4, 4, 3, 3, 2, false]);
    const rows = await history();
    expect(rows.map((r) => [r.data_date, r.status, r.attempt, r.records_processed])).toEqual([
      ['2021-11-01', 'success', 1, 4], ['2021-11-02', 'failed', 1, 0], ['2021-11-04', 'failed', 1, 0],
    ]);
    expect(JSON.parse(String(rows[1].errors))).toEqual({ error: 'SourceUnavailable: no file for 2021-11-02', error_type: 'SourceUnavailable' });
    expect(JSON.parse(String(rows[2].errors))).toEqual({ error: 'ParseError: the source has no data for this date', error_type: 'ParseError' });
  });

  it('a loader that throws fails its chunk as a ProcessorError', async () => {
    const s = await runBackfill(new Wrapped(duck), loadJob(async () => { throw new Error('source down'); }), { dates: ['2021-11-01', '2021-11-02'] });
    expect(s.outcomes).toEqual([{ date: '2021-11-01', status: 'failed', reason: 'source down' }, { date: '2021-11-02', status: 'failed', reason: 'source down' }]);
    expect((await history()).map((r) => [r.status, JSON.parse(String(r.errors)).error])).toEqual([['failed', 'ProcessorError: source down'], ['failed', 'ProcessorError: source down']]);
  });

  it('a loader stopped half-way (its dates not all answered) leaves the run interrupted, not complete', async () => {
    const stop = new AbortController();
    const load: RunnableJob['load'] = async (w, ds, alsoCommit) => { const r = await loader()!(w, ds.slice(0, 1), alsoCommit); stop.abort(); return r; };
    const s = await runBackfill(new Wrapped(duck), loadJob(load), { dates: ['2021-11-01', '2021-11-05'], signal: stop.signal });
    expect([s.total, s.done, s.interrupted, s.records]).toEqual([2, 1, true, 4]);
  });
});

describe('runner: the warehouse itself fails mid-run', () => {
  /** setTimeout's delays while the failed chunk's dates are closed, each pause cut to nothing. */
  const pausesWhile = (w: Wrapped) => {
    const delays: number[] = [];
    const real = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      if (w.historyScripts > 0) { delays.push(ms ?? 0); return real(fn, 0); }
      return real(fn, ms);
    }) as typeof setTimeout);
    return delays;
  };

  it('closes the chunk’s dates through a passing outage, pausing longer each time, then stops the run with the warehouse’s error', async () => {
    const w = new Wrapped(duck);
    w.chunkFault = () => new WarehouseError('TRANSIENT', 'backend unavailable');
    w.historyFault = (n) => (n < 3 ? new WarehouseError('TRANSIENT', `still down (${n})`) : undefined);
    const delays = pausesWhile(w);
    const run = runBackfill(w, teamJob(fromBox), { dates: ['2021-11-01', '2021-11-02'], closeRetry: { attempts: 3, pauseMs: 7 } });
    await expect(run).rejects.toMatchObject({ code: 'TRANSIENT', message: 'backend unavailable' });
    expect(w.historyScripts).toBe(3);
    expect(delays).toEqual([7, 14]);
    expect((await history()).map((r) => [r.data_date, r.status, r.attempt, JSON.parse(String(r.errors))])).toEqual([
      ['2021-11-01', 'failed', 1, { error: 'TRANSIENT: backend unavailable', error_type: 'TRANSIENT' }],
      ['2021-11-02', 'failed', 1, { error: 'TRANSIENT: backend unavailable', error_type: 'TRANSIENT' }],
    ]);
    expect(await rowsOf()).toBe(0);
  });

  it('gives up closing after the tries it was given, with the last error, and leaves the dates running', async () => {
    const w = new Wrapped(duck);
    w.chunkFault = () => new WarehouseError('TIMEOUT', 'query timed out');
    w.historyFault = (n) => new WarehouseError('TRANSIENT', `still down (${n})`);
    const delays = pausesWhile(w);
    await expect(runBackfill(w, teamJob(fromBox), { dates: ['2021-11-01'], closeRetry: { attempts: 3, pauseMs: 7 } })).rejects.toThrow('still down (3)');
    expect([w.historyScripts, delays]).toEqual([3, [7, 14]]);
    expect((await history()).map((r) => r.status)).toEqual(['running']);
  });

  it('by default tries five times, pausing 1, 2, 4 and 8 seconds', async () => {
    const w = new Wrapped(duck);
    w.chunkFault = () => new WarehouseError('TRANSIENT', 'backend unavailable');
    w.historyFault = (n) => new WarehouseError('TRANSIENT', `still down (${n})`);
    const delays = pausesWhile(w);
    await expect(runBackfill(w, teamJob(fromBox), { dates: ['2021-11-01'] })).rejects.toThrow('still down (5)');
    expect([w.historyScripts, delays]).toEqual([5, [1000, 2000, 4000, 8000]]);
  });
});

describe('runner: stops, skips and retries, recorded as they happened', () => {
  it('a run stopped by another job’s failure records its dates Stopped with that reason; Ctrl+C records Interrupted', async () => {
    const stopped = new AbortController();
    stopped.abort(new RunStopped('analytics/x failed on 2021-11-01'));
    await runBackfill(duck, teamJob(fromBox), { dates: ['2021-11-01'], signal: stopped.signal });
    const ctrlC = new AbortController();
    ctrlC.abort();
    await runBackfill(duck, teamJob(fromBox), { dates: ['2021-11-02'], signal: ctrlC.signal });
    expect((await history()).map((r) => JSON.parse(String(r.errors)))).toEqual([
      { error: 'Stopped: not run: analytics/x failed on 2021-11-01; re-run to finish it', error_type: 'Stopped' },
      { error: 'Interrupted: stopped by the operator (Ctrl+C) before this date ran; re-run to finish it', error_type: 'Interrupted' },
    ]);
  });

  it('skips carry their reason in the outcomes and the history: no game, Phase 4 bootstrap', async () => {
    await duck.execute(`INSERT INTO \`${project}.nba_raw.nbac_schedule\` (game_id, game_date, game_status) VALUES ('b1', DATE '2021-10-19', 3)`);
    const s = await runBackfill(duck, teamJob(fromBox, { phase: 'phase_4_precompute', dependencies: [] }), { dates: ['2021-10-18', '2021-10-19'] });
    expect(s.outcomes).toEqual([{ date: '2021-10-18', status: 'skipped', reason: 'no_games' }, { date: '2021-10-19', status: 'skipped', reason: 'bootstrap' }]);
    expect([s.total, s.done, s.skipped]).toEqual([2, 2, 2]);
    expect((await history()).map((r) => [r.data_date, r.status, r.skip_reason])).toEqual([['2021-10-18', 'skipped', 'no_games'], ['2021-10-19', 'skipped', 'bootstrap']]);
  });

  it('a job whose dates are all in its scope writes no skip: the running rows and the transaction only', async () => {
    await duck.execute(`CREATE TABLE \`${project}.nba_raw.lines\` (game_date DATE)`);
    await duck.execute(`INSERT INTO \`${project}.nba_raw.lines\` VALUES (DATE '2021-11-01'), (DATE '2021-11-02')`);
    const s = await runBackfill(duck, teamJob(fromBox, { scope: { table: 'nba_raw.lines', dateColumn: 'game_date', skipReason: 'no_props_lines' } }), { dates: ['2021-11-01', '2021-11-02'] });
    expect([s.statements, s.skipped, s.records]).toEqual([2, 0, 8]);
  });

  it('dates lacking every member of an anyOf group fail together, each naming the whole group', async () => {
    await duck.execute(`DELETE FROM \`${project}.nba_raw.nbac_team_boxscore\` WHERE game_date = DATE '2021-11-04'`);
    const job = teamJob(fromBox, { dependencies: [
      { table: 'nba_raw.nbac_team_boxscore', dateColumn: 'game_date', lookbackDays: 0, required: false, anyOf: 'box' },
      { table: 'nba_raw.bdl_player_boxscores', dateColumn: 'game_date', lookbackDays: 0, required: false, anyOf: 'box' },
    ] });
    const s = await runBackfill(duck, job, { dates: ['2021-11-02', '2021-11-03', '2021-11-04'] });
    const group = ['nba_raw.nbac_team_boxscore', 'nba_raw.bdl_player_boxscores'];
    expect(s.outcomes).toEqual([
      { date: '2021-11-03', status: 'failed', reason: 'DependencyError', missing: group },
      { date: '2021-11-04', status: 'failed', reason: 'DependencyError', missing: group },
      { date: '2021-11-02', status: 'success' },
    ]);
  });

  it('a check failing on a new date at every try is retried once per check and once more; the rest of the chunk then fails with its error', async () => {
    // Duplicates only on the earliest date given: every retry without it fails on the next one.
    const dupFirst = `${fromBox} UNION ALL SELECT game_id, team_abbr, game_date, points FROM \`$P.nba_raw.nbac_team_boxscore\` WHERE game_date = @first_date`;
    const todo = ['2021-11-01', '2021-11-02', '2021-11-04', '2021-11-05', '2021-11-06', '2021-11-08', '2021-11-09'];
    const s = await runBackfill(duck, teamJob(dupFirst), { dates: todo });
    // Three checks (keys not NULL, keys unique, rows per game) + 1 = 4 retries: tries 0-3 fail one date each, try 4 gives up.
    const byCheck = s.outcomes.filter((o) => o.reason?.startsWith('data check "keys unique" failed on ')).map((o) => o.date);
    expect(byCheck).toEqual(['2021-11-01', '2021-11-02', '2021-11-04', '2021-11-05']);
    const rest = s.outcomes.filter((o) => !byCheck.includes(o.date));
    expect(rest.map((o) => o.date)).toEqual(['2021-11-06', '2021-11-08', '2021-11-09']);
    for (const o of rest) expect(o.reason).toContain('data check "keys unique" failed in nba_analytics.t: [2021-11-06] 4 duplicated key(s)');
    // The running rows, 5 tries, 4 dates failed one by one, the rest at once.
    expect([s.statements, s.failed, s.records]).toEqual([1 + 5 + 4 + 1, 7, 0]);
    expect(await rowsOf()).toBe(0);
  });

  it('a chunk whose running rows cannot be written fails alone; the next chunk runs', async () => {
    const w = new Wrapped(duck);
    let running = 0;
    w.executeFault = (params) => (params?.status === 'running' && ++running === 1 ? new WarehouseError('CONFLICT', 'write-write conflict on the run history') : undefined);
    const s = await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-01', '2021-11-02'], chunks: 2 });
    expect(s.outcomes).toEqual([{ date: '2021-11-01', status: 'failed', reason: 'write-write conflict on the run history' }, { date: '2021-11-02', status: 'success' }]);
    // Running rows (failed), their closing, the next chunk's running rows and transaction.
    expect([s.statements, s.records]).toEqual([4, 4]);
  });

  it('a check error that names none of the chunk’s dates fails the chunk at once', async () => {
    const w = new Wrapped(duck);
    w.chunkFault = () => new Error('data check "keys unique" failed in nba_analytics.t: (details cut off)');
    const s = await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-01', '2021-11-02'] });
    // The running rows, one try of the chunk, its dates marked failed (one script): no retry.
    expect([s.statements, w.scripts.map((x) => x.statements > 0)]).toEqual([3, [true, false]]);
    expect(s.outcomes.map((o) => o.reason)).toEqual(['data check "keys unique" failed in nba_analytics.t: (details cut off)', 'data check "keys unique" failed in nba_analytics.t: (details cut off)']);
  });

  it('rows per final game on a table without teams names the games short of rows and their count', async () => {
    await duck.execute(`CREATE TABLE \`${project}.nba_analytics.g\` (game_id STRING, game_date DATE)`);
    const job = teamJob('', {
      output: { name: 'nba_analytics.g', dateColumn: 'game_date', keys: ['game_id'] }, rowsPerGame: 1,
      insertSql: (pr) => `INSERT INTO \`${pr}.nba_analytics.g\` SELECT game_id, game_date FROM \`${pr}.nba_raw.nbac_schedule\` WHERE game_date IN UNNEST(@dates) AND game_id != 'g0-1'`,
    });
    const s = await runBackfill(duck, job, { dates: ['2021-11-01', '2021-11-02'] });
    expect(s.outcomes).toEqual([
      { date: '2021-11-01', status: 'failed', reason: 'data check "rows per final game" failed on 2021-11-01: 1 game(s) without 1 rows: game_id=g0-1 has 0' },
      { date: '2021-11-02', status: 'success' },
    ]);
  });
});

describe('runner: what it says of its output and its time', () => {
  it('the output’s dates come sorted whatever order the read returns; a run whose last chunk failed does not claim them', async () => {
    const w = new Wrapped(duck);
    w.reverseReads = true;
    expect((await runBackfill(w, teamJob(fromBox), { start: '2021-11-01', end: '2021-11-05' })).outputDates).toEqual(['2021-11-01', '2021-11-02', '2021-11-04', '2021-11-05']);
    // Two chunks (11-01, 11-02 | 11-04, 11-05); the second fails.
    w.chunkFault = (st) => (JSON.stringify(st).includes('2021-11-05') ? new WarehouseError('INVALID_SQL', 'no') : undefined);
    const s = await runBackfill(w, teamJob(fromBox), { start: '2021-11-01', end: '2021-11-05', chunks: 2 });
    expect(s.outcomes.map((o) => [o.date, o.status])).toEqual([['2021-11-03', 'failed'], ['2021-11-01', 'success'], ['2021-11-02', 'success'], ['2021-11-04', 'failed'], ['2021-11-05', 'failed']]);
    expect(s.outputDates).toBeUndefined();
  });

  it('a chunk whose read comes back empty: its rows are counted afterwards, and the run claims no output dates', async () => {
    const w = new Wrapped(duck);
    w.dropReads = true;
    const s = await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-01', '2021-11-02'] });
    expect([s.records, s.outputDates]).toEqual([8, undefined]);
    // The plan's read, the abandoned rows, and the count of the two dates' rows.
    expect(w.queries).toHaveLength(3);
  });

  it('its duration is measured from its own start: never more than the time around the call', async () => {
    const before = Date.now();
    const s = await runBackfill(duck, teamJob(fromBox), { dates: ['2021-11-01'] });
    expect(s.ms).toBeGreaterThanOrEqual(0);
    expect(s.ms).toBeLessThanOrEqual(Date.now() - before);
  });

  it('uses the facts it is given when they cover its tables; reads its own when they do not', async () => {
    const job = teamJob(fromBox);
    const factsReads = (w: Wrapped) => w.queries.filter((q) => / AS k, /.test(q)).length;
    const full = await readDateFacts(duck, { dates: ['2021-11-01'] }, { tables: planTables(job) });
    const a = new Wrapped(duck);
    expect((await runBackfill(a, job, { dates: ['2021-11-01'], facts: full })).outcomes).toEqual([{ date: '2021-11-01', status: 'success' }]);
    expect(factsReads(a)).toBe(0);
    // Facts without the box scores: used as they are, they would fail 11-01 as DependencyError.
    const partial = await readDateFacts(duck, { dates: ['2021-11-01'] }, { tables: [] });
    const b = new Wrapped(duck);
    expect((await runBackfill(b, job, { dates: ['2021-11-01'], facts: partial })).outcomes).toEqual([{ date: '2021-11-01', status: 'success' }]);
    expect(factsReads(b)).toBe(1);
  });

  it('facts covering the dependency but not the scope are not used: the run reads both', async () => {
    await duck.execute(`CREATE TABLE \`${project}.nba_raw.lines\` (game_date DATE)`);
    await duck.execute(`INSERT INTO \`${project}.nba_raw.lines\` VALUES (DATE '2021-11-02')`);
    const job = teamJob(fromBox, { scope: { table: 'nba_raw.lines', dateColumn: 'game_date', skipReason: 'no_props_lines' } });
    const facts = await readDateFacts(duck, { dates: ['2021-11-01', '2021-11-02'] }, { tables: job.dependencies });
    const w = new Wrapped(duck);
    const s = await runBackfill(w, job, { dates: ['2021-11-01', '2021-11-02'], facts });
    expect(s.outcomes).toEqual([{ date: '2021-11-01', status: 'skipped', reason: 'no_props_lines' }, { date: '2021-11-02', status: 'success' }]);
  });
});

describe('runner: abandoned rows, again after a minute', () => {
  it('a run within the minute leaves a dead run’s rows alone; the first run once the minute has passed closes them', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.parse('2026-12-01T02:00:00Z');
    vi.setSystemTime(t0);
    const host = (await import('node:os')).hostname();
    const dead = (runId: string) => duck.execute(`INSERT INTO ${H} (run_id, processor_name, phase, data_date, status, started_at, records_processed, attempt, host, pid)
VALUES (@run_id, 'XProcessor', 'phase_3_analytics', DATE '2021-11-09', 'running', CURRENT_TIMESTAMP(), 0, 1, @host, 999999)`, { run_id: runId, host });
    const states = async () => (await duck.query(`SELECT status FROM ${H} WHERE run_id = 'dead' ORDER BY attempt`)).rows.map((r) => r.status);
    const w = new Wrapped(duck);
    await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-01'] });
    await dead('dead');
    vi.setSystemTime(t0 + 59_999);
    await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-02'] });
    expect(await states()).toEqual(['running']);
    vi.setSystemTime(t0 + 60_000);
    await runBackfill(w, teamJob(fromBox), { dates: ['2021-11-04'] });
    expect(await states()).toEqual(['failed']);
  });
});

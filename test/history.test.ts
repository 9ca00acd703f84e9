/**
 * The run history's statements on an in-memory warehouse: what each one writes,
 * column by column, checked against values written here by hand.
 */
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { ensureBaseSchema } from '../lib/warehouse/open.ts';
import { p } from '../lib/warehouse/params.ts';
import { closeAbandoned, errorJson, insertAttempts, latestStates, markFailed, markSucceeded, migrateRunHistory, type HistoryKey } from '../lib/backfill/history.ts';
import type { Statement } from '../lib/warehouse/types.ts';

const project = 'nba-props-platform';
const H = `\`${project}.nba_reference.processor_run_history\``;
let w: DuckDBWarehouse;
let release: () => void;
let holding: Promise<unknown>;

beforeEach(async () => {
  w = new DuckDBWarehouse({ file: ':memory:', project });
  const held = new Promise<void>((resolve) => { release = resolve; });
  holding = w.hold(() => held);
  await ensureBaseSchema(w);
  await w.execute(`CREATE TABLE \`${project}.nba_analytics.out\` (game_date DATE, k STRING)`);
});
afterEach(async () => { release(); await holding; await w.close(); });

const run = (s: Statement) => w.execute(s.sql, s.params);
const key = (runId: string, processorName = 'OutProcessor'): HistoryKey => ({ runId, processorName, phase: 'phase_3_analytics' });
const rows = async (where = 'TRUE') => (await w.query(`SELECT run_id, processor_name, phase, data_date, status, finished_at IS NOT NULL AS finished,
  records_processed, errors, missing_dependencies, skip_reason, attempt, host, pid
FROM ${H} WHERE ${where} ORDER BY data_date, attempt, run_id`)).rows;

describe('run history: new attempts', () => {
  it('one row per date, with every column as the data contract says', async () => {
    await run(insertAttempts(project, key('r1'), ['2021-11-02', '2021-11-01'], { status: 'skipped', skipReason: 'no_games' }));
    const base = { run_id: 'r1', processor_name: 'OutProcessor', phase: 'phase_3_analytics', status: 'skipped', finished: true, records_processed: 0,
      errors: null, missing_dependencies: [], skip_reason: 'no_games', attempt: 1, host: os.hostname(), pid: process.pid };
    expect(await rows()).toEqual([{ ...base, data_date: '2021-11-01' }, { ...base, data_date: '2021-11-02' }]);
  });

  it('a running row has no finish time; a failed one keeps its error and missing tables', async () => {
    await run(insertAttempts(project, key('r1'), ['2021-11-01'], { status: 'running' }));
    await run(insertAttempts(project, key('r1', 'Other'), ['2021-11-01'], {
      status: 'failed', errors: errorJson('DependencyError', 'missing a'), missing: ['nba_raw.a', 'nba_raw.b'],
    }));
    expect((await rows()).map((r) => [r.processor_name, r.status, r.finished, r.errors, r.missing_dependencies, r.skip_reason])).toEqual([
      ['OutProcessor', 'running', false, null, [], null],
      ['Other', 'failed', true, '{"error":"DependencyError: missing a","error_type":"DependencyError"}', ['nba_raw.a', 'nba_raw.b'], null],
    ]);
  });

  it('onlyNew: only the dates this run has no row for yet (a failed script closing its dates)', async () => {
    await run(insertAttempts(project, key('r1'), ['2021-11-01'], { status: 'running' }));
    await run(insertAttempts(project, key('r2'), ['2021-11-02'], { status: 'running' }));
    await run(insertAttempts(project, key('r1'), ['2021-11-01', '2021-11-02'], { status: 'failed', errors: 'e', onlyNew: true }));
    expect((await rows()).map((r) => `${r.data_date} ${r.run_id}#${r.attempt} ${r.status}`)).toEqual([
      '2021-11-01 r1#1 running', '2021-11-02 r2#1 running', '2021-11-02 r1#2 failed', // by date, then attempt
    ]);
  });

  it('numbers attempts per processor and date: earlier rows + 1, whatever the run', async () => {
    await run(insertAttempts(project, key('r1'), ['2021-11-01', '2021-11-02'], { status: 'running' }));
    await run(insertAttempts(project, key('r2'), ['2021-11-02', '2021-11-03'], { status: 'running' }));
    await run(insertAttempts(project, key('r3', 'Other'), ['2021-11-02'], { status: 'running' }));
    await run(insertAttempts(project, key('r4'), ['2021-11-02'], { status: 'running' }));
    expect((await rows()).map((r) => `${r.processor_name} ${r.data_date} ${r.run_id}#${r.attempt}`)).toEqual([
      'OutProcessor 2021-11-01 r1#1',
      'OutProcessor 2021-11-02 r1#1', 'Other 2021-11-02 r3#1', 'OutProcessor 2021-11-02 r2#2', 'OutProcessor 2021-11-02 r4#3',
      'OutProcessor 2021-11-03 r2#1',
    ]);
  });
});

describe('run history: finishing attempts', () => {
  it('success counts the rows the output holds for each date, for this run and processor only', async () => {
    await w.execute(`INSERT INTO \`${project}.nba_analytics.out\` VALUES (DATE '2021-11-01', 'a'), (DATE '2021-11-01', 'b'), (DATE '2021-11-02', 'c')`);
    await run(insertAttempts(project, key('r1'), ['2021-11-01', '2021-11-02', '2021-11-03'], { status: 'running' }));
    await run(insertAttempts(project, key('r2'), ['2021-11-01'], { status: 'running' }));
    await run(insertAttempts(project, key('r1', 'Other'), ['2021-11-01'], { status: 'running' }));
    await run(markSucceeded(project, key('r1'), ['2021-11-01', '2021-11-02'], { table: 'nba_analytics.out', dateColumn: 'game_date' }));
    expect((await rows()).map((r) => [r.processor_name, r.run_id, r.data_date, r.status, r.finished, r.records_processed])).toEqual([
      ['OutProcessor', 'r1', '2021-11-01', 'success', true, 2],
      ['Other', 'r1', '2021-11-01', 'running', false, 0],
      ['OutProcessor', 'r2', '2021-11-01', 'running', false, 0],
      ['OutProcessor', 'r1', '2021-11-02', 'success', true, 1],
      ['OutProcessor', 'r1', '2021-11-03', 'running', false, 0],
    ]);
  });

  it('failure marks only this run’s running rows for the dates, with the error', async () => {
    await run(insertAttempts(project, key('r1'), ['2021-11-01', '2021-11-02', '2021-11-03'], { status: 'running' }));
    await run(insertAttempts(project, key('r1'), ['2021-11-04'], { status: 'skipped', skipReason: 'bootstrap' }));
    await run(insertAttempts(project, key('r2'), ['2021-11-01'], { status: 'running' }));
    await run(insertAttempts(project, key('r1', 'Other'), ['2021-11-01'], { status: 'running' }));
    await run(markFailed(project, key('r1'), ['2021-11-01', '2021-11-02', '2021-11-04'], 'boom'));
    expect((await rows()).map((r) => [r.processor_name, r.run_id, r.data_date, r.status, r.finished, r.errors])).toEqual([
      ['OutProcessor', 'r1', '2021-11-01', 'failed', true, 'boom'],
      ['Other', 'r1', '2021-11-01', 'running', false, null],
      ['OutProcessor', 'r2', '2021-11-01', 'running', false, null],
      ['OutProcessor', 'r1', '2021-11-02', 'failed', true, 'boom'],
      ['OutProcessor', 'r1', '2021-11-03', 'running', false, null],
      ['OutProcessor', 'r1', '2021-11-04', 'skipped', true, null],
    ]);
  });

  it('errorJson: the type and message first, then the extra fields', () => {
    expect(errorJson('DependencyError', 'missing x', { missing_dependencies: ['x'] })).toBe('{"error":"DependencyError: missing x","error_type":"DependencyError","missing_dependencies":["x"]}');
    expect(errorJson('Abandoned', 'gone')).toBe('{"error":"Abandoned: gone","error_type":"Abandoned"}');
  });
});

describe('run history: abandoned rows', () => {
  /** A pid that is certainly not running: a child that has already exited. */
  const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
  const running = (runId: string, processor: string, date: string, pid: number | null, host = os.hostname()) =>
    w.execute(`INSERT INTO ${H} (run_id, processor_name, phase, data_date, status, started_at, records_processed, attempt, host, pid)
VALUES (@run_id, @processor, 'phase_3_analytics', @date, 'running', CURRENT_TIMESTAMP(), 0, 1, @host, @pid)`,
    { run_id: runId, processor, date: p.date(date), host, pid: pid === null ? p.null('INT64') : p.int(pid) });

  it('closes the running rows of dead processes on this host, and leaves live ones and other hosts alone', async () => {
    await running('dead', 'OutProcessor', '2021-11-01', deadPid());
    await running('dead', 'OutProcessor', '2021-11-02', deadPid());
    await running('no-pid', 'OutProcessor', '2021-11-03', null);
    await running('alive', 'OutProcessor', '2021-11-04', process.pid);
    await running('parent', 'OutProcessor', '2021-11-05', process.ppid);
    await running('elsewhere', 'OutProcessor', '2021-11-06', deadPid(), 'another-host');
    await run(insertAttempts(project, key('done'), ['2021-11-07'], { status: 'skipped', skipReason: 'no_games' }));
    expect(await closeAbandoned(w)).toBe(3);
    const after = await rows();
    expect(after.map((r) => [r.run_id, r.status, r.finished])).toEqual([
      ['dead', 'failed', true], ['dead', 'failed', true], ['no-pid', 'failed', true],
      ['alive', 'running', false], ['parent', 'running', false], ['elsewhere', 'running', false], ['done', 'skipped', true],
    ]);
    expect(JSON.parse(String(after[0].errors))).toMatchObject({ error_type: 'Abandoned' });
    expect(String(after[0].errors)).toContain('a re-run supersedes it');
    expect(await closeAbandoned(w)).toBe(0);
  });

  it('returns the rows closed, not the runs: one dead run on two dates is 2', async () => {
    const pid = deadPid();
    await running('dead', 'OutProcessor', '2021-11-01', pid);
    await running('dead', 'OutProcessor', '2021-11-02', pid);
    expect(await closeAbandoned(w)).toBe(2);
  });

  it('writes nothing when no run is dead', async () => {
    await running('alive', 'OutProcessor', '2021-11-04', process.pid);
    const execute = vi.spyOn(w, 'execute');
    try {
      expect(await closeAbandoned(w)).toBe(0);
      expect(execute).not.toHaveBeenCalled();
    } finally { execute.mockRestore(); }
  });

  /** process.kill(pid, 0) answering with an error code for every pid. */
  const killSays = (code: string) => vi.spyOn(process, 'kill').mockImplementation(() => { throw Object.assign(new Error(code), { code }); });

  it('a process of another user (kill answers EPERM) is alive; a row without a pid is dead', async () => {
    await running('other-user', 'OutProcessor', '2021-11-01', 4242);
    await running('no-pid', 'OutProcessor', '2021-11-02', null);
    const kill = killSays('EPERM');
    try { expect(await closeAbandoned(w)).toBe(1); } finally { kill.mockRestore(); }
    expect((await rows()).map((r) => [r.run_id, r.status])).toEqual([['other-user', 'running'], ['no-pid', 'failed']]);
  });

  it('a pid kill says is gone (ESRCH) is dead; this process is alive whatever kill says', async () => {
    await running('gone', 'OutProcessor', '2021-11-01', 4242);
    await running('me', 'OutProcessor', '2021-11-02', process.pid);
    const kill = killSays('ESRCH');
    try { expect(await closeAbandoned(w)).toBe(1); } finally { kill.mockRestore(); }
    expect((await rows()).map((r) => [r.run_id, r.status])).toEqual([['gone', 'failed'], ['me', 'running']]);
  });
});

describe('run history: an older table', () => {
  it('gains the columns this runbook adds (attempt, host, pid), once; its rows keep their values', async () => {
    await w.execute(`DROP TABLE ${H}`);
    await w.execute(`CREATE TABLE ${H} (run_id STRING, processor_name STRING, phase STRING, data_date DATE, status STRING, started_at TIMESTAMP,
  finished_at TIMESTAMP, records_processed INT64, errors STRING, missing_dependencies ARRAY<STRING>, skip_reason STRING)`);
    await w.execute(`INSERT INTO ${H} (run_id, processor_name, phase, data_date, status, records_processed) VALUES ('old', 'OutProcessor', 'phase_3_analytics', DATE '2021-11-01', 'success', 7)`);
    expect(await migrateRunHistory(w)).toEqual(['attempt', 'host', 'pid']);
    expect(await migrateRunHistory(w)).toEqual([]);
    expect((await rows()).map((r) => [r.run_id, r.records_processed, r.attempt, r.host, r.pid])).toEqual([['old', 7, null, null, null]]);
    await run(insertAttempts(project, key('new'), ['2021-11-01'], { status: 'running' }));
    expect((await rows()).map((r) => [r.run_id, r.attempt, r.pid])).toEqual([['new', 2, process.pid], ['old', null, null]]); // ordered by attempt: NULL last
  });

  it('a current table gains nothing', async () => {
    expect(await migrateRunHistory(w)).toEqual([]);
  });
});

describe('run history: parameters', () => {
  it('a missing error or skip reason is bound as a NULL of type STRING (BigQuery needs the type of a NULL)', () => {
    const s = insertAttempts(project, key('r1'), ['2021-11-01'], { status: 'running' });
    expect(s.params!.errors).toEqual(p.null('STRING'));
    expect(s.params!.skip_reason).toEqual(p.null('STRING'));
    const given = insertAttempts(project, key('r1'), ['2021-11-01'], { status: 'skipped', errors: 'e', skipReason: 'no_games' });
    expect([given.params!.errors, given.params!.skip_reason]).toEqual(['e', 'no_games']);
  });
});

describe('run history: latest states', () => {
  it('the latest attempt per processor and date in the range, for the processors asked', async () => {
    await run(insertAttempts(project, key('r1'), ['2021-10-31', '2021-11-01', '2021-11-02'], { status: 'failed', errors: 'e1', missing: ['m'] }));
    await run(insertAttempts(project, key('r2'), ['2021-11-01'], { status: 'skipped', skipReason: 'no_games' }));
    await run(insertAttempts(project, key('r3', 'Other'), ['2021-11-01'], { status: 'running' }));
    await run(insertAttempts(project, key('r4', 'Third'), ['2021-11-01'], { status: 'running' }));
    const r = await w.query(latestStates(project), { processors: p.strings(['OutProcessor', 'Other']), start_date: p.date('2021-11-01'), end_date: p.date('2021-11-30') });
    expect(r.rows).toEqual([
      { processor_name: 'Other', data_date: '2021-11-01', status: 'running', errors: null, missing_dependencies: [], skip_reason: null, records_processed: 0 },
      { processor_name: 'OutProcessor', data_date: '2021-11-01', status: 'skipped', errors: null, missing_dependencies: [], skip_reason: 'no_games', records_processed: 0 },
      { processor_name: 'OutProcessor', data_date: '2021-11-02', status: 'failed', errors: 'e1', missing_dependencies: ['m'], skip_reason: null, records_processed: 0 },
    ]);
  });
});

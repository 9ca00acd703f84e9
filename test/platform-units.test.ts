/** The platform seam's small parts: runner flags and the fence, the board, run-history tallies, --list at narrow widths. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRunner } from '../lib/notebook/flags.ts';
import { UsageError } from '../lib/notebook/errors.ts';
import { shortenMiddle } from '../lib/platform/text.ts';
import { boardLine, type BoardItem } from '../lib/platform/board.ts';
import { latestFor, tally, type RecordedRow } from '../lib/platform/recorded.ts';
import { jobsInList, platformDir } from '../lib/platform/locate.ts';
import { listJobs } from '../lib/backfill/cli.ts';
import { Output } from '../lib/notebook/output.ts';
import { JOBS } from '../lib/jobs/registry.ts';
import { ROOT, backfill, sandbox, script } from './support/scripts.ts';

const CMD = path.join(ROOT, 'bin/run_backfill.sh');

describe('runner flags', () => {
  it('defaults: builtin on duckdb, command on bigquery, builtin with a sandbox suffix', () => {
    expect(resolveRunner({}, 'duckdb', null).runner).toBe('builtin');
    expect(resolveRunner({}, 'bigquery', null).runner).toBe('command');
    expect(resolveRunner({}, 'bigquery', '_rb_test').runner).toBe('builtin');
    expect(resolveRunner({ 'backfill-cmd': CMD }, 'duckdb', null)).toMatchObject({ backfillCmd: CMD, maxParallel: 5 });
  });

  it.each([
    [{ runner: 'builtin' }, 'bigquery', null, /--runner builtin .* refused on BigQuery; .*--sandbox-suffix S/],
    [{ runner: 'command' }, 'duckdb', '_s', /--sandbox-suffix .* takes no suffix/],
    [{ runner: 'local' }, 'duckdb', null, /--runner "local": valid runners are builtin, command/],
    [{ 'max-parallel': '0' }, 'duckdb', null, /--max-parallel "0" must be a whole number from 1 to 32/],
    [{ 'max-parallel': '2x' }, 'duckdb', null, /--max-parallel "2x"/],
    [{ 'backfill-cmd': path.join(ROOT, 'README.md') }, 'duckdb', null, /--backfill-cmd .* is not an executable file/],
    [{ 'backfill-cmd': '/nonexistent/run_backfill.sh' }, 'duckdb', null, /is not an executable file/],
    [{ 'platform-dir': path.join(ROOT, 'README.md') }, 'duckdb', null, /--platform-dir .* is not a directory/],
  ] as const)('%o on %s is refused with one line', (flags, backend, suffix, message) => {
    expect(() => resolveRunner(flags as never, backend, suffix)).toThrow(UsageError);
    expect(() => resolveRunner(flags as never, backend, suffix)).toThrow(message);
  });

  it('the platform directory: --platform-dir, else the git top-level of the command, else the parent of bin/', () => {
    expect(platformDir({ platformDir: '/srv/x', backfillCmd: CMD })).toBe('/srv/x');
    expect(platformDir({ platformDir: null, backfillCmd: path.join(ROOT, 'test/fixtures/platform/traced.sh') })).toBe(fs.realpathSync(ROOT));
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-nogit-'));
    fs.mkdirSync(path.join(bare, 'bin'));
    expect(platformDir({ platformDir: null, backfillCmd: path.join(bare, 'bin', 'run_backfill.sh') })).toBe(bare);
  });
});

describe('scripts that start jobs check the runner before anything runs', () => {
  it('02 on BigQuery without --backfill-cmd: one line, exit 2', () => {
    const sb = sandbox({ seeded: false });
    const r = script('02-phase3', ['--season', '2021-22', '--yes', '--backend', 'bigquery'], sb, { RUNBOOK_BACKFILL_CMD: '', BIGQUERY_EMULATOR_HOST: 'http://127.0.0.1:9' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: --runner command \(the default on BigQuery\) needs the platform's run_backfill.sh: give --backfill-cmd PATH/)]);
    expect(r.stdout).toBe('');
  });

  it('03 on BigQuery with --runner builtin and no sandbox: refused, exit 2', () => {
    const sb = sandbox({ seeded: false });
    const r = script('03-phase4', ['--season', '2021-22', '--yes', '--backend', 'bigquery', '--runner', 'builtin'], sb, { BIGQUERY_EMULATOR_HOST: 'http://127.0.0.1:9' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/refused on BigQuery/);
  });
});

describe('the board', () => {
  const base: BoardItem = { label: 'analytics/player_game_summary', expected: 166, done: 0, failed: 0, seen: false, startedAt: 0 };

  it('a job without run history shows its elapsed time and says so, with no bar', () => {
    const line = boardLine({ ...base, lastLine: 'loading…' }, 100, 30, 75_000);
    expect(line).toContain('no run history yet 1m15s');
    expect(line).not.toMatch(/\[[#.]+\]/);
    expect(line).toContain('│ loading…');
  });

  it('with run history: done and failed out of expected, the exit code, cut to the width', () => {
    const line = boardLine({ ...base, seen: true, done: 83, failed: 2, finishedAt: 30_000, exit: 'exit 1', lastLine: 'x'.repeat(200) }, 80, 20, 99_000);
    expect(line).toMatch(/^analytics\/…e_summary \[#####.....\]   83\/166  2 failed 30s exit 1 │ x+…$/);
    expect([...line]).toHaveLength(80);
  });

  it('shortens in the middle, keeping the phase and the distinctive end', () => {
    expect(shortenMiddle('analytics/team_defense_game_summary', 24)).toBe('analytics/…_game_summary');
    expect(shortenMiddle('analytics/team_defense_game_summary', 24)).toHaveLength(24);
    expect(shortenMiddle('short', 24)).toBe('short');
  });
});

describe('run-history tallies', () => {
  const row = (d: string, status: string, attempt: number, started: string): RecordedRow => ({
    processor_name: 'P', data_date: d, status, attempt, started_at: started, records_processed: 1, errors: null, skip_reason: null, missing_dependencies: null,
  });
  it('counts the latest attempt per expected date since the job started, nothing else', () => {
    const since = Date.parse('2026-01-01T10:00:00Z');
    const rows = [
      row('2021-11-01', 'failed', 1, '2026-01-01T09:00:00Z'), // an older run: not this job's
      row('2021-11-01', 'running', 2, '2026-01-01T10:00:01Z'),
      row('2021-11-01', 'success', 3, '2026-01-01T10:00:05Z'),
      row('2021-11-02', 'failed', 2, '2026-01-01T10:00:05Z'),
      row('2021-11-03', 'running', 2, '2026-01-01T10:00:05Z'),
      row('2021-11-09', 'success', 2, '2026-01-01T10:00:05Z'), // not asked of this job
      { ...row('2021-11-04', 'success', 2, '2026-01-01T10:00:05Z'), processor_name: 'Q' },
    ];
    const latest = latestFor(rows, 'P', since, new Set(['2021-11-01', '2021-11-02', '2021-11-03', '2021-11-04']));
    expect(Object.fromEntries([...latest].map(([d, r]) => [d, r.status]))).toEqual({ '2021-11-01': 'success', '2021-11-02': 'failed', '2021-11-03': 'running' });
    expect(tally(latest)).toEqual({ done: 2, failed: 1, skipped: 0, running: 1, rows: 3 });
  });
});

describe('run_backfill.sh --list', () => {
  const listed = (width: number) => {
    let text = '';
    listJobs(new Output({ json: false, stdout: { write: (s: string) => { text += s; return true; } } as never }), width);
    return text.trimEnd().split('\n');
  };

  it('fits 100 columns with every job name whole, and parses back to the registry', () => {
    const lines = listed(100);
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(100);
    expect(jobsInList(lines.join('\n'))).toEqual(JOBS.map((j) => j.job));
    expect(lines.join('\n')).toContain('PlayerGameSummaryProcessor');
  });

  it('stays readable at 60: names shortened in the middle stay distinct, legends on their own lines', () => {
    const lines = listed(60);
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(60);
    const names = lines.slice(1, 1 + JOBS.length).map((l) => l.split(/\s+/)[0]);
    expect(new Set(names).size).toBe(JOBS.length);
    expect(names).toContain('analytics/…m_defense_game_summary');
    expect(lines.findIndex((l) => l.startsWith('runs:'))).toBeGreaterThan(JOBS.length);
  });

  it('bad --project and --max-bytes-billed: exit 2, one line naming the flag and what is valid', () => {
    const sb = sandbox({ seeded: false });
    const a = backfill(['analytics/player_game_summary', '--dates=2021-11-01', '--max-bytes-billed=abc'], sb);
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split('\n')).toEqual([expect.stringMatching(/--max-bytes-billed "abc" must be a positive whole number of bytes/)]);
    const b = backfill(['analytics/player_game_summary', '--dates=2021-11-01', '--project=Bad_Project'], sb);
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split('\n')).toEqual([expect.stringMatching(/--project "Bad_Project" is not a valid project id \(6-30 characters: a-z, 0-9 and -/)]);
    expect(fs.existsSync(sb.warehouse)).toBe(false);
  });

  it('on BigQuery lists no raw/ re-load (refused there: its rows are generated), every other job as on DuckDB', () => {
    const sb = sandbox({ seeded: false });
    const duck = backfill(['--list'], sb);
    const bq = backfill(['--list'], sb, { RUNBOOK_BACKEND: 'bigquery' });
    expect(duck.code).toBe(0);
    expect(bq.code).toBe(0);
    // Expected from the registry's names, not from the list code: the raw/ jobs are the ones named raw/.
    expect(jobsInList(duck.stdout)).toEqual(JOBS.map((j) => j.job));
    expect(jobsInList(bq.stdout)).toEqual(JOBS.map((j) => j.job).filter((j) => !j.startsWith('raw/')));
    expect(jobsInList(duck.stdout).filter((j) => j.startsWith('raw/')).length).toBeGreaterThan(0);
  });

  it('a reader that goes away (--list | head) ends nothing with EPIPE: exit 0, no stack trace', async () => {
    const child = spawn(path.join(ROOT, 'bin/run_backfill.sh'), ['--list'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    child.stdout.destroy(); // the pipe's reader is gone before the first line is written
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });
});

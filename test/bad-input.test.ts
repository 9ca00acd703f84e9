/**
 * The bad-input matrix: every script and run_backfill.sh, each given what an
 * operator might mistype at 2 a.m., and each facing every warehouse fault.
 * Each case: one clear line on stderr, exit 2, the warehouse byte-for-byte
 * unchanged and no journal.
 *
 * Fast: the cases run concurrently (child processes, awaited, not blocking), and
 * share their fixtures: one seeded copy for every mistyped flag (no case may
 * write it), one held file for every program.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, fileDigest, sandbox, type Ran, type Sandbox } from './support/scripts.ts';

/** Every runbook script, with arguments that would otherwise get as far as opening the warehouse. */
const SCRIPTS: [name: string, args: string[]][] = [
  ['01-validate-phase2', ['--yes']],
  ['02-phase3', ['--season', '2021-22', '--yes']],
  ['03-phase4', ['--season', '2021-22', '--yes']],
  ['04-remaining-seasons', ['--yes']],
  ['05-final', ['--yes']],
  ['monitor', ['--once']],
  ['troubleshoot', ['dependency-errors']],
];
const BACKFILL: string[] = ['analytics/player_game_summary', '--dates=2021-11-03'];

/** Every program of the matrix: the scripts and run_backfill.sh, as a path and its valid arguments. */
const PROGRAMS: [name: string, cmd: string, args: string[]][] = [
  ...SCRIPTS.map(([name, args]): [string, string, string[]] => [name, path.join('runbook', `${name}.mts`), args]),
  ['run_backfill', 'bin/run_backfill.sh', BACKFILL],
];

/** A program run as a user would, without blocking this process (the cases run side by side). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, cmd), args, {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1', TMUX: '', STY: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Each case's own journal path in the shared fixture's folder: none may be created. */
let journals = 0;
const journalIn = (sb: Sandbox) => path.join(sb.dir, `journal-${journals++}.jsonl`);

function expectRejected(r: Ran, message: RegExp): void {
  expect(r.code, r.stdout + r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(message);
}

/** Stands for the shared fixture's folder in a case's arguments. */
const SHARED_DIR = '<shared-dir>';

/**
 * Inside a describe: every case against one seeded copy, rejected with its
 * message, the copy byte-for-byte unchanged and no journal written.
 */
function eachRejectedOnSharedCopy(cases: Case[]): void {
  let shared: Sandbox;
  let before: string;
  beforeAll(() => { shared = sandbox(); before = fileDigest(shared.warehouse); });
  afterAll(() => { expect(fileDigest(shared.warehouse)).toBe(before); });

  it.concurrent.each(cases)('%s', async (_name, cmd, args, message) => {
    const journal = journalIn(shared);
    const r = await run(cmd, args.map((a) => a.replaceAll(SHARED_DIR, shared.dir)), { RUNBOOK_WAREHOUSE: shared.warehouse, RUNBOOK_JOURNAL: journal });
    expectRejected(r, message);
    expect(fileDigest(shared.warehouse)).toBe(before);
    expect(fs.existsSync(journal)).toBe(false);
  });
}

// ---- mistyped input -------------------------------------------------------------------------

const perScript: [string, string[], RegExp][] = [
  ['an unknown season', ['--season', '2025-26'], /unknown season "2025-26"; valid seasons: 2021-22, 2022-23, 2023-24, 2024-25/],
  ['an impossible date', ['--start-date', '2021-02-30', '--end-date', '2021-03-30'], /"2021-02-30" is not a valid date/],
  ['a month 13', ['--start-date', '2021-13-01', '--end-date', '2021-12-30'], /"2021-13-01" is not a valid date/],
  ['an empty date', ['--start-date=', '--end-date', '2021-12-30'], /"" is not a valid date/],
  ['a reversed range', ['--start-date', '2022-01-10', '--end-date', '2022-01-01'], /the range is reversed/],
  ['an unknown flag', ['--season', '2021-22', '--parallel'], /unknown flag --parallel/],
  ['SQL in a flag value', ['--season', "2021-22'; DROP TABLE x;--"], /unknown season/],
  ['an unknown backend', ['--season', '2021-22', '--backend', 'postgres'], /unknown backend "postgres"; valid: duckdb, bigquery/],
];

/** [name, program, args, message] */
type Case = [string, string, string[], RegExp];

const inputCases: Case[] = [
  ...SCRIPTS.flatMap(([s]) => perScript.map(([what, args, msg]): Case =>
    [`${s}: ${what}`, path.join('runbook', `${s}.mts`), [...(s === 'troubleshoot' ? ['dependency-errors'] : []), ...args], msg])),
  ['monitor: a zero interval', 'runbook/monitor.mts', ['--once', '--interval', '0'], /--interval "0": give whole seconds from 1 to/],
  ['troubleshoot: an unknown subcommand', 'runbook/troubleshoot.mts', ['fix-everything'], /unknown subcommand "fix-everything"/],
  ['troubleshoot: no subcommand', 'runbook/troubleshoot.mts', [], /name a subcommand/],
  ['04-remaining-seasons: an unknown season in --seasons', 'runbook/04-remaining-seasons.mts', ['--seasons', '2021-22,2030-31'], /unknown season "2030-31"/],
  ['run_backfill: an unknown job', 'bin/run_backfill.sh', ['analytics/player_summary', '--dates=2021-11-03'], /unknown job "analytics\/player_summary"; analytics jobs: analytics\/player_game_summary/],
  ['run_backfill: an unknown phase', 'bin/run_backfill.sh', ['reporting/player_game_summary', '--dates=2021-11-03'], /unknown phase in job "reporting\/player_game_summary"/],
  ['run_backfill: --dates with quotes and SQL', 'bin/run_backfill.sh', ['analytics/player_game_summary', "--dates=2021-11-03','2021-11-04'); DELETE FROM x; --"], /--dates .* is not a valid date/],
  ['run_backfill: --dates with a semicolon', 'bin/run_backfill.sh', ['analytics/player_game_summary', '--dates=2021-11-03;2021-11-04'], /not a valid date/],
  ['run_backfill: --dates empty', 'bin/run_backfill.sh', ['analytics/player_game_summary', '--dates='], /--dates is empty/],
  ['run_backfill: a reversed range', 'bin/run_backfill.sh', ['analytics/player_game_summary', '--start-date=2022-04-10', '--end-date=2021-10-19'], /reversed/],
  ['run_backfill: a malformed date', 'bin/run_backfill.sh', ['analytics/player_game_summary', '--start-date=2021-10-32', '--end-date=2021-11-01'], /"2021-10-32" is not a valid date/],
  ['run_backfill: an unknown flag', 'bin/run_backfill.sh', ['analytics/player_game_summary', '--dates=2021-11-03', '--force'], /unknown flag --force/],
  ['run_backfill: an unknown backend', 'bin/run_backfill.sh', [...BACKFILL, '--backend', 'postgres'], /unknown backend "postgres"/],
  ['run_backfill: no job', 'bin/run_backfill.sh', ['--dates=2021-11-03'], /name a job/],
  // The reference platform never writes a real BigQuery project (no emulator endpoint): refused before connecting.
  ['run_backfill: a job on a real BigQuery project', 'bin/run_backfill.sh', [...BACKFILL, '--backend', 'bigquery'], /refused: this run_backfill\.sh is the runbook's reference platform and never writes a real BigQuery project's datasets/],
];

describe('bad input: one line, exit 2, nothing written', () => {
  eachRejectedOnSharedCopy(inputCases);
});

// ---- every warehouse fault, on every program ---------------------------------------------

describe('a corrupt warehouse file: one line, exit 2, the file untouched', () => {
  // One file per case: two processes opening the same file at once would see it busy, not corrupt.
  it.concurrent.each(PROGRAMS)('%s', async (_name, cmd, args) => {
    const sb = sandbox({ seeded: false });
    fs.writeFileSync(sb.warehouse, 'this is not a database\n'.repeat(200));
    const before = fileDigest(sb.warehouse);
    const r = await run(cmd, args, { RUNBOOK_WAREHOUSE: sb.warehouse, RUNBOOK_JOURNAL: sb.journal });
    expectRejected(r, /not a readable DuckDB file/);
    expect(fileDigest(sb.warehouse)).toBe(before);
    expect(fs.existsSync(sb.journal)).toBe(false);
  });
});

describe('an unwritable warehouse location: one line, exit 2', () => {
  it.concurrent.each(PROGRAMS)('%s', async (name, cmd, args) => {
    const sb = sandbox({ seeded: false });
    // run_backfill.sh refuses to write a real project before connecting; its dry run connects.
    const r = await run(cmd, name === 'run_backfill' ? [...args, '--dry-run'] : args, { RUNBOOK_WAREHOUSE: '/proc/version/nba.duckdb', RUNBOOK_JOURNAL: sb.journal });
    expectRejected(r, /cannot create the warehouse folder|cannot open the warehouse|--warehouse \/proc\/version\/nba\.duckdb/);
  });
});

describe('a warehouse held by another process: waits, then one line and exit 2, nothing written', () => {
  let sb: Sandbox;
  let before: string;
  let holder: ChildProcess;
  beforeAll(async () => {
    sb = sandbox();
    before = fileDigest(sb.warehouse);
    holder = spawn(process.execPath, ['--import', 'tsx', '-e', `
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const i = await DuckDBInstance.create(${JSON.stringify(sb.warehouse)});
      await i.connect();
      console.log('holding');
      setTimeout(() => process.exit(0), 600000);`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout!.on('data', (d) => { if (String(d).includes('holding')) resolve(); }));
  });
  afterAll(async () => {
    const gone = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill();
    await gone;
    expect(fileDigest(sb.warehouse)).toBe(before);
  });

  it.concurrent.each(PROGRAMS)('%s', async (_name, cmd, args) => {
    const journal = journalIn(sb);
    const r = await run(cmd, args, { RUNBOOK_WAREHOUSE: sb.warehouse, RUNBOOK_JOURNAL: journal, RUNBOOK_BUSY_TIMEOUT_MS: '4000' });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^error: the warehouse .* is in use by another process/);
    expect(fileDigest(sb.warehouse)).toBe(before);
    expect(fs.existsSync(journal)).toBe(false);
  });
});

describe('BigQuery without credentials: one line, exit 2', () => {
  it.concurrent.each(PROGRAMS)('%s', async (name, cmd, args) => {
    const sb = sandbox({ seeded: false });
    // run_backfill.sh refuses to write a real project before connecting; its dry run connects.
    const r = await run(cmd, name === 'run_backfill' ? [...args, '--dry-run'] : args, {
      RUNBOOK_BACKEND: 'bigquery', RUNBOOK_WAREHOUSE: sb.warehouse, RUNBOOK_JOURNAL: sb.journal,
      GOOGLE_APPLICATION_CREDENTIALS: path.join(sb.dir, 'missing.json'), METADATA_SERVER_DETECTION: 'none', BIGQUERY_EMULATOR_HOST: '',
      // Scripts that start jobs drive the platform's own run_backfill.sh on BigQuery, as in production.
      RUNBOOK_RUNNER: 'command', RUNBOOK_BACKFILL_CMD: path.join(ROOT, 'bin/run_backfill.sh'),
    });
    expectRejected(r, /credentials/i);
    expect(fs.existsSync(sb.warehouse)).toBe(false);
  });
});

describe('gates with no terminal', () => {
  it.concurrent.each([
    ['02-phase3', ['--season', '2021-22'], /gate 2\.1\.1 needs an answer and there is no terminal: re-run with --answer 2\.1\.1=run\|stop \(recommended: run\), or --yes/],
    ['03-phase4', ['--season', '2021-22'], /step 3\.1\.1 needs confirmation and there is no terminal: re-run with --yes or --answer 3\.1\.1=run\|skip\|quit/],
  ])('%s fails fast, exit 2, writes nothing', async (name, args, message) => {
    const sb = sandbox();
    const before = fileDigest(sb.warehouse);
    const r = await run(path.join('runbook', `${name}.mts`), args as string[], { RUNBOOK_WAREHOUSE: sb.warehouse, RUNBOOK_JOURNAL: sb.journal });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(fileDigest(sb.warehouse)).toBe(before);
  });
});

/**
 * What a new user tried (issue 14): each bad input answers exit 2 with one line
 * naming the flag and what is valid, and writes nothing.
 */
const dates11900 = Array.from({ length: 11_900 }, (_, k) => new Date(Date.UTC(1995, 0, 1) + k * 86_400_000).toISOString().slice(0, 10)).join(',');
const terminalCases: Case[] = [
  ['04: a stray season positional', `runbook/04-remaining-seasons.mts`, ['2022-23'], /unexpected argument "2022-23"; did you mean --season 2022-23\?/],
  ['02: a second season as a positional', `runbook/02-phase3.mts`, ['--season', '2021-22', '2022-23'], /unexpected argument "2022-23"/],
  ['01: --journal empty', `runbook/01-validate-phase2.mts`, ['--journal', ''], /^error: --journal is empty: give a file path, e\.g\. --journal \.runbook\/journal\.jsonl$/m],
  ['01: --journal a directory', `runbook/01-validate-phase2.mts`, ['--journal', SHARED_DIR], /--journal .* is a directory: give a file path, e\.g\. --journal .*\/journal\.jsonl/],
  ['01: --warehouse empty', `runbook/01-validate-phase2.mts`, ['--warehouse', ''], /--warehouse is empty: give a file path/],
  ['01: --warehouse a directory', `runbook/01-validate-phase2.mts`, ['--warehouse', SHARED_DIR], /--warehouse .* is a directory: give a file path, e\.g\. --warehouse .*\/nba\.duckdb/],
  ['01: --answer for a step it does not have', `runbook/01-validate-phase2.mts`, ['--answer', '9.9=x'], /--answer 9\.9=x: 01-validate-phase2 has no step 9\.9; gates and data-changing steps: 1\.2, 1\.3\.2/],
  ['01: --answer with a choice the gate does not offer', `runbook/01-validate-phase2.mts`, ['--answer', '1.2=maybe'], /--answer 1\.2=maybe: choose one of /],
  ['04: --answer of an included section\'s gate, bad choice', `runbook/04-remaining-seasons.mts`, ['--answer', '2.4.1=maybe'], /--answer 2\.4\.1=maybe: choose one of /],
  ['monitor: --interval 1e9', `runbook/monitor.mts`, ['--interval', '1e9'], /--interval "1e9": give whole seconds from 1 to 86400/],
  ['02: --as-of before the current season', `runbook/02-phase3.mts`, ['--season', '2024-25', '--as-of', '1999-01-01'], /--as-of 1999-01-01 is outside the current season 2024-25: give a date from 2024-10-22 to 2025-06-30/],
  ['02: --end-date beyond the season', `runbook/02-phase3.mts`, ['--season', '2021-22', '--end-date', '2030-01-01'], /--end-date 2030-01-01 is outside season 2021-22 \(2021-10-19\.\.2022-04-10\)/],
  ['04: a season listed twice', `runbook/04-remaining-seasons.mts`, ['--seasons', '2021-22,2021-22'], /--seasons names 2021-22 twice/],
  ['04: --season and --seasons', `runbook/04-remaining-seasons.mts`, ['--season', '2021-22', '--seasons', '2022-23'], /give --season S or --seasons S1,S2, not both/],
  ['04: a date range instead of seasons', `runbook/04-remaining-seasons.mts`, ['--start-date', '2021-11-01', '--end-date', '2021-11-30'], /Step 4 runs whole seasons; choose them with --seasons/],
  ['run_backfill: an 11,900-date --dates list from 1995', 'bin/run_backfill.sh', ['analytics/player_game_summary', `--dates=${dates11900}`], /--dates 1995-01-01 is outside the seasons' calendar \(2021-10-01\.\.2025-06-30/],
];

describe('bad input a new user tried: one line naming the flag, exit 2, nothing written', () => {
  eachRejectedOnSharedCopy(terminalCases);

  it('--json with bad input prints {"exitCode": 2, "error": …} on stdout', async () => {
    const sb = sandbox({ seeded: false });
    const r = await run('runbook/02-phase3.mts', ['--json', '--season', '2021-22', 'extra'], { RUNBOOK_WAREHOUSE: sb.warehouse, RUNBOOK_JOURNAL: sb.journal });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ exitCode: 2, error: expect.stringMatching(/unexpected argument "extra"/) });
    expect(fs.existsSync(sb.warehouse)).toBe(false);
  });
});

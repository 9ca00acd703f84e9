/**
 * The bad-input matrix: every script and run_backfill.sh, each given what an
 * operator might mistype at 2 a.m. Each case: one clear line on stderr, the
 * documented exit code, and the warehouse byte-for-byte unchanged (no journal).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, backfill, fileDigest, sandbox, script, type Sandbox } from './support/scripts.ts';

type Case = [name: string, run: (sb: Sandbox) => ReturnType<typeof script>, message: RegExp];

const scripts = ['01-validate-phase2', '02-phase3', '03-phase4', '04-remaining-seasons'];
const perScript: [string, string[], RegExp][] = [
  ['an unknown season', ['--season', '2025-26'], /unknown season "2025-26"; valid seasons: 2021-22, 2022-23, 2023-24, 2024-25/],
  ['an impossible date', ['--start-date', '2021-02-30', '--end-date', '2021-03-30'], /"2021-02-30" is not a valid date/],
  ['a month 13', ['--start-date', '2021-13-01', '--end-date', '2021-12-30'], /"2021-13-01" is not a valid date/],
  ['an empty date', ['--start-date=', '--end-date', '2021-12-30'], /"" is not a valid date/],
  ['a reversed range', ['--start-date', '2022-01-10', '--end-date', '2022-01-01'], /the range is reversed/],
  ['an unknown flag', ['--season', '2021-22', '--parallel'], /unknown flag --parallel/],
  ['SQL in a flag value', ['--season', "2021-22'; DROP TABLE x;--"], /unknown season/],
];

const cases: Case[] = [
  ...scripts.flatMap((s) => perScript.map(([what, args, msg]): Case => [`${s}: ${what}`, (sb) => script(s, args, sb), msg])),
  ['run_backfill: an unknown job', (sb) => backfill(['analytics/player_summary', '--dates=2021-11-03'], sb), /unknown job "analytics\/player_summary"; analytics jobs: analytics\/player_game_summary/],
  ['run_backfill: an unknown phase', (sb) => backfill(['reporting/player_game_summary', '--dates=2021-11-03'], sb), /unknown phase in job "reporting\/player_game_summary"/],
  ['run_backfill: --dates with quotes and SQL', (sb) => backfill(['analytics/player_game_summary', "--dates=2021-11-03','2021-11-04'); DELETE FROM x; --"], sb), /--dates .* is not a valid date/],
  ['run_backfill: --dates with a semicolon', (sb) => backfill(['analytics/player_game_summary', '--dates=2021-11-03;2021-11-04'], sb), /not a valid date/],
  ['run_backfill: --dates empty', (sb) => backfill(['analytics/player_game_summary', '--dates='], sb), /--dates is empty/],
  ['run_backfill: a reversed range', (sb) => backfill(['analytics/player_game_summary', '--start-date=2022-04-10', '--end-date=2021-10-19'], sb), /reversed/],
  ['run_backfill: a malformed date', (sb) => backfill(['analytics/player_game_summary', '--start-date=2021-10-32', '--end-date=2021-11-01'], sb), /"2021-10-32" is not a valid date/],
  ['run_backfill: an unknown flag', (sb) => backfill(['analytics/player_game_summary', '--dates=2021-11-03', '--force'], sb), /unknown flag --force/],
  ['run_backfill: no job', (sb) => backfill(['--dates=2021-11-03'], sb), /name a job/],
];

describe('bad input: one line, exit 2, nothing written', () => {
  it.each(cases)('%s', (_name, run, message) => {
    const sb = sandbox();
    const before = fileDigest(sb.warehouse);
    const r = run(sb);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(fileDigest(sb.warehouse)).toBe(before);
    expect(fs.existsSync(sb.journal)).toBe(false);
  });
});

describe('bad warehouses', () => {
  it('a corrupt warehouse file: one line, exit 2, the file untouched', () => {
    const sb = sandbox({ seeded: false });
    fs.writeFileSync(sb.warehouse, 'this is not a database\n'.repeat(200));
    const before = fileDigest(sb.warehouse);
    const r = script('01-validate-phase2', ['--yes'], sb);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/not a readable DuckDB file/);
    expect(fileDigest(sb.warehouse)).toBe(before);
  });

  it('an unwritable warehouse location: one line, exit 2', () => {
    const sb = sandbox({ seeded: false });
    const r = script('01-validate-phase2', ['--yes', '--warehouse', '/proc/version/nba.duckdb'], sb);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot create the warehouse folder|cannot open the warehouse/);
  });

  it('a warehouse held by another process: waits with a message, then one line and exit 2, nothing written', async () => {
    const sb = sandbox();
    const before = fileDigest(sb.warehouse);
    const holder = spawn(process.execPath, ['--import', 'tsx', '-e', `
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const i = await DuckDBInstance.create(${JSON.stringify(sb.warehouse)});
      await i.connect();
      console.log('holding');
      setTimeout(() => process.exit(0), 20000);`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout.on('data', (d) => { if (String(d).includes('holding')) resolve(); }));
    try {
      const r = script('01-validate-phase2', ['--yes'], sb, { RUNBOOK_BUSY_TIMEOUT_MS: '6000' });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/in use by another process \(pid \d+\); waiting for it to finish/);
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^error: the warehouse .* is in use by another process/);
    } finally {
      holder.kill();
    }
    expect(fileDigest(sb.warehouse)).toBe(before);
  });

  it('BigQuery without credentials: one line, exit 2', () => {
    const sb = sandbox({ seeded: false });
    const r = script('01-validate-phase2', ['--yes', '--backend', 'bigquery'], sb, {
      GOOGLE_APPLICATION_CREDENTIALS: path.join(sb.dir, 'missing.json'), METADATA_SERVER_DETECTION: 'none', BIGQUERY_EMULATOR_HOST: '',
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/credentials/i);
  });
});

describe('gates with no terminal', () => {
  it.each([
    ['02-phase3', ['--season', '2021-22'], /gate 2\.1\.1 needs an answer and there is no terminal: re-run with --answer 2\.1\.1=run\|stop \(recommended: run\), or --yes/],
    ['03-phase4', ['--season', '2021-22'], /step 3\.1\.1 needs confirmation and there is no terminal: re-run with --yes or --answer 3\.1\.1=run\|skip\|quit/],
  ])('%s fails fast, exit 2, writes nothing', (name, args, message) => {
    const sb = sandbox();
    const before = fileDigest(sb.warehouse);
    const r = script(name, args, sb);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(fileDigest(sb.warehouse)).toBe(before);
  });
});

/**
 * What a new user tried (issue 14): each bad input answers exit 2 with one line
 * naming the flag and what is valid, and writes nothing.
 */
const dates11900 = Array.from({ length: 11_900 }, (_, k) => new Date(Date.UTC(1995, 0, 1) + k * 86_400_000).toISOString().slice(0, 10)).join(',');
const terminalCases: Case[] = [
  ['04: a stray season positional', (sb) => script('04-remaining-seasons', ['2022-23'], sb), /unexpected argument "2022-23"; did you mean --season 2022-23\?/],
  ['02: a second season as a positional', (sb) => script('02-phase3', ['--season', '2021-22', '2022-23'], sb), /unexpected argument "2022-23"/],
  ['01: --journal empty', (sb) => script('01-validate-phase2', ['--journal', ''], sb), /^error: --journal is empty: give a file path, e\.g\. --journal \.runbook\/journal\.jsonl$/m],
  ['01: --journal a directory', (sb) => script('01-validate-phase2', ['--journal', sb.dir], sb), /--journal .* is a directory: give a file path, e\.g\. --journal .*\/journal\.jsonl/],
  ['01: --warehouse empty', (sb) => script('01-validate-phase2', ['--warehouse', ''], sb), /--warehouse is empty: give a file path/],
  ['01: --warehouse a directory', (sb) => script('01-validate-phase2', ['--warehouse', sb.dir], sb), /--warehouse .* is a directory: give a file path, e\.g\. --warehouse .*\/nba\.duckdb/],
  ['01: --answer for a step it does not have', (sb) => script('01-validate-phase2', ['--answer', '9.9=x'], sb), /--answer 9\.9=x: 01-validate-phase2 has no step 9\.9; gates and data-changing steps: 1\.2, 1\.3\.2/],
  ['01: --answer with a choice the gate does not offer', (sb) => script('01-validate-phase2', ['--answer', '1.2=maybe'], sb), /--answer 1\.2=maybe: choose one of /],
  ['04: --answer of an included section\'s gate, bad choice', (sb) => script('04-remaining-seasons', ['--answer', '2.4.1=maybe'], sb), /--answer 2\.4\.1=maybe: choose one of /],
  ['monitor: --interval 1e9', (sb) => script('monitor', ['--interval', '1e9'], sb), /--interval "1e9": give whole seconds from 1 to 86400/],
  ['02: --as-of before the current season', (sb) => script('02-phase3', ['--season', '2024-25', '--as-of', '1999-01-01'], sb), /--as-of 1999-01-01 is outside the current season 2024-25: give a date from 2024-10-22 to 2025-06-30/],
  ['02: --end-date beyond the season', (sb) => script('02-phase3', ['--season', '2021-22', '--end-date', '2030-01-01'], sb), /--end-date 2030-01-01 is outside season 2021-22 \(2021-10-19\.\.2022-04-10\)/],
  ['04: a season listed twice', (sb) => script('04-remaining-seasons', ['--seasons', '2021-22,2021-22'], sb), /--seasons names 2021-22 twice/],
  ['04: --season and --seasons', (sb) => script('04-remaining-seasons', ['--season', '2021-22', '--seasons', '2022-23'], sb), /give --season S or --seasons S1,S2, not both/],
  ['04: a date range instead of seasons', (sb) => script('04-remaining-seasons', ['--start-date', '2021-11-01', '--end-date', '2021-11-30'], sb), /Step 4 runs whole seasons; choose them with --seasons/],
  ['run_backfill: an 11,900-date --dates list from 1995', (sb) => backfill(['analytics/player_game_summary', `--dates=${dates11900}`], sb), /--dates 1995-01-01 is outside the seasons' calendar \(2021-10-01\.\.2025-06-30/],
];

describe('bad input a new user tried: one line naming the flag, exit 2, nothing written', () => {
  it.each(terminalCases)('%s', (_name, run, message) => {
    const sb = sandbox();
    const before = fileDigest(sb.warehouse);
    const r = run(sb);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(fileDigest(sb.warehouse)).toBe(before);
    expect(fs.existsSync(sb.journal)).toBe(false);
  });

  it('--json with bad input prints {"exitCode": 2, "error": …} on stdout', () => {
    const sb = sandbox({ seeded: false });
    const r = script('02-phase3', ['--json', '--season', '2021-22', 'extra'], sb);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ exitCode: 2, error: expect.stringMatching(/unexpected argument "extra"/) });
    expect(fs.existsSync(sb.warehouse)).toBe(false);
  });
});

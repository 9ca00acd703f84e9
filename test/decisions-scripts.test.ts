/**
 * Decisions that hold, as a user meets them (child processes on seeded copies):
 * a stop stays a stop across re-runs and --from until it is answered; Ctrl+C
 * then the printed command gives the tables of an uninterrupted run; rows
 * deleted behind the runbook's back are noticed; a second run of a season
 * stops or waits while another holds its lease (embedded and BigQuery).
 * Kept to the short 2024-25 season: every run here spawns a real script.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, sandbox, scriptAsync as script, type Ran, type Sandbox } from './support/scripts.ts';
import { DuckDBInstance } from '@duckdb/node-api';
import { withWarehouse } from './support/inspect.ts';
import { FakeBigQuery } from './support/fake-bigquery.ts';
import { JOBS } from '../lib/jobs/registry.ts';

const S = ['--season', '2024-25'];
const P = 'nba-props-platform';

/** The printed "resume with:" command, as argv. */
function printed(r: Ran): string[] {
  const m = /resume with: (\.\/runbook\/\S+\.mts)(.*)/.exec(r.stdout + r.stderr);
  expect(m, r.stdout.slice(-800)).not.toBeNull();
  return [m![1], ...m![2].trim().split(/\s+/).filter(Boolean)];
}
const runPrinted = (argv: string[], sb: Sandbox) => spawnScript(path.join(ROOT, argv[0]), argv.slice(1), sb);

/** A script as a child process, with no time limit of its own (the test's applies), optionally interrupted once its output matches. */
function spawnScript(file: string, args: string[], sb: Sandbox, interruptWhen?: RegExp): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1', RUNBOOK_WAREHOUSE: sb.warehouse, RUNBOOK_JOURNAL: sb.journal, TMUX: '', STY: '' },
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d) => {
      stdout += String(d);
      // At once: Phase 3 of the short season can finish within 100 ms of its step's header, and then nothing is cut.
      if (interruptWhen && !sent && interruptWhen.test(stdout)) { sent = true; child.kill('SIGINT'); }
    });
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function decisions(sb: Sandbox): Promise<{ gate: string; answer: string | null; effect: string; answered_by: string; rule: string | null }[]> {
  return withWarehouse(sb.warehouse, async (w) => (await w.query(`SELECT gate, answer, effect, answered_by, rule FROM \`${P}.nba_reference.runbook_decisions\` ORDER BY decided_at`)).rows as never);
}

describe('a stop stays a stop', () => {
  it('re-running stops again at the same gate, --from past it asks it again, an answer goes on; deleted rows are then noticed', async () => {
    const sb = sandbox();
    const stopped = await script('02-phase3', [...S, '--yes', '--answer', '2.1.1=stop'], sb);
    expect(stopped.code).toBe(3);
    // The printed command drops the --answer that stopped it, and keeps --season.
    expect(printed(stopped)).toEqual(['./runbook/02-phase3.mts', '--season', '2024-25', '--yes', '--from', '2.1.1']);

    const again = await runPrinted(printed(stopped), sb);
    expect(again.code, again.stdout.slice(-600)).toBe(3);
    expect(again.stdout).toMatch(/gate 2\.1\.1 \(Confirm the Commands\) stays stopped: \S+ answered "stop"/);

    const past = await script('02-phase3', [...S, '--yes', '--from', '2.3'], sb);
    expect(past.code).toBe(3);
    expect(past.stdout).toContain('2.1.1 is waiting for a decision');
    expect(past.stdout).not.toContain('── 2.1.2'); // nothing ran past the pending gate

    const answered = await script('02-phase3', [...S, '--yes', '--from', '2.1.1', '--answer', '2.1.1=run'], sb);
    expect(answered.code, answered.stdout.slice(-800)).toBe(0);
    expect(answered.stdout).toContain('── 2.1.2 Run the Five in Parallel');
    // Every answer is in the warehouse, the stops as pending or stop, the automatic ones with their rule.
    const recorded = (await decisions(sb)).map((d) => `${d.gate}:${d.answer ?? '-'}:${d.effect}:${d.answered_by}`);
    expect(recorded).toEqual(['2.1.1:stop:stop:flag', '2.1.1:stop:stop:pending', '2.1.1:stop:stop:pending', '2.1.1:run:proceed:flag']);
    expect((await decisions(sb))[1].rule).toMatch(/^--yes keeps \S+'s stop: the evidence has not changed since$/);

    // Phase 3 of 2024-25 is done; delete one date's rows behind the runbook's back: the monitor says so.
    const before = await script('monitor', ['--once'], sb);
    expect(before.stdout).toMatch(/\| 2024-25 \| regular season \|\s+\d+ \| done\s+\| not started\s+\| phase 4 \|/);
    await withWarehouse(sb.warehouse, (w) => w.execute(`DELETE FROM \`${P}.nba_analytics.player_game_summary\` WHERE game_date = DATE '2024-11-29'`));
    const after = await script('monitor', ['--once'], sb);
    expect(after.stdout).toMatch(/\| 2024-25 \| regular season \|\s+\d+ \| open: 1 missing\s+\|/);
    expect(after.stdout).toContain('2024-25 regular season Phase 3: 1 processor-date(s) missing (1 succeeded but their rows are gone)');
  }, 300_000);
});

describe('Ctrl+C during Phase 3, then the printed command', () => {
  it('completes the season with tables equal to an uninterrupted run', async () => {
    const answers = path.join(sandbox({ seeded: false }).dir, 'answers.txt');
    // The partial season's quality gate and any failures, answered for the night.
    fs.writeFileSync(answers, '2024-25 3.3.2=document:partial season, weeks 4-6 still ramping\n2.4.1=document:gaps at the source\n3.4.1=document:gaps at the source\n3.1.6=continue\n4.2.1=proceed\n');
    const args = ['--seasons', '2024-25', '--yes', '--answers', answers];
    const cut = sandbox();
    const whole = sandbox();
    const reference = script('04-remaining-seasons', args, whole);
    const interrupted = await interruptAt('04-remaining-seasons', args, cut, /── 2\.1\.2 Run the Five in Parallel/);
    expect(interrupted.code, interrupted.stdout.slice(-800)).toBe(130);
    const resumed = await runPrinted(printed(interrupted), cut);
    expect(resumed.code, resumed.stdout.slice(-1500)).toBe(0);
    expect(resumed.stdout).toMatch(/\| 2024-25 \|[^\n]*\| open: \d+ missing/); // interrupted dates are not done
    const ref = await reference;
    expect(ref.code, ref.stdout.slice(-1500)).toBe(0);
    for (const j of JOBS.filter((x) => x.phase !== 'phase_2_raw')) {
      const d = await differingRows(cut.warehouse, whole.warehouse, j.output.name);
      expect(d.rows, j.output.name).toBeGreaterThan(0);
      expect([d.onlyA, d.onlyB], j.output.name).toEqual([0, 0]);
    }
    // The answers file's answers are recorded as such, with the line that gave them.
    const fromFile = (await decisions(cut)).filter((d) => d.answered_by === 'answers-file');
    expect(fromFile.map((d) => d.gate)).toContain('3.3.2');
    expect(fromFile.find((d) => d.gate === '3.3.2')!.rule).toBe(`--answers ${answers} line 1`);
  }, 420_000);
});

/**
 * Rows of a table in one warehouse and not the other, counting duplicates
 * (EXCEPT ALL; exact values, floats to the last bit), the write time aside.
 */
async function differingRows(a: string, b: string, tbl: string): Promise<{ rows: number; onlyA: number; onlyB: number }> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    await c.run(`ATTACH '${a}' AS a (READ_ONLY)`);
    await c.run(`ATTACH '${b}' AS b (READ_ONLY)`);
    const [schema, name] = tbl.split('.');
    // Floats as they are: a date's figures do not depend on how the dates were cut into chunks.
    const q = (x: string) => `SELECT * EXCLUDE (processed_at) FROM ${x}.${schema}.${name}`;
    const n = async (sql: string) => Number((await c.runAndReadAll(sql)).getRows()[0][0]);
    return {
      rows: await n(`SELECT COUNT(*) FROM a.${schema}.${name}`),
      onlyA: await n(`SELECT COUNT(*) FROM (${q('a')} EXCEPT ALL ${q('b')})`),
      onlyB: await n(`SELECT COUNT(*) FROM (${q('b')} EXCEPT ALL ${q('a')})`),
    };
  } finally { c.closeSync(); db.closeSync(); }
}

/** Runs a script and sends SIGINT once its output matches. */
const interruptAt = (name: string, args: string[], sb: Sandbox, when: RegExp) => spawnScript(path.join(ROOT, 'runbook', `${name}.mts`), args, sb, when);

/** A process that takes a season's lease and keeps it (test/support/lease-holder.ts). */
function holder(sb: Sandbox, runId: string, env: NodeJS.ProcessEnv, wait = false): { child: ChildProcess; held: Promise<string>; said: (re: RegExp) => Promise<void>; done: Promise<Ran> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/support/lease-holder.ts'), '2024-25', 'phase3', runId, ...(wait ? ['--wait'] : [])], {
    cwd: ROOT, env: { ...process.env, RUNBOOK_WAREHOUSE: sb.warehouse, ...env },
  });
  let stdout = '';
  let stderr = '';
  const held = new Promise<string>((resolve) => {
    child.stdout!.on('data', (d) => { stdout += String(d); if (stdout.includes('held')) resolve(stderr); });
  });
  const watchers: [RegExp, () => void][] = [];
  child.stderr!.on('data', (d) => {
    stderr += String(d);
    for (const [re, go] of watchers) if (re.test(stderr)) go();
  });
  const said = (re: RegExp) => new Promise<void>((resolve) => { if (re.test(stderr)) resolve(); else watchers.push([re, resolve]); });
  const done = new Promise<Ran>((resolve) => child.on('exit', (code, sig) => resolve({ code: code ?? (sig ? -1 : 0), stdout, stderr })));
  return { child, held, said, done };
}

let fake: FakeBigQuery;
const served = sandbox();
beforeAll(async () => { fake = await FakeBigQuery.start('nba-props-platform', { data: served.warehouse }); });
afterAll(async () => { await fake?.close(); });

const BQ_ENV = { GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/credentials.json', METADATA_SERVER_DETECTION: 'none' };
const backends: [string, () => { sb: Sandbox; args: string[]; env: NodeJS.ProcessEnv }][] = [
  ['the embedded warehouse', () => ({ sb: sandbox(), args: [], env: {} })],
  ['BigQuery (REST fake)', () => ({ sb: sandbox({ seeded: false }), args: ['--backend', 'bigquery', '--bq-endpoint', fake.endpoint, '--runner', 'command', '--backfill-cmd', path.join(ROOT, 'bin/run_backfill.sh')], env: { ...BQ_ENV, RUNBOOK_BACKEND: 'bigquery', BIGQUERY_EMULATOR_HOST: fake.endpoint } })],
];

describe.each(backends)('one run per season at a time, on %s', (_name, setup) => {
  it('a second Step 4 stops naming the holder; a waiting one gets it when released; a killed holder is taken over', async () => {
    const { sb, args, env } = setup();
    const first = holder(sb, 'first-run', env);
    await first.held;
    const second = await script('04-remaining-seasons', ['--seasons', '2024-25', '--yes', ...args], sb, env);
    expect(second.code, second.stdout.slice(-800) + second.stderr).toBe(3);
    expect(second.stdout).toMatch(/2024-25 phase3 is being run by lease-holder run first-run \(tester@\S+, pid \d+, since/);
    expect(second.stdout).toContain('wait for it with: ./runbook/04-remaining-seasons.mts --seasons 2024-25 --yes');
    expect(second.stdout).not.toContain('── 2.1.2'); // no job of the season started

    const waiting = holder(sb, 'waiting-run', env, true);
    await waiting.said(/waiting for lease-holder run first-run/);
    first.child.kill('SIGTERM'); // released: the waiting run gets it
    expect(await waiting.held).toMatch(/waiting for lease-holder run first-run/);
    waiting.child.kill('SIGKILL'); // killed: its lease stays behind, heartbeat stopped
    await waiting.done;
    const next = holder(sb, 'next-run', env);
    expect(await next.held).toMatch(/taking over the 2024-25 phase3 lease from lease-holder run waiting-run .*heartbeat stopped/);
    next.child.kill('SIGTERM');
    await next.done;
  }, 240_000);
});

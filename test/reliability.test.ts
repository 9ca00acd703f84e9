/**
 * Crash safety, idempotency and resumability, proved on real child processes:
 * a multi-season backfill is killed with SIGKILL at several points, then re-run;
 * the result must equal an uninterrupted run's.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, backfillAsync, sandbox, scriptAsync, type Ran, type Sandbox } from './support/scripts.ts';
import { copyOf } from './support/shared.ts';
import { duplicateKeys, latestStates, tableChecksum } from './support/inspect.ts';

const JOB = 'analytics/team_offense_game_summary';
const PROC = 'TeamOffenseGameSummaryProcessor';
const TABLE = 'nba_analytics.team_offense_game_summary';
const KEYS = ['game_id', 'team_abbr'];
const RANGE = ['--start-date=2021-10-19', '--end-date=2024-11-29'];

/** Latest states without what legitimately differs between runs (ids, times). */
const states = async (file: string) => (await latestStates(file, PROC)).map((r) => JSON.stringify(r));

/** An uninterrupted run on a seeded copy: its output, its table and states, and the copy itself (tests that start from a completed run copy it). */
let reference: { sb: Sandbox; run: Ran; sum: { rows: number; sha: string }; states: string[] };

beforeAll(async () => {
  const sb = sandbox();
  const run = await backfillAsync([JOB, ...RANGE], sb);
  expect(run.code, run.stderr).toBe(1); // a few dates fail with DependencyError (missing team box scores): exit 1
  reference = { sb, run, sum: await tableChecksum(sb.warehouse, TABLE, KEYS), states: await states(sb.warehouse) };
  expect(reference.sum.rows).toBeGreaterThan(4000);
});

describe('kill -9 mid-run, then re-run', () => {
  it.each([
    ['during run-history writes (after the skips, before any chunk)', 'history-write:1'],
    ['after a chunk’s running rows, before its transaction', 'before-transaction:3'],
    ['between chunks', 'between-chunks:2'],
  ])('%s: consistent, resumable, equal to an uninterrupted run', async (_what, point) => {
    const sb = sandbox();
    const killed = await backfillAsync([JOB, ...RANGE], sb, { RUNBOOK_CRASH_AT: point });
    expect(killed.code).toBe(-1); // killed by a signal: no exit status
    // The warehouse opens, and whatever the dead run committed has no duplicates.
    expect(await duplicateKeys(sb.warehouse, TABLE, KEYS)).toBe(0);
    const rerun = await backfillAsync([JOB, ...RANGE], sb);
    expect(rerun.code, rerun.stderr).toBe(1);
    expect(await tableChecksum(sb.warehouse, TABLE, KEYS)).toEqual(reference.sum);
    expect(await states(sb.warehouse)).toEqual(reference.states);
    expect(await duplicateKeys(sb.warehouse, TABLE, KEYS)).toBe(0);
  });

  it('a running row left by the dead process is recorded as abandoned and superseded', async () => {
    const sb = sandbox();
    await backfillAsync([JOB, ...RANGE], sb, { RUNBOOK_CRASH_AT: 'before-transaction:1' });
    const running = (await latestStates(sb.warehouse, PROC)).filter((r) => r.status === 'running');
    expect(running.length).toBeGreaterThan(0);
    await backfillAsync([JOB, '--dates=2021-10-20'], sb); // any later run of the processor closes abandoned rows
    const all = await latestStates(sb.warehouse, PROC);
    expect(all.filter((r) => r.status === 'running')).toHaveLength(0);
    expect(all.find((r) => r.data_date === running[0].data_date)?.status).toBe('failed');
  });

  it('killed mid-statement (a timer, while a large insert runs), the re-run still equals the reference', async () => {
    const sb = sandbox();
    const killed = await killWhen(sb, (out) => /\[#+/.test(out), 150); // after the first progress, inside the next chunk
    // The kill landed mid-run: the process died of the signal (a run that had
    // finished first would have exited 1), before its closing summary, and the
    // warehouse holds less than a finished run writes.
    expect(killed.code, killed.out).toBeNull();
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.out).not.toMatch(/succeeded, \d+ failed/);
    expect((await tableChecksum(sb.warehouse, TABLE, KEYS)).rows).toBeLessThan(reference.sum.rows);
    expect(await duplicateKeys(sb.warehouse, TABLE, KEYS)).toBe(0);
    const rerun = await backfillAsync([JOB, ...RANGE], sb);
    expect(rerun.code).toBe(1);
    expect(await tableChecksum(sb.warehouse, TABLE, KEYS)).toEqual(reference.sum);
    expect(await states(sb.warehouse)).toEqual(reference.states);
  });
});

describe('re-running', () => {
  it('a completed run again changes no row and no latest state', async () => {
    // The first run is the reference run; the second runs on a copy of its warehouse.
    const sb = copyOf(reference.sb);
    const first = reference.run;
    // Both runs complete: exit 1 only because of the known DependencyError dates, with the closing summary.
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toMatch(/\d+ succeeded, \d+ failed/);
    const before = { sum: await tableChecksum(sb.warehouse, TABLE, KEYS), states: await states(sb.warehouse) };
    // The table is full (the uninterrupted run's thousands of rows), not two equal empty checksums.
    expect(before.sum).toEqual(reference.sum);
    expect(before.sum.rows).toBeGreaterThan(4000);
    const second = await backfillAsync([JOB, ...RANGE], sb);
    expect(second.code, second.stderr).toBe(1);
    expect(second.stdout).toMatch(/\d+ succeeded, \d+ failed/);
    expect(await tableChecksum(sb.warehouse, TABLE, KEYS)).toEqual(before.sum);
    expect(await states(sb.warehouse)).toEqual(before.states);
  });

  it('re-running failed dates touches only those dates', async () => {
    const sb = copyOf(reference.sb); // after an uninterrupted run of the whole range
    const failed = (await latestStates(sb.warehouse, PROC)).filter((r) => r.status === 'failed').map((r) => String(r.data_date));
    expect(failed.length).toBeGreaterThan(0);
    const { withWarehouse } = await import('./support/inspect.ts');
    const attemptsBefore = await withWarehouse(sb.warehouse, async (w) => (await w.query(`SELECT data_date, COUNT(*) AS n FROM \`nba-props-platform.nba_reference.processor_run_history\` WHERE processor_name = '${PROC}' GROUP BY data_date ORDER BY data_date`)).rows);
    await backfillAsync([JOB, `--dates=${failed.join(',')}`], sb);
    const attemptsAfter = await withWarehouse(sb.warehouse, async (w) => (await w.query(`SELECT data_date, COUNT(*) AS n FROM \`nba-props-platform.nba_reference.processor_run_history\` WHERE processor_name = '${PROC}' GROUP BY data_date ORDER BY data_date`)).rows);
    const changed = attemptsAfter.filter((a, i) => a.n !== attemptsBefore[i].n).map((a) => String(a.data_date));
    expect(changed).toEqual(failed);
  });
});

describe('Ctrl+C', () => {
  it('stops cleanly, records the dates not run as interrupted, and prints the resume command', async () => {
    const sb = sandbox();
    const { code, out } = await killWhen(sb, (o) => o.includes('confirmed at 2.1.1') && /\[#+/.test(o), 0, 'SIGINT',
      ['runbook/02-phase3.mts', '--start-date', '2021-10-19', '--end-date', '2024-11-29', '--yes']);
    expect(code).toBe(130);
    expect(out).toMatch(/interrupted at step 2\.1\.2/);
    expect(out).toContain('resume with: ./runbook/02-phase3.mts --start-date 2021-10-19 --end-date 2024-11-29 --yes --from 2.1.2');
    const end = fs.readFileSync(sb.journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).at(-1);
    expect(end).toMatchObject({ event: 'end', exitCode: 130, stoppedAt: '2.1.2' });
    const latest = await latestStates(sb.warehouse);
    expect(latest.filter((r) => r.status === 'running')).toHaveLength(0);
    // Dates that never ran are failed without missing dependencies: the 'Interrupted' rows.
    const { withWarehouse } = await import('./support/inspect.ts');
    const interrupted = await withWarehouse(sb.warehouse, async (w) => (await w.query(`SELECT COUNT(*) AS n FROM \`nba-props-platform.nba_reference.processor_run_history\` WHERE status = 'failed' AND errors LIKE '%Interrupted%'`)).rows[0].n);
    expect(interrupted).toBeGreaterThan(0);
    const resumed = await scriptAsync('02-phase3', ['--start-date', '2021-10-19', '--end-date', '2024-11-29', '--answer', '2.1.2=run', '--answer', '2.4.1=document:known gaps', '--from', '2.1.2'], sb);
    expect(resumed.code, resumed.stdout).toBe(0);
  }, 300_000); // Step 2 over four seasons, twice (cut, then resumed): over the default 60 s on a loaded machine
});

/** Starts a command, and sends a signal once its output matches. */
function killWhen(sb: Sandbox, ready: (out: string) => boolean, delayMs: number, signal: NodeJS.Signals = 'SIGKILL',
  cmd = ['bin/run_backfill.sh', JOB, ...RANGE]): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, cmd[0]), cmd.slice(1), {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1', RUNBOOK_WAREHOUSE: sb.warehouse, RUNBOOK_JOURNAL: sb.journal },
      detached: false,
    });
    let out = '';
    let sent = false;
    const onData = (d: Buffer) => {
      out += String(d);
      if (!sent && ready(out)) { sent = true; setTimeout(() => child.kill(signal), delayMs); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, sig) => resolve({ code, signal: sig, out }));
  });
}


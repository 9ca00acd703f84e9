/**
 * Honest on BigQuery under faults (issue 11 part 4), against the local BigQuery
 * REST server: a chunk and its run-history rows commit together or not at all,
 * and a run that loses BigQuery stops every job, leaves no date 'running', says
 * why in one line and prints the command that resumes it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeBigQuery } from './support/fake-bigquery.ts';
import { ROOT, sandbox } from './support/scripts.ts';
import { BigQueryWarehouse } from '../lib/warehouse/bigquery.ts';
import { SandboxWarehouse } from '../lib/warehouse/sandbox.ts';
import { ensureBaseSchema } from '../lib/warehouse/open.ts';
import { runBackfill } from '../lib/backfill/runner.ts';
import { findJob } from '../lib/jobs/registry.ts';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { p } from '../lib/warehouse/params.ts';
import { WarehouseError } from '../lib/warehouse/types.ts';
import { adviceFor } from '../lib/repair/phase2.ts';

const PROJECT = 'nba-props-platform';
const NO_GOOGLE = { GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/credentials.json', METADATA_SERVER_DETECTION: 'none' };

let fake: FakeBigQuery;
const served = sandbox();

beforeAll(async () => { fake = await FakeBigQuery.start(PROJECT, { data: served.warehouse }); });
afterAll(async () => { await fake.close(); });
beforeEach(() => { fake.reset(); });

/** Latest attempt per processor and date in a history table of the fake, read directly. */
async function latest(history: string, processor?: string) {
  return await fake.rows(`SELECT processor_name, CAST(data_date AS VARCHAR) AS data_date, status, errors FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY processor_name, data_date ORDER BY attempt DESC, started_at DESC) AS rn FROM ${history}
  ${processor ? `WHERE processor_name = '${processor}'` : ''}) WHERE rn = 1 ORDER BY processor_name, data_date`) as { processor_name: string; data_date: string; status: string; errors: string | null }[];
}

describe('a chunk and its run history commit together', () => {
  const SUFFIX = '_atomic';
  const job = findJob('analytics/team_offense_game_summary')!;
  const out = `nba_analytics${SUFFIX}.team_offense_game_summary`;
  const rowsOn = (d: string) => fake.rows(`SELECT * FROM ${out} WHERE game_date = DATE '${d}' ORDER BY game_id, team_abbr`);
  const w = () => new SandboxWarehouse(new BigQueryWarehouse({ project: PROJECT, endpoint: fake.endpoint, poll: { firstMs: 2, maxMs: 10 }, retry: { baseDelayMs: 1, maxDelayMs: 4 } }), SUFFIX);

  it('a failure injected mid-script (after the DELETE and INSERT ran) writes no rows and records the real reason', async () => {
    await ensureBaseSchema(w());
    const first = await runBackfill(w(), job, { dates: ['2021-11-01'] });
    expect(first.outcomes.map((o) => o.status)).toEqual(['success']);
    const before = await rowsOn('2021-11-01');
    expect(before.length).toBeGreaterThan(0);

    // The script's last statement, the run-history UPDATE, fails: BigQuery rolls back the DELETE and INSERT too.
    fake.reset();
    fake.failAtStatement(/^UPDATE[\s\S]*processor_run_history[\s\S]*SET status = 'success'/, 'fake: quota exceeded while marking the dates');
    fake.failAtStatement(/^UPDATE[\s\S]*processor_run_history[\s\S]*SET status = 'success'/, 'fake: quota exceeded while marking the dates');
    const s = await runBackfill(w(), job, { dates: ['2021-11-01', '2021-11-02'], chunks: 2 });
    expect(s.outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
    // The re-run date keeps exactly its old rows (timestamps included); the new date has none.
    expect(await rowsOn('2021-11-01')).toEqual(before);
    expect(await rowsOn('2021-11-02')).toEqual([]);
    const h = await latest(`nba_reference${SUFFIX}.processor_run_history`, job.processorName);
    expect(h.map((r) => [r.data_date, r.status])).toEqual([['2021-11-01', 'failed'], ['2021-11-02', 'failed']]);
    for (const r of h) expect(r.errors).toContain('fake: quota exceeded while marking the dates');
    // The transaction was one job per chunk: DELETE, INSERT, checks and history in one script.
    const scripts = fake.requestsFor('jobs.insert').filter((r) => /BEGIN TRANSACTION/.test(r.body.configuration.query.query));
    expect(scripts).toHaveLength(2);
  });
});

/** Runs a script, noting when its `error:` line appeared on stderr. */
function runScript(args: string[], sb: ReturnType<typeof sandbox>): Promise<{ code: number; stdout: string; stderr: string; errorAt: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, 'runbook', '02-phase3.mts'), args, {
      // The client's backoff from 50 ms instead of 500 (the same five tries): the 503 burst is waited out in a tenth of the time.
      cwd: ROOT, env: { ...process.env, ...NO_GOOGLE, NO_COLOR: '1', RUNBOOK_WAREHOUSE: sb.warehouse, RUNBOOK_JOURNAL: sb.journal, TMUX: '', STY: '', RUNBOOK_BQ_RETRY_BASE_MS: '50' },
    });
    let stdout = '';
    let stderr = '';
    let errorAt: number | null = null;
    child.stdout.on('data', (d) => { stdout += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); if (errorAt === null && /^error: /m.test(stderr)) errorAt = Date.now(); });
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr, errorAt }));
  });
}

describe('a run that loses BigQuery', () => {
  it('a burst of 503s on jobs.get: the step fails in one line, every job stops first, no date stays running, and the printed resume completes', async () => {
    const SUFFIX = '_burst';
    const args = ['--start-date', '2021-11-01', '--end-date', '2021-11-03', '--yes',
      '--backend', 'bigquery', '--bq-endpoint', fake.endpoint, '--sandbox-suffix', SUFFIX];
    // Every poll of a processor's transaction fails for a while: more 503s than the client's five tries.
    fake.latencyMs = 30; // so the client polls (jobs.get) instead of finding each job done at insert
    fake.failRequests({ op: 'jobs.get', status: 503, reason: 'backendError', message: 'fake: service unavailable', sql: /BEGIN TRANSACTION/, times: 60 });
    // … and the first transaction fails on BigQuery's side, so its dates never commit (their rows stay 'running' until closed).
    fake.failNextJob('backendError', 'fake: backend error, job aborted', /BEGIN TRANSACTION/);
    const sb = sandbox({ seeded: false });
    const r = await runScript(args, sb);
    expect(r.code, r.stderr).toBe(1);
    const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/backendError/);
    const resume = /resume with: (\.\/runbook\/02-phase3\.mts .*)$/m.exec(r.stderr);
    expect(resume, r.stderr).not.toBeNull();

    // Nothing was sent after the error was printed: every job had stopped writing.
    const last = Math.max(...fake.requests.filter((x) => x.op === 'jobs.insert').map((x) => x.at));
    expect(last).toBeLessThanOrEqual(r.errorAt!);

    // No date's latest state is 'running'; the dates that failed say why.
    const h = await latest(`nba_reference${SUFFIX}.processor_run_history`);
    expect(h.length).toBeGreaterThan(0);
    expect(h.filter((x) => x.status === 'running')).toEqual([]);
    const failed = h.filter((x) => x.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect(f.errors).toMatch(/TRANSIENT: .*backendError|Stopped: not run: analytics\/\w+ failed/);
    // Every date recorded 'success' holds its rows: the history matches the tables.
    for (const ok of h.filter((x) => x.status === 'success' && x.processor_name === 'TeamOffenseGameSummaryProcessor')) {
      const n = await fake.rows(`SELECT COUNT(*) AS n FROM nba_analytics${SUFFIX}.team_offense_game_summary WHERE game_date = DATE '${ok.data_date}'`);
      expect(Number(n[0].n)).toBeGreaterThan(0);
    }

    // The printed command, once BigQuery is back, finishes the work.
    fake.reset();
    const again = await runScript(resume![1].split(' ').slice(1), sb);
    expect(again.code, again.stderr).toBe(0);
    const after = await latest(`nba_reference${SUFFIX}.processor_run_history`);

    expect(after.filter((x) => x.status !== 'success' && x.status !== 'skipped')).toEqual([]);
    expect(after.length).toBeGreaterThanOrEqual(h.length);
  }, 180_000);
});

describe('1.3.2: a re-load that fails part-way', () => {
  const dates = ['2022-04-24', '2022-04-25', '2022-04-26'];
  /** The seeded warehouse, whose atomic() fails on its second call with `error`. */
  async function failingSecondLoad(error: WarehouseError) {
    const sb = sandbox();
    const real = new DuckDBWarehouse({ file: sb.warehouse, project: PROJECT });
    let calls = 0;
    const w = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'atomic') return async (...args: Parameters<DuckDBWarehouse['atomic']>) => { if (++calls === 2) throw error; return target.atomic(...args); };
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    return { w, real };
  }
  const history = (w: DuckDBWarehouse) => w.query<{ data_date: string; status: string; errors: string | null }>(
    `SELECT data_date, status, errors FROM \`${PROJECT}.nba_reference.processor_run_history\` WHERE processor_name = 'BdlBoxscoresProcessor' ORDER BY data_date, attempt`);
  const rowsOn = async (w: DuckDBWarehouse) => (await w.query<{ d: string; n: number }>(
    `SELECT game_date AS d, COUNT(*) AS n FROM \`${PROJECT}.nba_raw.bdl_player_boxscores\` WHERE game_date IN UNNEST(@dates) GROUP BY 1 ORDER BY 1`, { dates: p.dates(dates) })).rows;

  it('records each date as it really ended, and the screen blames the load, not the source', async () => {
    const { w, real } = await failingSecondLoad(new WarehouseError('INVALID_SQL', 'invalid SQL in the load: injected'));
    await real.execute(`DELETE FROM \`${PROJECT}.nba_raw.bdl_player_boxscores\` WHERE game_date IN UNNEST(@dates)`, { dates: p.dates(dates) });
    const s = await runBackfill(w, findJob('raw/bdl_player_boxscores')!, { dates, chunks: 1 });
    expect(s.outcomes.map((o) => [o.date, o.status])).toEqual([['2022-04-24', 'success'], ['2022-04-26', 'success'], ['2022-04-25', 'failed']]);
    const h = (await history(real)).rows;
    expect(h.map((r) => [r.data_date, r.status])).toEqual([['2022-04-24', 'success'], ['2022-04-25', 'failed'], ['2022-04-26', 'success']]);
    expect(JSON.parse(h[1].errors!).error).toBe('INVALID_SQL: invalid SQL in the load: injected');
    // The tables agree with the history: rows for the two recovered dates only.
    expect((await rowsOn(real)).map((r) => r.d)).toEqual(['2022-04-24', '2022-04-26']);
    const advice = adviceFor([{ table_name: 'bdl_player_boxscores', recovered: 2, still_missing: 1, still_missing_dates: '2022-04-25', reason: s.outcomes[2].reason!, load_failed_dates: '2022-04-25' }]);
    expect(advice.join('\n')).toMatch(/re-load itself failed/);
    expect(advice.join('\n')).not.toMatch(/source has nothing/);
    await real.close();
  });

  it('when the warehouse goes away mid-load: the dates loaded say success, the rest failed with the reason, none running', async () => {
    const { w, real } = await failingSecondLoad(new WarehouseError('TRANSIENT', 'BigQuery stayed unavailable (backendError): injected'));
    await real.execute(`DELETE FROM \`${PROJECT}.nba_raw.bdl_player_boxscores\` WHERE game_date IN UNNEST(@dates)`, { dates: p.dates(dates) });
    await expect(runBackfill(w, findJob('raw/bdl_player_boxscores')!, { dates, chunks: 1 })).rejects.toThrow(/injected/);
    const h = (await history(real)).rows;
    expect(h.map((r) => [r.data_date, r.status])).toEqual([['2022-04-24', 'success'], ['2022-04-25', 'failed'], ['2022-04-26', 'failed']]);
    expect(h[2].errors).toContain('TRANSIENT: BigQuery stayed unavailable (backendError): injected');
    expect((await rowsOn(real)).map((r) => r.d)).toEqual(['2022-04-24']);
    await real.close();
  });
});

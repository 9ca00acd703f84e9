/**
 * The BigQuery backend, driven through the real @google-cloud/bigquery client
 * against a local fake of the REST API (test/support/fake-bigquery.ts), which
 * runs the SQL on DuckDB and can be told to fail. Nothing here reaches Google.
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BigQueryWarehouse, DEFAULT_MAX_BYTES_BILLED, transactionScript, type BigQueryOptions } from '../lib/warehouse/bigquery.ts';
import { resolveEndpoint } from '../lib/warehouse/bigquery-client.ts';
import { classifyFailure } from '../lib/warehouse/bigquery-errors.ts';
import { jobLabels } from '../lib/warehouse/bigquery-labels.ts';
import { columnsFromSchema, normalizeRow } from '../lib/warehouse/bigquery-rows.ts';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { ensureBaseSchema, openWarehouse } from '../lib/warehouse/open.ts';
import { p } from '../lib/warehouse/params.ts';
import { WarehouseError, canDryRun, type WarehouseErrorCode } from '../lib/warehouse/types.ts';
import { FakeBigQuery } from './support/fake-bigquery.ts';

const PROJECT = 'nba-props-platform';
const GAMES = `\`${PROJECT}.bq_test.games\``;

let fake: FakeBigQuery;

/** A warehouse on the fake, with polling and backoff shortened so failures are quick to test. */
function warehouse(extra: Partial<BigQueryOptions> = {}): BigQueryWarehouse {
  return new BigQueryWarehouse({
    project: PROJECT, endpoint: fake.endpoint,
    poll: { firstMs: 2, maxMs: 10 }, retry: { baseDelayMs: 1, maxDelayMs: 4 }, ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<WarehouseError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(WarehouseError);
  return err as WarehouseError;
}

async function expectCode(promise: Promise<unknown>, code: WarehouseErrorCode): Promise<WarehouseError> {
  const err = await failure(promise);
  expect(err.code, err.message).toBe(code);
  expect(err.message).not.toContain('\n');
  return err;
}

const insertBodies = () => fake.requestsFor('jobs.insert').map((r) => r.body);

beforeAll(async () => {
  fake = await FakeBigQuery.start(PROJECT);
  const w = warehouse();
  await w.execute(`CREATE SCHEMA IF NOT EXISTS \`${PROJECT}.bq_test\``);
  await w.execute(`CREATE TABLE ${GAMES} (game_id STRING, game_date DATE, points INT64)`);
  await w.execute(`INSERT INTO ${GAMES} VALUES ('g1', DATE '2024-01-01', 100), ('g2', DATE '2024-01-02', 110), ('g3', DATE '2024-01-03', 120)`);
});

afterAll(async () => { await fake?.close(); });

beforeEach(() => { fake.reset(); });

describe('queries', () => {
  it('binds named parameters with their declared types, NULLs included', async () => {
    const r = await warehouse().query(
      'SELECT @d AS d, @i AS i, @f AS f, @s AS s, @b AS b, @ds AS ds, @ns AS ns, CAST(@nd AS DATE) AS nd, @ts AS ts, CAST(@start AS DATE) AS start',
      {
        d: p.date('2024-02-29'), i: 42, f: 1.5, s: "O'Neal \\ \"Shaq\"", b: true, ds: p.dates(['2024-01-01', '2024-01-02']),
        ns: p.ints([1, 2, 3]), nd: p.null('DATE'), ts: p.timestamp('2024-01-15T10:30:00.123Z'), start: p.date('2021-10-19'),
      });
    expect(r.rows).toEqual([{
      d: '2024-02-29', i: 42, f: 1.5, s: "O'Neal \\ \"Shaq\"", b: true, ds: ['2024-01-01', '2024-01-02'],
      ns: [1, 2, 3], nd: null, ts: '2024-01-15T10:30:00.123Z', start: '2021-10-19',
    }]);
    expect(r.columns.map((c) => c.type)).toEqual(['DATE', 'INT64', 'FLOAT64', 'STRING', 'BOOL', 'ARRAY<DATE>', 'ARRAY<INT64>', 'DATE', 'TIMESTAMP', 'DATE']);

    const sent = insertBodies()[0].configuration.query;
    const typeOf = (name: string) => sent.queryParameters.find((q: { name: string }) => q.name === name);
    expect(sent.parameterMode).toBe('NAMED');
    expect(typeOf('d')).toEqual({ name: 'd', parameterType: { type: 'DATE' }, parameterValue: { value: '2024-02-29' } });
    expect(typeOf('nd')).toEqual({ name: 'nd', parameterType: { type: 'DATE' }, parameterValue: { value: null } });
    expect(typeOf('ds').parameterType).toEqual({ type: 'ARRAY', arrayType: { type: 'DATE' } });
    expect(typeOf('i').parameterValue).toEqual({ value: '42' });
    expect(sent.types).toBeUndefined();
  });

  it('filters with IN UNNEST(@dates) against a table', async () => {
    const r = await warehouse().query(`SELECT game_id FROM ${GAMES} WHERE game_date IN UNNEST(@dates) ORDER BY game_id`,
      { dates: p.dates(['2024-01-01', '2024-01-03']) });
    expect(r.rows).toEqual([{ game_id: 'g1' }, { game_id: 'g3' }]);
  });

  it('pages through a large result instead of loading it in one response', async () => {
    const digits = Array.from({ length: 10 }, (_, k) => `SELECT ${k} AS n`).join(' UNION ALL ');
    const sql = `WITH d AS (${digits})
      SELECT a.n * 1000 + b.n * 100 + c.n * 10 + e.n AS i FROM d a, d b, d c, d e
      WHERE a.n * 1000 + b.n * 100 + c.n * 10 + e.n < 2500 ORDER BY i`;
    const r = await warehouse({ pageSize: 1000 }).query(sql);
    expect(r.rows).toHaveLength(2500);
    expect(r.rows.map((row) => row.i)).toEqual(Array.from({ length: 2500 }, (_, k) => k));
    const pages = fake.requestsFor('jobs.getQueryResults');
    expect(pages).toHaveLength(3);
    expect(pages.map((q) => q.query.maxResults)).toEqual(['1000', '1000', '1000']);
    expect(pages.map((q) => q.query.pageToken)).toEqual([undefined, '1000', '2000']);
    expect(pages.every((q) => !('skipParsing' in q.query) && q.query['formatOptions.useInt64Timestamp'] === 'true')).toBe(true);
  });

  it('refuses a result longer than maxRows instead of filling memory', async () => {
    const err = await expectCode(warehouse({ maxRows: 2 }).query(`SELECT * FROM ${GAMES}`), 'FAILED');
    expect(err.message).toMatch(/more than 2 rows/);
  });

  it('reports bytes processed and job ids for the journal', async () => {
    const jobs: unknown[] = [];
    // COUNT(game_id), not COUNT(*): BigQuery bills a COUNT(*) nothing (no column read), and so does the fake.
    const r = await warehouse({ onJob: (j) => jobs.push(j) }).query(`SELECT COUNT(game_id) AS n FROM ${GAMES}`, {}, { label: '01-validate-phase2/1.1' });
    expect(r.rows).toEqual([{ n: 3 }]);
    expect(r.stats?.bytesProcessed).toBeGreaterThan(0);
    expect(r.stats?.jobIds).toEqual([insertBodies()[0].jobReference.jobId]);
    expect(r.stats?.jobIds?.[0]).toMatch(/^runbook_01-validate-phase2_1_1_[0-9a-f]{32}$/);
    expect(jobs).toEqual([expect.objectContaining({ jobId: r.stats?.jobIds?.[0], label: '01-validate-phase2/1.1', statementType: 'SELECT' })]);
  });

  it('polls a job that is still running until it is done', async () => {
    fake.slowNextJob(3);
    const r = await warehouse().query('SELECT 1 AS one');
    expect(r.rows).toEqual([{ one: 1 }]);
    expect(fake.requestsFor('jobs.get').length).toBeGreaterThanOrEqual(3);
  });
});

describe('normalising REST rows by schema', () => {
  const schema = [
    { name: 'big', type: 'INTEGER' }, { name: 'num', type: 'NUMERIC' }, { name: 'f', type: 'FLOAT' },
    { name: 'ok', type: 'BOOLEAN' }, { name: 'd', type: 'DATE' }, { name: 'ts', type: 'TIMESTAMP' },
    { name: 'tags', type: 'STRING', mode: 'REPEATED' }, { name: 'nothing', type: 'STRING' },
  ];
  const columns = columnsFromSchema(schema);

  it('maps legacy type names and repeated fields', () => {
    expect(columns.map((c) => c.type)).toEqual(['INT64', 'NUMERIC', 'FLOAT64', 'BOOL', 'DATE', 'TIMESTAMP', 'ARRAY<STRING>', 'STRING']);
  });

  it('keeps INT64 exact, reads int64 and float-second timestamps, never sniffs', () => {
    const raw = (ts: string) => ({ f: [
      { v: '9007199254740993' }, { v: '123.456' }, { v: 'NaN' }, { v: 'false' }, { v: '1969-12-31' }, { v: ts },
      { v: [{ v: 'a' }, { v: '42' }] }, { v: null },
    ] });
    const expected = { big: '9007199254740993', num: 123.456, f: NaN, ok: false, d: '1969-12-31', ts: '2024-01-15T10:30:00.123Z', tags: ['a', '42'], nothing: null };
    expect(normalizeRow(columns, raw('1705314600123000'))).toEqual(expected);
    expect(normalizeRow(columns, raw('1.705314600123E9'))).toEqual(expected);
  });
});

describe('writes', () => {
  const table = `\`${PROJECT}.bq_test.writes\``;
  beforeEach(async () => {
    const w = warehouse();
    await w.execute(`CREATE OR REPLACE TABLE ${table} (d DATE, n INT64)`);
    await w.execute(`INSERT INTO ${table} VALUES (DATE '2024-01-01', 1), (DATE '2024-01-02', 2)`);
    fake.reset();
  });
  const contents = async () => (await warehouse().query(`SELECT d, n FROM ${table} ORDER BY d, n`)).rows;

  it('runs DML as one job and reports affected rows', async () => {
    expect(await warehouse().execute(`DELETE FROM ${table} WHERE d = @d`, { d: p.date('2024-01-01') })).toEqual({ affectedRows: 1 });
    expect(insertBodies()).toHaveLength(1);
  });

  it('runs atomic statements as ONE transaction script job with merged parameters', async () => {
    await warehouse().atomic([
      { sql: `DELETE FROM ${table} WHERE d IN UNNEST(@dates); -- the dates being replaced`, params: { dates: p.dates(['2024-01-02']) } },
      { sql: `INSERT INTO ${table} SELECT game_date, @n FROM ${GAMES} WHERE game_date IN UNNEST(@dates)`, params: { dates: p.dates(['2024-01-02']), n: 20 } },
    ], { label: '03-phase3/player_game_summary' });
    const [body] = insertBodies();
    expect(insertBodies()).toHaveLength(1);
    expect(body.configuration.query.query).toBe([
      'BEGIN TRANSACTION;',
      `DELETE FROM ${table} WHERE d IN UNNEST(@dates);`,
      `INSERT INTO ${table} SELECT game_date, @n FROM ${GAMES} WHERE game_date IN UNNEST(@dates);`,
      'COMMIT TRANSACTION;',
    ].join('\n'));
    expect(body.configuration.query.queryParameters.map((q: { name: string }) => q.name).sort()).toEqual(['dates', 'n']);
    expect(await contents()).toEqual([{ d: '2024-01-01', n: 1 }, { d: '2024-01-02', n: 20 }]);
  });

  it('terminates each statement of the script so a trailing comment cannot swallow its semicolon', () => {
    expect(transactionScript([{ sql: 'DELETE FROM t WHERE d = @d -- old rows' }, { sql: "INSERT INTO t VALUES (';')  ;" }]))
      .toBe("BEGIN TRANSACTION;\nDELETE FROM t WHERE d = @d -- old rows\n;\nINSERT INTO t VALUES (';');\nCOMMIT TRANSACTION;");
  });

  it('rolls the whole script back when one statement fails', async () => {
    await expectCode(warehouse().atomic([
      { sql: `DELETE FROM ${table} WHERE d IN UNNEST(@dates)`, params: { dates: p.dates(['2024-01-01', '2024-01-02']) } },
      { sql: `INSERT INTO ${table} SELECT * FROM \`${PROJECT}.bq_test.no_such_table\`` },
    ]), 'NOT_FOUND');
    expect(insertBodies()).toHaveLength(1);
    expect(await contents()).toEqual([{ d: '2024-01-01', n: 1 }, { d: '2024-01-02', n: 2 }]);
  });

  it('binds a name two statements use with different values separately (seed batches both bind @v0_0)', async () => {
    await warehouse().atomic([
      { sql: `DELETE FROM ${table} WHERE d IN UNNEST(@dates)`, params: { dates: p.dates(['2024-01-01', '2024-01-02']) } },
      { sql: `INSERT INTO ${table} VALUES (@v0_0, @v0_1) -- '@v0_0' in a comment`, params: { v0_0: p.date('2024-01-01'), v0_1: 11 } },
      { sql: `INSERT INTO ${table} VALUES (@v0_0, @v0_1), (@v0_0, LENGTH('@v0_1'))`, params: { v0_0: p.date('2024-01-02'), v0_1: 22 } },
      { sql: `DELETE FROM ${table} WHERE d IN UNNEST(@dates) AND n = 1`, params: { dates: p.dates(['2024-01-01', '2024-01-02']) } },
    ]);
    const [body] = insertBodies();
    expect(insertBodies()).toHaveLength(1);
    // By hand: 01-01 → 11; 01-02 → 22 and 5 (the literal '@v0_1' is five characters of text, not a parameter).
    expect(await contents()).toEqual([{ d: '2024-01-01', n: 11 }, { d: '2024-01-02', n: 5 }, { d: '2024-01-02', n: 22 }]);
    // @dates has one value, so it stays one parameter; @v0_0/@v0_1 of the second INSERT are renamed.
    expect(body.configuration.query.queryParameters.map((q: { name: string }) => q.name).sort()).toEqual(['dates', 'v0_0', 'v0_0__2', 'v0_1', 'v0_1__2']);
    expect(body.configuration.query.query).toContain("VALUES (@v0_0__2, @v0_1__2), (@v0_0__2, LENGTH('@v0_1'))");
    expect(body.configuration.query.query).toContain("VALUES (@v0_0, @v0_1) -- '@v0_0' in a comment");
  });

  it('does NOT retry a DML job that failed with backendError (it may have applied)', async () => {
    fake.failNextJob('backendError', 'Backend error. Job aborted.');
    const err = await expectCode(warehouse().execute(`DELETE FROM ${table} WHERE n = 1`), 'TRANSIENT');
    expect(err.message).toMatch(/not retried/);
    expect(insertBodies()).toHaveLength(1);
  });

  it('adopts a DML job whose insert reply was lost (503 after creation) instead of inserting it twice', async () => {
    fake.failRequests({ op: 'jobs.insert', status: 503, reason: 'backendError', afterCreate: true });
    expect(await warehouse().execute(`INSERT INTO ${table} VALUES (DATE '2024-01-03', 3)`)).toEqual({ affectedRows: 1 });
    expect(insertBodies()).toHaveLength(1);
    expect(fake.requestsFor('jobs.get')).toHaveLength(1);
    expect(await fake.rows(`SELECT COUNT(*) AS n FROM ${table} WHERE n = 3`)).toEqual([{ n: '1' }]);
  });

  it('re-sends a DML insert that never created a job, with the same job id', async () => {
    fake.failRequests({ op: 'jobs.insert', status: 503, reason: 'backendError' });
    await warehouse().execute(`INSERT INTO ${table} VALUES (DATE '2024-01-03', 3)`);
    const ids = insertBodies().map((b) => b.jobReference.jobId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
    expect((await contents()).filter((r) => r.n === 3)).toHaveLength(1);
  });

  it('says a write did not run when its insert kept failing and no job was created', async () => {
    fake.failRequests({ op: 'jobs.insert', status: 503, reason: 'backendError', times: 10 });
    const err = await expectCode(warehouse({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } }).execute(`DELETE FROM ${table} WHERE n = 1`), 'TRANSIENT');
    expect(err.message).not.toMatch(/may have applied/);
    expect(insertBodies()).toHaveLength(2);
    fake.reset();
    expect(await contents()).toHaveLength(2);
  });

  it('cancels a write that passes its deadline and says it may have applied', async () => {
    fake.hangNextJob();
    const err = await expectCode(warehouse().execute(`DELETE FROM ${table} WHERE n = 1`, {}, { timeoutMs: 60 }), 'TIMEOUT');
    expect(err.message).toMatch(/may still have applied/);
    expect(fake.requestsFor('jobs.cancel')).toHaveLength(1);
  });
});

describe('failures', () => {
  it('dataset or table not found (404 notFound) → NOT_FOUND, not retried', async () => {
    fake.failRequests({ op: 'jobs.insert', status: 404, reason: 'notFound', message: 'Not found: Dataset nba-props-platform:nba_raw' });
    const err = await expectCode(warehouse().query('SELECT 1'), 'NOT_FOUND');
    expect(err.message).toMatch(/Dataset nba-props-platform:nba_raw.*--project/);
    expect(insertBodies()).toHaveLength(1);
    await expectCode(warehouse().query(`SELECT * FROM \`${PROJECT}.bq_test.missing\``), 'NOT_FOUND');
  });

  it('invalid SQL (400 invalidQuery) → INVALID_SQL, not retried', async () => {
    fake.failRequests({ op: 'jobs.insert', status: 400, reason: 'invalidQuery', message: 'Syntax error: Unexpected keyword FROM at [1:8]' });
    const err = await expectCode(warehouse().query('SELECT FROM'), 'INVALID_SQL');
    expect(err.message).toMatch(/Syntax error.*\[1:8\]/);
    expect(insertBodies()).toHaveLength(1);
    await expectCode(warehouse().query('SELEC 1'), 'INVALID_SQL');
  });

  it('403 rateLimitExceeded is retried with backoff, then succeeds', async () => {
    fake.failRequests({ op: 'jobs.insert', status: 403, reason: 'rateLimitExceeded', times: 2 });
    expect((await warehouse().query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    const ids = insertBodies().map((b) => b.jobReference.jobId);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1); // the same job id: BigQuery itself would refuse a duplicate
  });

  it('503 backendError is retried, on the insert and on a results page', async () => {
    fake.failRequests({ op: 'jobs.insert', status: 503, reason: 'backendError' });
    fake.failRequests({ op: 'jobs.getQueryResults', status: 503, reason: 'backendError' });
    expect((await warehouse().query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    expect(fake.requestsFor('jobs.getQueryResults')).toHaveLength(2);
  });

  it('a read whose job failed with backendError runs again as a new job', async () => {
    fake.failNextJob('backendError');
    const r = await warehouse().query('SELECT 3 AS three');
    expect(r.rows).toEqual([{ three: 3 }]);
    const ids = insertBodies().map((b) => b.jobReference.jobId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).not.toBe(ids[1]);
    expect(r.stats?.jobIds).toEqual(ids);
  });

  it('gives up after the configured attempts', async () => {
    fake.failRequests({ op: 'jobs.insert', status: 503, reason: 'backendError', times: 10 });
    const err = await expectCode(warehouse({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }).query('SELECT 1'), 'TRANSIENT');
    expect(err.message).toMatch(/try again later/);
    expect(insertBodies()).toHaveLength(3);
  });

  it('403 accessDenied → PERMISSION, not retried', async () => {
    fake.failRequests({ op: 'jobs.insert', status: 403, reason: 'accessDenied', message: 'Access Denied: Project nba-props-platform: User does not have bigquery.jobs.create permission' });
    const err = await expectCode(warehouse().query('SELECT 1'), 'PERMISSION');
    expect(err.message).toMatch(/bigquery\.jobs\.create.*docs\/BIGQUERY\.md/);
    expect(fake.requests).toHaveLength(1);
  });

  it('401 and missing Application Default Credentials → NO_CREDENTIALS', async () => {
    fake.failRequests({ op: 'jobs.insert', status: 401, reason: 'unauthorized', message: 'Request is missing required authentication credential' });
    const err = await expectCode(warehouse().query('SELECT 1'), 'NO_CREDENTIALS');
    expect(err.message).toMatch(/gcloud auth application-default login/);
    const adc = classifyFailure(new Error('Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.'),
      { what: 'query', project: PROJECT, maxBytesBilled: 1 });
    expect(adc.code).toBe('NO_CREDENTIALS');
  });

  it('a query past its deadline is cancelled → TIMEOUT', async () => {
    fake.hangNextJob();
    const started = Date.now();
    const err = await expectCode(warehouse().query('SELECT 1', {}, { timeoutMs: 80, label: 'monitor/1' }), 'TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2_000);
    const jobId = insertBodies()[0].jobReference.jobId;
    expect(err.message).toContain(jobId);
    expect(err.message).toMatch(/was cancelled/);
    expect(fake.requestsFor('jobs.cancel').map((r) => r.path)).toEqual([`/projects/${PROJECT}/jobs/${jobId}/cancel`]);
    expect(fake.jobs.get(jobId)?.resource.status.errorResult.reason).toBe('stopped');
  });
});

describe('cost guardrails', () => {
  it('sets maximumBytesBilled (default 10 GiB) and a server-side jobTimeoutMs on every job', async () => {
    await warehouse().query('SELECT 1', {}, { timeoutMs: 30_000 });
    await warehouse({ maxBytesBilled: 5_000_000_000 }).execute(`DELETE FROM ${GAMES} WHERE FALSE`);
    const [read, write] = insertBodies();
    expect(read.configuration.query.maximumBytesBilled).toBe(String(DEFAULT_MAX_BYTES_BILLED));
    expect(DEFAULT_MAX_BYTES_BILLED).toBe(10 * 1024 ** 3);
    expect(write.configuration.query.maximumBytesBilled).toBe('5000000000');
    expect(Number(read.configuration.jobTimeoutMs)).toBeGreaterThanOrEqual(30_000);
  });

  it('an over-budget query fails as OVER_BUDGET', async () => {
    const err = await expectCode(warehouse({ maxBytesBilled: 1_000_000 }).query(`SELECT * FROM ${GAMES}`), 'OVER_BUDGET');
    expect(err.message).toMatch(/--max-bytes-billed/);
    expect(insertBodies()).toHaveLength(1);
  });

  it('a dry run reports the bytes without running anything', async () => {
    const w = warehouse();
    expect(canDryRun(w)).toBe(true);
    expect(canDryRun(new DuckDBWarehouse({ file: ':memory:', project: PROJECT }))).toBe(false);
    const jobsBefore = fake.jobs.size;
    const { bytesProcessed } = await w.dryRun(`DELETE FROM ${GAMES} WHERE game_date IN UNNEST(@dates)`, { dates: p.dates(['2024-01-01']) });
    expect(bytesProcessed).toBe(3 * 3 * 8); // the fake's estimate: rows × columns × 8
    expect(insertBodies()[0].configuration.dryRun).toBe(true);
    expect(fake.jobs.size).toBe(jobsBefore);
    expect((await w.query(`SELECT COUNT(*) AS n FROM ${GAMES}`)).rows).toEqual([{ n: 3 }]);
    await expectCode(w.dryRun('SELEC 1'), 'INVALID_SQL');
  });
});

describe('labels', () => {
  it('labels every job with the script, step and process-wide labels', async () => {
    await warehouse({ labels: { run_id: 'Run 2024-11-29T10:00', season: '2021-22' } })
      .query('SELECT 1', {}, { label: '01-validate-phase2/1.1' });
    expect(insertBodies()[0].configuration.labels).toEqual({
      app: 'backfill-runbook', run_id: 'run_2024-11-29t10_00', season: '2021-22', script: '01-validate-phase2', step: '1_1',
    });
  });

  it('sanitises keys and values to BigQuery label rules', () => {
    const labels = jobLabels('Phase 4/Team Defense.Zone', { '2nd key': 'X'.repeat(80) });
    expect(labels).toEqual({ app: 'backfill-runbook', k_2nd_key: 'x'.repeat(63), script: 'phase_4', step: 'team_defense_zone' });
    for (const [k, v] of Object.entries(labels)) {
      expect(k).toMatch(/^[a-z][a-z0-9_-]{0,62}$/);
      expect(v).toMatch(/^[a-z0-9_-]{0,63}$/);
    }
  });
});

describe('endpoint and credentials', () => {
  afterEach(() => { vi.unstubAllEnvs(); });

  it('needs no Google credentials with an endpoint, and contacts no other host', async () => {
    // If the auth library were consulted it would fail on this file, or probe the metadata server.
    vi.stubEnv('GOOGLE_APPLICATION_CREDENTIALS', '/nonexistent/credentials.json');
    vi.stubEnv('GOOGLE_CLOUD_PROJECT', '');
    vi.stubEnv('BIGQUERY_EMULATOR_HOST', '');
    const contacted: string[] = [];
    const connect = net.Socket.prototype.connect;
    const spy = vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
      // net.createConnection passes its normalised [options, callback] pair as the first argument.
      const first = Array.isArray(args[0]) ? args[0][0] : args[0];
      const o = first as { host?: string; port?: number; path?: string } | number;
      contacted.push(typeof o === 'object' ? (o.path ?? `${o.host ?? 'localhost'}:${o.port}`) : `${String(args[1] ?? 'localhost')}:${o}`);
      return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
    });
    try {
      fake.dropConnections(); // so the client opens a fresh connection we can see
      await new Promise((resolve) => setTimeout(resolve, 20));
      const r = await warehouse().query('SELECT @x AS x', { x: 'ok' });
      expect(r.rows).toEqual([{ x: 'ok' }]);
    } finally {
      spy.mockRestore();
    }
    const fakeHost = new URL(fake.endpoint).host;
    expect(contacted.length).toBeGreaterThan(0);
    expect(contacted.filter((h) => h !== fakeHost)).toEqual([]);
    expect(fake.requests.every((r) => r.authorization === undefined)).toBe(true);
  });

  it('honours BIGQUERY_EMULATOR_HOST when no endpoint is given', async () => {
    vi.stubEnv('BIGQUERY_EMULATOR_HOST', new URL(fake.endpoint).host); // host:port, as emulators document it
    const w = new BigQueryWarehouse({ project: PROJECT, poll: { firstMs: 2 } });
    expect(w.endpoint).toBe(fake.endpoint);
    expect((await w.query('SELECT 7 AS seven')).rows).toEqual([{ seven: 7 }]);
    expect(fake.requests[0].authorization).toBeUndefined();
  });

  it('resolves endpoints: option first, then the environment; http only for local hosts', () => {
    expect(resolveEndpoint('http://emu:9050/bigquery/v2/', {})).toBe('http://emu:9050');
    expect(resolveEndpoint('localhost:9050', {})).toBe('http://localhost:9050');
    expect(resolveEndpoint('bq.internal.example:443', {})).toBe('https://bq.internal.example:443');
    expect(resolveEndpoint(undefined, { BIGQUERY_EMULATOR_HOST: '127.0.0.1:9050' })).toBe('http://127.0.0.1:9050');
    expect(resolveEndpoint(undefined, {})).toBeUndefined();
  });

  it('is what openWarehouse builds for --backend bigquery, and the base schema DDL runs on it', async () => {
    const w = await openWarehouse({ backend: 'bigquery', project: PROJECT, file: 'unused', endpoint: fake.endpoint, maxBytesBilled: 123_456_789 });
    expect(w).toBeInstanceOf(BigQueryWarehouse);
    await ensureBaseSchema(w);
    const r = await w.query(`SELECT COUNT(*) AS n FROM \`${PROJECT}.nba_reference.processor_run_history\``);
    expect(r.rows).toEqual([{ n: 0 }]);
    expect(insertBodies().every((b) => b.configuration.query.maximumBytesBilled === '123456789')).toBe(true);
  });

  it('requires a project', () => {
    expect(() => new BigQueryWarehouse({ project: '' })).toThrow(/--project/);
  });
});

describe('DML concurrency', () => {
  it('runs one mutating statement at a time per process, within BigQuery’s 2 concurrent DML per table', async () => {
    const w = warehouse();
    for (let i = 0; i < 4; i++) fake.slowNextJob(3);
    // Five jobs writing at once, as the five parallel Phase 3 jobs write the run history.
    await Promise.all([1, 2, 3, 4, 5].map((i) => w.execute(`INSERT INTO ${GAMES} VALUES (@id, DATE '2024-02-01', 1)`, { id: `c${i}` })));
    // Serialised means each job's requests (insert, polls, results) all come before the next job's insert.
    const ids = fake.requestsFor('jobs.insert').map((r) => r.body.jobReference.jobId as string);
    const span = (id: string) => {
      const at = fake.requests.map((r, k) => (r.path.includes(id) || r.body?.jobReference?.jobId === id ? k : -1)).filter((k) => k >= 0);
      return [Math.min(...at), Math.max(...at)];
    };
    const spans = ids.map(span).sort((x, y) => x[0] - y[0]);
    for (let k = 1; k < spans.length; k++) expect(spans[k][0]).toBeGreaterThan(spans[k - 1][1]);
    expect(fake.requestsFor('jobs.insert')).toHaveLength(5);
  });
});

/**
 * Smoke test against a real BigQuery project, for what the local fake cannot
 * prove: credentials, IAM, locations, real error shapes, real cancellation.
 * Skipped unless BQ_LIVE_PROJECT is set; see docs/BIGQUERY.md for how to run it.
 * It creates one scratch dataset, runs a handful of small jobs (well under 1 GB
 * billed in all), and drops the dataset at the end.
 */
import { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryWarehouse, type JobReport } from '../lib/warehouse/bigquery.ts';
import { p } from '../lib/warehouse/params.ts';
import { WarehouseError } from '../lib/warehouse/types.ts';

const PROJECT = process.env.BQ_LIVE_PROJECT ?? '';
const LOCATION = process.env.BQ_LIVE_LOCATION;
const DATASET = `runbook_smoke_${Date.now().toString(36)}`;
const TABLE = `\`${PROJECT}.${DATASET}.games\``;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(WarehouseError);
  return (err as WarehouseError).code;
}

describe.skipIf(!PROJECT)('BigQuery live smoke test', () => {
  const reports: JobReport[] = [];
  let w: BigQueryWarehouse;

  beforeAll(async () => {
    w = new BigQueryWarehouse({ project: PROJECT, location: LOCATION, labels: { purpose: 'smoke-test' }, onJob: (r) => reports.push(r) });
    await w.execute(`CREATE SCHEMA IF NOT EXISTS \`${PROJECT}.${DATASET}\``);
    await w.execute(`CREATE TABLE ${TABLE} (game_id STRING, game_date DATE, points INT64) PARTITION BY game_date`);
    await w.execute(`INSERT INTO ${TABLE} VALUES ('g1', DATE '2024-01-01', 100), ('g2', DATE '2024-01-02', 110)`);
  }, 120_000);

  afterAll(async () => {
    await w?.execute(`DROP SCHEMA IF EXISTS \`${PROJECT}.${DATASET}\` CASCADE`);
  }, 120_000);

  it('queries with typed parameters and reports bytes and job ids', async () => {
    const r = await w.query(`SELECT game_id, game_date, points FROM ${TABLE} WHERE game_date IN UNNEST(@dates) AND points >= @min ORDER BY game_id`,
      { dates: p.dates(['2024-01-01', '2024-01-02']), min: 100 }, { label: 'smoke/query' });
    expect(r.rows).toEqual([
      { game_id: 'g1', game_date: '2024-01-01', points: 100 },
      { game_id: 'g2', game_date: '2024-01-02', points: 110 },
    ]);
    expect(r.stats?.jobIds).toHaveLength(1);
    expect(r.stats?.bytesProcessed).toBeGreaterThan(0);
  });

  it('labels the job', async () => {
    const r = await w.query('SELECT 1 AS one', {}, { label: '01-validate-phase2/1.1' });
    const [meta] = await new BigQuery({ projectId: PROJECT, location: LOCATION }).job(r.stats!.jobIds![0], { location: LOCATION }).getMetadata();
    expect(meta.configuration.labels).toMatchObject({ app: 'backfill-runbook', purpose: 'smoke-test', script: '01-validate-phase2', step: '1_1' });
    expect(meta.configuration.query.maximumBytesBilled).toBe(String(10 * 1024 ** 3));
  });

  it('dry-runs without billing', async () => {
    const { bytesProcessed } = await w.dryRun(`SELECT * FROM ${TABLE}`);
    expect(bytesProcessed).toBeGreaterThan(0);
  });

  it('replaces dates atomically, and rolls back on failure', async () => {
    const dates = p.dates(['2024-01-01']);
    const replace = [
      { sql: `DELETE FROM ${TABLE} WHERE game_date IN UNNEST(@dates)`, params: { dates } },
      { sql: `INSERT INTO ${TABLE} SELECT 'g1b', d, 101 FROM UNNEST(@dates) AS d`, params: { dates } },
    ];
    expect(await codeOf(w.atomic([...replace, { sql: `INSERT INTO ${TABLE} SELECT * FROM \`${PROJECT}.${DATASET}.missing\`` }]))).toBe('NOT_FOUND');
    expect((await w.query(`SELECT game_id FROM ${TABLE} ORDER BY game_id`)).rows).toEqual([{ game_id: 'g1' }, { game_id: 'g2' }]);
    await w.atomic(replace, { label: 'smoke/atomic' });
    expect((await w.query(`SELECT game_id FROM ${TABLE} ORDER BY game_id`)).rows).toEqual([{ game_id: 'g1b' }, { game_id: 'g2' }]);
  });

  it('classifies real failures', async () => {
    expect(await codeOf(w.query(`SELECT * FROM \`${PROJECT}.${DATASET}.missing\``))).toBe('NOT_FOUND');
    expect(await codeOf(w.query('SELEC 1'))).toBe('INVALID_SQL');
    const tiny = new BigQueryWarehouse({ project: PROJECT, location: LOCATION, maxBytesBilled: 1 });
    expect(await codeOf(tiny.query(`SELECT * FROM ${TABLE}`))).toBe('OVER_BUDGET');
  });

  it('cancels a query that passes its deadline', async () => {
    // Scans no table, so nothing is billed on on-demand pricing; it just takes a few seconds.
    const slow = 'SELECT COUNT(*) AS n FROM UNNEST(GENERATE_ARRAY(1, 100000)) a, UNNEST(GENERATE_ARRAY(1, 100000)) b WHERE MOD(a + b, 7) = 0';
    expect(await codeOf(w.query(slow, {}, { timeoutMs: 1_500, label: 'smoke/timeout' }))).toBe('TIMEOUT');
  }, 60_000);
});

/**
 * The fence (issue 11 part 3): with --sandbox-suffix, the reference platform on
 * BigQuery writes only `<dataset><suffix>`; Phase 2 is read from the real nba_raw.
 * Proven from what the local BigQuery server received (every DML/DDL target of
 * every job) and from its tables, not from the code that rewrites the names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBigQuery } from './support/fake-bigquery.ts';
import { sandbox, scriptAsync } from './support/scripts.ts';
import { sandboxResolver, writeTargets } from '../lib/queries/tables.ts';
import { SandboxWarehouse } from '../lib/warehouse/sandbox.ts';
import { BigQueryWarehouse } from '../lib/warehouse/bigquery.ts';
import { runBackfill } from '../lib/backfill/runner.ts';
import { findJob } from '../lib/jobs/registry.ts';

const PROJECT = 'nba-props-platform';
const SUFFIX = '_rb_test';
const NO_GOOGLE = { GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/credentials.json', METADATA_SERVER_DETECTION: 'none' };

let fake: FakeBigQuery;
const served = sandbox();

beforeAll(async () => { fake = await FakeBigQuery.start(PROJECT, { data: served.warehouse }); });
afterAll(async () => { await fake.close(); });

/** Every table of the fake's database with its row count, by schema.table. */
async function tableCounts(): Promise<Map<string, number>> {
  const tables = await fake.rows(`SELECT schema_name || '.' || table_name AS t FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1`);
  const out = new Map<string, number>();
  for (const { t } of tables as { t: string }[]) {
    out.set(t, Number((await fake.rows(`SELECT COUNT(*) AS n FROM ${t}`))[0].n));
  }
  return out;
}

/**
 * The target of every mutating statement the fake was sent, found with a plain
 * pattern over the SQL text (independently of lib/queries/tables.ts).
 */
function writtenTargets(): string[] {
  const out: string[] = [];
  const pattern = /\b(?:INSERT\s+INTO|DELETE\s+FROM|UPDATE|MERGE\s+INTO|TRUNCATE\s+TABLE|DROP\s+(?:TABLE|SCHEMA)(?:\s+IF\s+EXISTS)?|CREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|SCHEMA)(?:\s+IF\s+NOT\s+EXISTS)?)\s+`([^`]+)`/gi;
  for (const r of fake.requestsFor('jobs.insert')) {
    const sql = String(r.body?.configuration?.query?.query ?? '').replace(/'(?:[^'\\]|\\.)*'/g, "''");
    for (const m of sql.matchAll(pattern)) out.push(m[1]);
  }
  return out;
}

describe('the sandbox on BigQuery', () => {
  it('02-phase3 with --sandbox-suffix writes only <dataset>_rb_test, reads the real nba_raw, and leaves every real table as it was', async () => {
    const before = await tableCounts();
    const r = await scriptAsync('02-phase3', [
      '--start-date', '2021-11-01', '--end-date', '2021-11-07', '--yes', '--json',
      '--backend', 'bigquery', '--bq-endpoint', fake.endpoint, '--sandbox-suffix', SUFFIX,
    ], sandbox({ seeded: false }), NO_GOOGLE);
    expect(r.code, r.stderr).toBe(0);

    const targets = writtenTargets();
    expect(targets.length).toBeGreaterThan(10);
    const datasets = new Set(targets.map((t) => {
      const parts = t.split('.');
      return parts.length === 3 ? parts[1] : parts[parts.length - 1]; // project.dataset.table, or project.dataset for schemas
    }));
    expect([...datasets].sort()).toEqual(['nba_analytics_rb_test', 'nba_precompute_rb_test', 'nba_predictions_rb_test', 'nba_reference_rb_test']);

    // Phase 2 was read from the real dataset: the processors' INSERT … SELECT name `nba_raw.` tables.
    const sent = fake.requestsFor('jobs.insert').map((x) => String(x.body?.configuration?.query?.query ?? ''));
    expect(sent.some((q) => q.includes(`\`${PROJECT}.nba_raw.nbac_team_boxscore\``) && /INSERT INTO/.test(q))).toBe(true);
    expect(sent.some((q) => q.includes('nba_raw_rb_test'))).toBe(false);

    // The real tables are unchanged; the sandbox holds the week's Phase 3 rows and run history.
    const after = await tableCounts();
    for (const [t, n] of before) expect(after.get(t), t).toBe(n);
    expect(after.get(`nba_analytics${SUFFIX}.player_game_summary`)).toBeGreaterThan(0);
    expect(after.get(`nba_reference${SUFFIX}.processor_run_history`)).toBeGreaterThan(0);
    // 2.3's validation read the sandbox: it counts the dates the sandbox holds (the real table's count did not change).
    const doc = JSON.parse(r.stdout) as { steps: { id: string; rows: { table_name: string; dates: number }[] | null }[] };
    const validation = doc.steps.find((x) => x.id === '2.3')!.rows!;
    const inSandbox = await fake.rows(`SELECT COUNT(DISTINCT game_date) AS n FROM nba_analytics${SUFFIX}.player_game_summary`);
    expect(validation.find((x) => x.table_name === 'player_game_summary')?.dates).toBe(Number(inSandbox[0].n));
    expect(Number(inSandbox[0].n)).toBeGreaterThan(0);
    expect(before.get('nba_analytics.player_game_summary') ?? 0).not.toBe(Number(after.get(`nba_analytics${SUFFIX}.player_game_summary`)));
  }, 120_000);

  it('refuses the generated Phase 2 re-load, and any write outside the sandbox, before sending it', async () => {
    const w = new SandboxWarehouse(new BigQueryWarehouse({ project: PROJECT, endpoint: fake.endpoint }), SUFFIX);
    fake.reset();
    await expect(runBackfill(w, findJob('raw/bdl_player_boxscores')!, { dates: ['2021-11-02'] })).rejects.toThrow(/generated rows, which never go to BigQuery/);
    await expect(w.execute(`DELETE FROM \`${PROJECT}.nba_raw.nbac_schedule\` WHERE TRUE`)).rejects.toThrow(/outside the sandbox/);
    await expect(w.atomic([{ sql: `INSERT INTO nba_raw.nbac_schedule (game_id) VALUES ('x')` }])).rejects.toThrow(/outside the sandbox/);
    await expect(w.execute(`CREATE SCHEMA IF NOT EXISTS \`${PROJECT}.nba_raw\``)).rejects.toThrow(/outside the sandbox/);
    expect(fake.requestsFor('jobs.insert')).toHaveLength(0);
  });
});

describe('sandbox names', () => {
  const r = sandboxResolver('_s');
  it('renames datasets in table paths and schema names, never literals, comments, columns or nba_raw', () => {
    expect(r.sql("SELECT a.nba_analytics, 'nba_analytics.t' FROM `p.nba_analytics.t` a JOIN `p.nba_raw.x` USING (k) -- nba_precompute.y"))
      .toBe("SELECT a.nba_analytics, 'nba_analytics.t' FROM `p.nba_analytics_s.t` a JOIN `p.nba_raw.x` USING (k) -- nba_precompute.y");
    expect(r.sql('CREATE SCHEMA IF NOT EXISTS nba_reference; CREATE SCHEMA IF NOT EXISTS `p.nba_predictions`'))
      .toBe('CREATE SCHEMA IF NOT EXISTS nba_reference_s; CREATE SCHEMA IF NOT EXISTS `p.nba_predictions_s`');
    // The seed marker describes nba_raw: it stays with it.
    expect(r.sql('SELECT * FROM `p.nba_reference.seed_info`')).toBe('SELECT * FROM `p.nba_reference.seed_info`');
  });

  it('finds the dataset every mutating statement of a script writes', () => {
    expect(writeTargets('BEGIN TRANSACTION; DELETE FROM `p.a.t` WHERE TRUE; INSERT INTO b.u SELECT * FROM `p.c.v`; CREATE TEMP TABLE x AS SELECT 1; SELECT 1; COMMIT TRANSACTION;')
      .map((x) => x.dataset)).toEqual(['a', 'b', null]);
  });
});

describe('the sandbox on the embedded warehouse', () => {
  it('runs a job into <dataset>_s, reading the real Phase 2, and records history in the sandbox', async () => {
    const { DuckDBWarehouse } = await import('../lib/warehouse/duckdb.ts');
    const { ensureBaseSchema } = await import('../lib/warehouse/open.ts');
    const { PHASE2_TABLES, createTableSql } = await import('../lib/seed/schema.ts');
    const real = new DuckDBWarehouse({ file: ':memory:', project: PROJECT });
    await ensureBaseSchema(real);
    for (const t of PHASE2_TABLES) await real.execute(createTableSql(t, PROJECT));
    await real.execute(`INSERT INTO \`${PROJECT}.nba_raw.nbac_schedule\` (game_id, game_date, game_status) VALUES ('g1', DATE '2021-11-01', 3), ('g2', DATE '2021-11-02', 3)`);
    const w = new SandboxWarehouse(real, '_s');
    await ensureBaseSchema(w);
    await w.execute(`CREATE TABLE \`${PROJECT}.nba_analytics.t\` (game_id STRING, game_date DATE)`);
    const s = await runBackfill(w, {
      job: 'analytics/t', processorName: 'TProcessor', phase: 'phase_3_analytics',
      output: { name: 'nba_analytics.t', dateColumn: 'game_date', keys: ['game_id'] },
      dependencies: [{ table: 'nba_raw.nbac_schedule', dateColumn: 'game_date', lookbackDays: 0, required: true }],
      insertSql: (pr) => `INSERT INTO \`${pr}.nba_analytics.t\` SELECT game_id, game_date FROM \`${pr}.nba_raw.nbac_schedule\` WHERE game_date IN UNNEST(@dates)`,
    }, { start: '2021-11-01', end: '2021-11-02' });
    expect(s.outcomes.map((o) => o.status)).toEqual(['success', 'success']);
    expect((await real.query('SELECT COUNT(*) AS n FROM nba_analytics_s.t')).rows).toEqual([{ n: 2 }]);
    expect((await real.query("SELECT COUNT(*) AS n FROM nba_reference_s.processor_run_history WHERE status = 'success'")).rows).toEqual([{ n: 2 }]);
    expect((await real.query('SELECT COUNT(*) AS n FROM nba_reference.processor_run_history')).rows).toEqual([{ n: 0 }]);
    await expect(real.query('SELECT COUNT(*) AS n FROM nba_analytics.t')).rejects.toThrow();
    await real.close();
  });
});

/**
 * Step 1 on the BigQuery backend, end to end: the real client talks to the
 * local BigQuery REST fake serving a copy of the seeded warehouse, and the
 * script's --json must be identical to the same run on the embedded backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBigQuery } from './support/fake-bigquery.ts';
import { sandbox, script, scriptAsync } from './support/scripts.ts';

let fake: FakeBigQuery;
const served = sandbox();

beforeAll(async () => { fake = await FakeBigQuery.start('nba-props-platform', { data: served.warehouse }); });
afterAll(async () => { await fake.close(); });

describe('01-validate-phase2 on BigQuery', () => {
  it('prints the same --json document as on the embedded warehouse', async () => {
    const args = ['--json', '--answer', '1.2=document:band accepted'];
    const local = script('01-validate-phase2', args, sandbox());
    const remote = await scriptAsync('01-validate-phase2', [...args, '--backend', 'bigquery', '--bq-endpoint', fake.endpoint], sandbox({ seeded: false }), {
      GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/credentials.json', METADATA_SERVER_DETECTION: 'none',
    });
    expect(local.code, local.stderr).toBe(0);
    expect(remote.code, remote.stderr).toBe(0);
    expect(JSON.parse(remote.stdout)).toEqual(JSON.parse(local.stdout));
    expect(fake.requestsFor('jobs.insert').length).toBeGreaterThan(2);
    // Every query job carried the cost guardrail and a label naming the script and step.
    const inserts = fake.requestsFor('jobs.insert').map((r) => r.body as { configuration?: { query?: { maximumBytesBilled?: string } }; labels?: Record<string, string> });
    expect(inserts.every((b) => b.configuration?.query?.maximumBytesBilled)).toBe(true);
  });
});

describe('1.3.2 on BigQuery without --backfill-cmd', () => {
  it('says why the runbook cannot start the loads, prints the platform\'s commands, and under --yes stops (exit 3) writing no Phase 2 row', async () => {
    fake.reset();
    const r = await scriptAsync('01-validate-phase2', ['--season', '2021-22', '--yes', '--answer', '1.2=fix', '--answer', '1.3.2=run', '--backend', 'bigquery', '--bq-endpoint', fake.endpoint], sandbox({ seeded: false }), {
      GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/credentials.json', METADATA_SERVER_DETECTION: 'none',
    });
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toContain("no --backfill-cmd was given, so the runbook cannot start the platform's loads: run them yourself, in the platform's repository");
    expect(r.stdout).not.toContain('reference platform');
    for (const t of ['nbac_team_boxscore', 'nbac_gamebook_player_stats', 'bdl_player_boxscores']) expect(r.stdout).toMatch(new RegExp(`\\$ \\./bin/run_backfill\\.sh raw/${t} \\\\?\\s*--dates=2021-`));
    const writes = fake.requestsFor('jobs.insert').map((q) => String((q.body as { configuration?: { query?: { query?: string } } }).configuration?.query?.query ?? ''))
      .filter((sql) => /^\s*(INSERT|DELETE|MERGE|UPDATE)\b[\s\S]*nba_raw/i.test(sql));
    expect(writes).toEqual([]);
  });
});

/**
 * run_backfill.sh on BigQuery ends with what its jobs cost (issue 15): the jobs
 * and bytes it reports are those the local BigQuery server received and
 * estimated, counted here from the server's own request log.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBigQuery } from './support/fake-bigquery.ts';
import { sandbox } from './support/scripts.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
let fake: FakeBigQuery;
const served = sandbox();

beforeAll(async () => { fake = await FakeBigQuery.start('nba-props-platform', { data: served.warehouse }); });
afterAll(async () => { await fake.close(); });

function backfill(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, 'bin', 'run_backfill.sh'), args, {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1', GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/credentials.json', METADATA_SERVER_DETECTION: 'none' },
    });
    let out = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { out += String(d); });
    child.on('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe('run_backfill.sh on BigQuery', () => {
  it("ends with its jobs and the bytes they processed, as the server counted them", async () => {
    const r = await backfill(['analytics/team_offense_game_summary', '--dates=2021-11-01,2021-11-02', '--backend', 'bigquery', '--bq-endpoint', fake.endpoint]);
    expect(r.code, r.out).toBe(0);
    const m = /BigQuery: (\d+) job\(s\), ([\d.]+ [KMGT]?i?B) processed, ([\d.]+ [KMGT]?i?B) billed/.exec(r.out);
    expect(m, r.out).not.toBeNull();
    const jobs = fake.requestsFor('jobs.insert').filter((q) => q.body?.configuration?.dryRun !== true);
    expect(Number(m![1])).toBe(jobs.length);
    const ids = new Set(jobs.map((q) => q.body?.jobReference?.jobId));
    let processed = 0;
    for (const [id, job] of fake.jobs) if (ids.has(id)) processed += Number(job.resource.statistics?.totalBytesProcessed ?? 0);
    expect(processed).toBeGreaterThan(0);
    // The printed figure, read back, is the server's total to the precision printed (two or three digits).
    const [value, unit] = m![2].split(' ');
    const printed = Number(value) * 1024 ** ['B', 'KiB', 'MiB', 'GiB', 'TiB'].indexOf(unit);
    expect(Math.abs(printed - processed) / processed).toBeLessThan(0.05);
  }, 60_000);
});

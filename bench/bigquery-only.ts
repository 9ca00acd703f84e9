/**
 * Only the bench's BigQuery section, for iterating on job counts:
 *
 *   npx tsx bench/bigquery-only.ts [--script 02-phase3|03-phase4|04-remaining-seasons] [--latency MS] [--season S] [--jobs]
 *
 * Seeds once into a cache directory (BENCH_BQ_CACHE, default
 * $TMPDIR/runbook-bench-bq) and keeps the warehouse as 02 left it, so 03 can
 * be run alone (04 runs on a fresh copy, for --season, default 2022-23). Prints
 * wall time, jobs by kind and by step, and bytes (the server's estimate: see
 * bench/bigquery.ts); --jobs lists every job with
 * when it started and the start of its SQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { ensureBaseSchema } from '../lib/warehouse/open.ts';
import { seedWarehouse } from '../lib/seed/load.ts';
import { FakeBigQuery } from '../test/support/fake-bigquery.ts';
import { BENCH_SCRIPTS, benchScript, describeKinds, describeSteps, formatBytes } from './bigquery.ts';

const arg = (name: string) => { const k = process.argv.indexOf(`--${name}`); return k > 0 ? process.argv[k + 1] : undefined; };
const script = arg('script');
const latency = Number(arg('latency') ?? process.env.BENCH_BQ_LATENCY_MS ?? 1000);
const season = arg('season') ?? (script === '04-remaining-seasons' ? '2022-23' : '2021-22');
if (script && !(BENCH_SCRIPTS as readonly string[]).includes(script)) { console.error(`--script: one of ${BENCH_SCRIPTS.join(', ')}`); process.exit(2); }

const cache = process.env.BENCH_BQ_CACHE ?? path.join(os.tmpdir(), 'runbook-bench-bq');
fs.mkdirSync(cache, { recursive: true });
const seed = path.join(cache, 'seed.duckdb');
const after02 = path.join(cache, `after-02-${season}.duckdb`);
if (!fs.existsSync(seed)) {
  console.log(`seeding ${seed} …`);
  const w = new DuckDBWarehouse({ file: `${seed}.tmp`, project: 'nba-props-platform' });
  await w.hold(async () => { await ensureBaseSchema(w); await seedWarehouse(w, { scale: 1 }); });
  await w.close();
  fs.renameSync(`${seed}.tmp`, seed);
}

const scripts = script ? [script] : ['02-phase3', '03-phase4'];
const work = path.join(cache, 'work.duckdb');
if (scripts[0] === '03-phase4' && !fs.existsSync(after02)) { console.error(`no ${after02}: run --script 02-phase3 first`); process.exit(2); }
fs.copyFileSync(scripts[0] === '03-phase4' ? after02 : seed, work);
fs.rmSync(`${work}.wal`, { force: true });

const fake = await FakeBigQuery.start('nba-props-platform', { data: work });
try {
  for (const s of scripts) {
    const ph = await benchScript(fake, cache, s, season, latency).catch((e: Error) => { console.error(e.message); process.exit(1); });
    console.log(`\n${s} ${season}, ${latency} ms/job: ${(ph.ms / 1000).toFixed(1)} s, ${ph.jobs} jobs, ${formatBytes(ph.bytes)}`);
    console.log(`  ${describeKinds(ph.byKind)}`);
    for (const line of describeSteps(ph.list)) console.log(`  ${line}`);
    if (process.argv.includes('--jobs')) for (const j of ph.list) console.log(`    ${(j.at / 1000).toFixed(2).padStart(7)} s  ${j.step.padEnd(30)} ${j.kind.padEnd(14)} ${formatBytes(j.bytes).padEnd(9)} ${j.sql.replace(/\s+/g, ' ').slice(0, 150)}`);
    if (s === '02-phase3') {
      await fake.rows('CHECKPOINT');
      fs.copyFileSync(work, after02);
    }
  }
} finally {
  await fake.close();
}

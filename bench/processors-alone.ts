/**
 * The floor under the embedded time goals: the ten processors' own statements
 * and nothing else — each job's INSERT … SELECT (every Phase 3/4 job has one)
 * over each season's final game dates, Phase 4 without its bootstrap week, in
 * autocommit, with no run history, data checks, transactions or validations.
 *
 *   npx tsx bench/processors-alone.ts [--runs N]
 *
 * Two shapes, each N times (default 3) on a fresh copy of one seeded file: the
 * four whole seasons (what the bench's Phase 3 + 4 core covers) and the
 * regular-season and postseason parts `04` runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { ensureBaseSchema } from '../lib/warehouse/open.ts';
import { seedWarehouse } from '../lib/seed/load.ts';
import { PHASE3_JOBS, PHASE4_JOBS, ensureJobTables } from '../lib/jobs/registry.ts';
import { insertParams } from '../lib/jobs/dates.ts';
import { p } from '../lib/warehouse/params.ts';
import { SEASONS, seasonAsOf, DEFAULT_AS_OF, isBootstrap, type Season } from '../lib/seasons/calendar.ts';
import { seasonParts } from '../lib/backfill/season-status.ts';

const PROJECT = 'nba-props-platform';
const k = process.argv.indexOf('--runs');
const runs = k > 0 ? Number(process.argv[k + 1]) : 3;
if (!Number.isInteger(runs) || runs < 1) { console.error('--runs: a whole number from 1'); process.exit(2); }

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-floor-'));
const seed = path.join(dir, 'seed.duckdb');
const w0 = new DuckDBWarehouse({ file: seed, project: PROJECT });
await w0.hold(async () => { await ensureBaseSchema(w0); await seedWarehouse(w0, { scale: 1 }); await ensureJobTables(w0); });
await w0.close();

async function processorsAlone(spans: Season[]): Promise<{ ms: number; statements: number }> {
  const file = path.join(dir, 'work.duckdb');
  fs.copyFileSync(seed, file);
  fs.rmSync(`${file}.wal`, { force: true });
  const w = new DuckDBWarehouse({ file, project: PROJECT });
  let ms = 0;
  let statements = 0;
  await w.hold(async () => {
    for (const s of spans) {
      const games = (await w.query<{ d: string }>(
        `SELECT DISTINCT game_date AS d FROM \`${PROJECT}.nba_raw.nbac_schedule\` WHERE game_status = 3 AND game_date BETWEEN @a AND @b ORDER BY d`,
        { a: p.date(s.start), b: p.date(s.end) },
      )).rows.map((r) => String(r.d));
      const t = performance.now();
      for (const j of PHASE3_JOBS) { await w.execute(j.insertSql!(PROJECT), insertParams(games)); statements++; }
      const phase4 = games.filter((d) => !isBootstrap(d));
      for (const j of PHASE4_JOBS) { await w.execute(j.insertSql!(PROJECT), insertParams(phase4)); statements++; }
      ms += performance.now() - t;
    }
  });
  await w.close();
  return { ms, statements };
}

const shapes: [string, Season[]][] = [
  ['four whole seasons (the core)', SEASONS.map((s) => seasonAsOf(s, DEFAULT_AS_OF))],
  ['regular season and postseason parts (as 04 runs them)', seasonParts(SEASONS, DEFAULT_AS_OF, { postseason: true })],
];
console.log(`processors alone, load average ${os.loadavg()[0].toFixed(2)}`);
for (const [name, spans] of shapes) {
  const times: number[] = [];
  let statements = 0;
  for (let i = 0; i < runs; i++) {
    const r = await processorsAlone(spans);
    times.push(r.ms);
    statements = r.statements;
  }
  console.log(`${name}: ${statements} statements, ${times.map((t) => `${(t / 1000).toFixed(2)} s`).join(', ')}`);
}
console.log(`load average ${os.loadavg()[0].toFixed(2)}`);
fs.rmSync(dir, { recursive: true, force: true });

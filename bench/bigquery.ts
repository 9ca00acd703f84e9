/**
 * The bench's BigQuery section (issue 15): Steps 2 and 3 for one season as an
 * operator runs them, then Step 4 end to end for another season, against the
 * test suite's local BigQuery server holding every job RUNNING for a typical
 * BigQuery latency (1 s; BENCH_BQ_LATENCY_MS) after running it (so a job's
 * time is its DuckDB work plus the latency), with the reference processors in a
 * sandbox. Prints jobs (by kind), bytes (the server's estimate, as BigQuery
 * bills on demand: per table a statement reads, 8 bytes a cell of the columns
 * it reads, over the rows of the partitions its constant date bounds admit; a
 * read without such a bound counts the whole table) and wall time.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { FakeBigQuery } from '../test/support/fake-bigquery.ts';
import { COMMON_OPTIONS } from '../lib/notebook/flags.ts';
import { formatBytes } from '../lib/warehouse/bigquery-errors.ts';
import { splitStatements } from '../lib/warehouse/translate.ts';

/** One job the script inserted: when (ms after the script started), its step label, kind and bytes. */
export interface BenchJob { at: number; step: string; kind: string; bytes: number; sql: string }

export interface BigQueryPhase { script: string; ms: number; jobs: number; byKind: Record<string, number>; bytes: number; code: number; list: BenchJob[]; tail: string }

export const BENCH_SCRIPTS = ['02-phase3', '03-phase4', '04-remaining-seasons'] as const;

const ROOT = path.resolve(import.meta.dirname, '..');

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; tail: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'runbook', `${script}.mts`), args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { out += String(d); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, tail: out.trim().split('\n').slice(-3).join(' | ') }));
  });
}

/** What kind of job a query is, by its first keyword; several statements are one script job. */
function kindOf(sql: string, dryRun: boolean): string {
  if (dryRun) return 'dry run';
  if (splitStatements(sql).length > 1) return 'script';
  const first = /^\s*(\w+)(?:\s+(?:OR\s+REPLACE\s+)?(\w+))?/i.exec(sql);
  const verb = (first?.[1] ?? '?').toUpperCase();
  if (verb === 'BEGIN') return 'script';
  if (verb === 'CREATE') return `CREATE ${(first?.[2] ?? '').toUpperCase()}`;
  return verb === 'WITH' ? 'SELECT' : verb;
}

/** The seed's Phase 2 gaps fail a few dates (DependencyError): the gates are answered as an operator documenting them would. */
const ANSWERS: Record<string, string[]> = {
  '02-phase3': ['--answer', '2.4.1=document:seed gaps (bench)'],
  '03-phase4': ['--answer', '3.1.6=continue', '--answer', '3.3.2=document:bench', '--answer', '3.4.1=document:bench'],
  '04-remaining-seasons': ['--answer', '2.4.1=document:bench', '--answer', '3.1.6=continue', '--answer', '3.3.2=document:bench', '--answer', '3.4.1=document:bench', '--answer', '4.2.1=proceed'],
};

/** Steps 2 and 3 take --season; Step 4 --seasons. */
const seasonFlag = (script: string) => (script === '04-remaining-seasons' ? '--seasons' : '--season');

/**
 * Runs one script for the season against the running fake (whose data the
 * earlier scripts left), and reports its jobs. Throws when the script fails.
 */
export async function benchScript(fake: FakeBigQuery, dir: string, script: string, season: string, latencyMs: number): Promise<BigQueryPhase> {
  const runner = COMMON_OPTIONS.some((o) => o.name === 'runner') ? ['--runner', 'builtin'] : [];
  const env = {
    NO_COLOR: '1', GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/credentials.json', METADATA_SERVER_DETECTION: 'none',
    RUNBOOK_JOURNAL: path.join(dir, 'bq-journal.jsonl'), RUNBOOK_WAREHOUSE: path.join(dir, 'unused.duckdb'),
  };
  fake.reset();
  fake.latencyMs = latencyMs;
  const started = Date.now();
  const t0 = performance.now();
  const r = await runScript(script, [seasonFlag(script), season, '--yes', '--backend', 'bigquery', '--bq-endpoint', fake.endpoint, ...runner, '--sandbox-suffix', '_bench', ...ANSWERS[script]], env);
  const ms = performance.now() - t0;
  const list: BenchJob[] = [];
  for (const q of fake.requestsFor('jobs.insert')) {
    const config = q.body?.configuration ?? {};
    const job = fake.jobs.get(String(q.body?.jobReference?.jobId));
    list.push({
      at: q.at - started,
      step: String(config.labels?.step ?? config.labels?.script ?? '?').replaceAll('_', '.'),
      kind: kindOf(String(config.query?.query ?? ''), config.dryRun === true),
      bytes: Number(job?.resource.statistics?.totalBytesProcessed ?? 0),
      sql: String(config.query?.query ?? ''),
    });
  }
  const byKind: Record<string, number> = {};
  for (const j of list) byKind[j.kind] = (byKind[j.kind] ?? 0) + 1;
  const bytes = list.reduce((n, j) => n + j.bytes, 0);
  const phase = { script, ms, jobs: list.length, byKind, bytes, code: r.code, list, tail: r.tail };
  if (r.code !== 0) throw new Error(`${script} ${seasonFlag(script)} ${season} on BigQuery exited ${r.code}: ${r.tail}`);
  return phase;
}

/**
 * Runs 02 then 03 for the season on a copy of the seeded warehouse served as
 * BigQuery, then 04 end to end for `step4Season` (untouched by the first two).
 */
export async function benchBigQuery(seededFile: string, season: string, step4Season: string, latencyMs: number): Promise<BigQueryPhase[]> {
  const fake = await FakeBigQuery.start('nba-props-platform', { data: seededFile });
  const out: BigQueryPhase[] = [];
  try {
    for (const script of BENCH_SCRIPTS) {
      out.push(await benchScript(fake, path.dirname(seededFile), script, script === '04-remaining-seasons' ? step4Season : season, latencyMs));
    }
  } finally {
    await fake.close();
  }
  return out;
}

export function describeKinds(byKind: Record<string, number>): string {
  return Object.entries(byKind).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join(', ');
}

/** Jobs per step label, in the order the steps first started one: "2.1 (3 SELECT, 1 dry run)". */
export function describeSteps(list: BenchJob[]): string[] {
  const steps = new Map<string, { first: number; kinds: Record<string, number>; bytes: number }>();
  for (const j of list) {
    const s = steps.get(j.step) ?? { first: j.at, kinds: {}, bytes: 0 };
    s.kinds[j.kind] = (s.kinds[j.kind] ?? 0) + 1;
    s.bytes += j.bytes;
    steps.set(j.step, s);
  }
  return [...steps.entries()].map(([step, s]) => `${step.padEnd(34)} at ${(s.first / 1000).toFixed(1).padStart(6)} s  ${describeKinds(s.kinds).padEnd(40)} ${formatBytes(s.bytes)}`);
}

export { formatBytes };

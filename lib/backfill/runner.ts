/**
 * The backfill runner: one job over a date range or a date list.
 *
 *  1. Target dates: game dates in the schedule (a date without games is not a
 *     failure: listed explicitly, it is recorded 'skipped', 'no_games'); Phase 4
 *     bootstrap dates are recorded 'skipped', 'bootstrap'.
 *  2. Dependencies, set-based: one query per upstream table finds the dates it
 *     lacks; those dates are recorded 'failed' with DependencyError.
 *  3. The rest in one chunk, or a few (`chunks`; set-based: statements per run
 *     are bounded, not one per date): 'running' rows are committed, then ONE transaction deletes
 *     the chunk's dates, inserts them afresh, checks the keys and marks the rows
 *     'success' — so a re-run is idempotent and a killed run leaves either the old
 *     or the new rows, never half of them. The `per-date` strategy does the same
 *     one date at a time (what a per-date job would do), for comparison.
 */
import { randomUUID } from 'node:crypto';
import { isBootstrap } from '../seasons/calendar.ts';
import { p } from '../warehouse/params.ts';
import { WarehouseError, stopsTheRun, type Statement, type Warehouse } from '../warehouse/types.ts';
import { table } from '../queries/tables.ts';
import { ensureDdl } from '../warehouse/open.ts';
import type { Dependency, Phase } from '../jobs/types.ts';
import { insertParams } from '../jobs/dates.ts';
import { crashPoint } from './crash.ts';
import { datesLacking, factKey, readDateFacts, spanFilter, type DateFacts, type DateSpan, type DatedTable } from './date-facts.ts';
import { announcePlan } from '../monitor/plans.ts';
import { closeAbandoned, errorJson, insertAttempts, markFailed, markSucceeded, type HistoryKey } from './history.ts';

/** What the runner needs of a job: SQL processors and Phase 2 loads alike. */
export interface RunnableJob {
  job: string;
  processorName: string;
  phase: Phase;
  output: { name: string; dateColumn: string; keys: string[] };
  dependencies: Dependency[];
  /** Dates outside this table's dates are skipped with the reason (e.g. no props lines). */
  scope?: { table: string; dateColumn: string; skipReason: string };
  /** Rows the output holds per final game (2 for team tables): checked against the schedule after each run. */
  rowsPerGame?: number;
  /** CREATE TABLE IF NOT EXISTS for the output (BigQuery DDL, partitioned and clustered). */
  createSql?(project: string): string;
  /** Set-based SQL: INSERT … for every date in @dates. */
  insertSql?(project: string): string;
  /**
   * A loader that replaces dates itself (Phase 2 re-loads), committing `alsoCommit(date)`
   * (the date's run-history row) in the same transaction as the date's rows.
   */
  load?(w: Warehouse, dates: string[], alsoCommit: (date: string) => Statement[]): Promise<LoadResult[]>;
}

/** A loader's word on one date: `errorType` says whose fault a failure is (default: the source has no data). */
export interface LoadResult { date: string; ok: boolean; rows: number; reason?: string; errorType?: string }

export type Strategy = 'set' | 'per-date';

export interface RunOptions {
  /** A range (game dates in it are processed) … */
  start?: string;
  end?: string;
  /** … or an explicit list. */
  dates?: string[];
  strategy?: Strategy;
  /**
   * Chunks for the set strategy (default: one per MAX_CHUNK_DATES dates): statements per run grow with
   * this, not with dates. Between chunks, other processes get a chance at an embedded file.
   */
  chunks?: number;
  runId?: string;
  /** Aborted: Ctrl+C, or another job of the run stopped (its reason is a RunStopped). */
  signal?: AbortSignal;
  onProgress?(p: RunProgress): void;
  /**
   * The plan's facts when the caller read them already (one read for a whole
   * sequence of jobs): they must cover the span and every table of planTables(job);
   * else the run reads its own.
   */
  facts?: DateFacts;
  /** How patiently a run that lost the warehouse records its in-flight dates as failed. Default 5 tries from 1 s, doubling. */
  closeRetry?: { attempts: number; pauseMs: number };
}

/** Why a job stopped early because another job of the same run failed: the signal's reason. */
export class RunStopped extends Error {
  constructor(message: string) { super(message); this.name = 'RunStopped'; }
}



export interface RunProgress {
  job: string; total: number; done: number; failed: number; skipped: number; records: number;
  /**
   * Of `done`, the dates a chunk processed: the pace an ETA may follow. Skips and
   * dependency failures are recorded up-front in an instant and say nothing of it.
   */
  paced?: number;
}

export interface DateOutcome { date: string; status: 'success' | 'failed' | 'skipped'; reason?: string; missing?: string[]; errorType?: string }

export interface RunSummary extends RunProgress {
  runId: string;
  statements: number;
  interrupted: boolean;
  outcomes: DateOutcome[];
  ms: number;
  /** The output's dates in the run's span once its last chunk committed (read by that chunk's own job); absent when no chunk ran. */
  outputDates?: string[];
}

/** The plan a dry run prints: what would be processed, skipped and checked. */
/** The most dates a chunk takes by default: about a season with its postseason. */
const MAX_CHUNK_DATES = 250;

export interface RunPlan { job: string; gameDates: string[]; bootstrap: string[]; noGames: string[] }


function spanOf(opts: RunOptions): DateSpan {
  return opts.dates ? { dates: opts.dates } : { start: opts.start!, end: opts.end! };
}

/** The tables a job's plan reads: the dependencies that can fail a date (required, or alternatives), and its scope. */
export function planTables(job: Pick<RunnableJob, 'dependencies' | 'scope'>): DatedTable[] {
  const checked = job.dependencies.filter((d) => d.required || d.anyOf);
  return [...checked.map((d) => ({ table: d.table, dateColumn: d.dateColumn })), ...(job.scope ? [job.scope] : [])];
}

/** The plan from the facts read: game dates (listed dates without a game apart), Phase 4 bootstrap dates apart. */
export function planFrom(job: Pick<RunnableJob, 'job' | 'phase'>, facts: DateFacts, opts: RunOptions): RunPlan {
  const games = facts.games;
  const noGames = opts.dates ? [...new Set(opts.dates)].filter((d) => !games.includes(d)).sort() : [];
  const bootstrap = job.phase === 'phase_4_precompute' ? games.filter(isBootstrap) : [];
  return { job: job.job, gameDates: games.filter((d) => !bootstrap.includes(d)), bootstrap, noGames };
}

export async function planRun(w: Warehouse, job: RunnableJob, opts: RunOptions): Promise<RunPlan> {
  return planFrom(job, await readDateFacts(w, spanOf(opts)), opts);
}

/** Dates (of those given) on which the table has no rows: one query, any number of dates. */
export async function datesWithout(w: Warehouse, tbl: string, dateColumn: string, dates: string[]): Promise<Set<string>> {
  const r = await w.query<{ d: string }>(
    `SELECT DISTINCT ${dateColumn} AS d FROM ${table(w.project, tbl)} WHERE ${dateColumn} IN UNNEST(@dates)`,
    { dates: p.dates(dates) },
  );
  const present = new Set(r.rows.map((x) => x.d));
  return new Set(dates.filter((d) => !present.has(d)));
}

/**
 * Dates lacking upstream data, from the facts read: a required table with no
 * rows on the date, or an `anyOf` group (alternatives, e.g. gamebook or the
 * second box-score source) none of whose members has rows.
 */
export function missingFrom(job: Pick<RunnableJob, 'dependencies'>, facts: DateFacts, dates: string[]): Map<string, string[]> {
  const missing = new Map<string, string[]>();
  if (!dates.length) return missing;
  const add = (d: string, what: string[]) => missing.set(d, [...(missing.get(d) ?? []), ...what]);
  for (const dep of job.dependencies.filter((x) => x.required)) for (const d of datesLacking(facts, dep, dates)) add(d, [dep.table]);
  const groups = new Map<string, Dependency[]>();
  for (const dep of job.dependencies.filter((x) => !x.required && x.anyOf)) groups.set(dep.anyOf!, [...(groups.get(dep.anyOf!) ?? []), dep]);
  for (const members of groups.values()) {
    const lacking = members.map((m) => datesLacking(facts, m, dates));
    for (const d of dates) if (lacking.every((set) => set.has(d))) add(d, members.map((m) => m.table));
  }
  return missing;
}

/** Dates lacking upstream data (see missingFrom): one query for every upstream table, whatever the dates. */
export async function missingDependencies(w: Warehouse, job: RunnableJob, dates: string[]): Promise<Map<string, string[]>> {
  if (!dates.length) return new Map();
  return missingFrom(job, await readDateFacts(w, { dates }, { tables: planTables({ dependencies: job.dependencies }), games: false }), dates);
}

/** The missing tables by the phase that writes them: "Phase 3: nba_analytics.x; Phase 4: …". */
export function missingByPhase(tables: string[]): string {
  const phases: [string, string][] = [['nba_raw.', 'Phase 2'], ['nba_analytics.', 'Phase 3'], ['nba_precompute.', 'Phase 4'], ['nba_predictions.', 'Phase 4']];
  const by = new Map<string, string[]>();
  for (const t of [...new Set(tables)]) {
    const phase = phases.find(([prefix]) => t.startsWith(prefix))?.[1] ?? 'upstream';
    by.set(phase, [...(by.get(phase) ?? []), t]);
  }
  return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([phase, ts]) => `${phase}: ${ts.join(', ')}`).join('; ');
}

/** The names the data checks go by in errors, the run history and the gates. */
export const CHECKS = { nullKeys: 'keys not NULL', uniqueKeys: 'keys unique', rowsPerGame: 'rows per final game' } as const;

/**
 * One data check: a statement that raises an error naming the check, the table
 * and, per failing date, the offending keys, in the form parseCheckFailure reads:
 *   data check "<name>" failed in <table>: [<date>] <detail> [<date>] <detail> …
 * `bad` is a subquery of (d DATE, detail STRING), one row per failing date.
 */
function checkStatement(name: string, tableName: string, bad: string): Statement {
  return {
    // The aggregate is NULL when no date fails; CONCAT would not keep it NULL on DuckDB, so it is tested alone.
    sql: `SELECT ERROR(CONCAT('data check "${name}" failed in ${tableName}: ', details)) FROM (
  SELECT STRING_AGG(CONCAT('[', CAST(d AS STRING), '] ', detail), ' ' ORDER BY d) AS details
  FROM (${bad}) AS bad
) AS failed
WHERE details IS NOT NULL`,
  };
}

/** A key's value for an error message: `game_id=… , team_abbr=…`. */
const keyText = (keys: string[], alias = '') => `CONCAT(${keys.map((k, i) => `'${i ? ', ' : ''}${k}=', COALESCE(CAST(${alias}${k} AS STRING), 'NULL')`).join(', ')})`;

/**
 * Data checks run inside the transaction, like dbt tests: a failure raises an
 * error naming the check, the dates and their offending keys, nothing of the
 * chunk is committed, and the runner fails just those dates and commits the rest.
 * Keys unique and not NULL per date; where a job says how many rows a game
 * yields (two per game for team tables), each final game of the schedule must have them.
 */
function dataChecks(project: string, job: RunnableJob): Statement[] {
  const out = table(project, job.output.name);
  const { keys, dateColumn } = job.output;
  const name = job.output.name;
  const teams = keys.includes('team_abbr');
  return [
    checkStatement(CHECKS.nullKeys, name, `SELECT ${dateColumn} AS d, CONCAT(CAST(COUNT(*) AS STRING), ' row(s) with a NULL key (${keys.join(', ')})') AS detail
    FROM ${out} WHERE ${dateColumn} IN UNNEST(@dates) AND (${keys.map((k) => `${k} IS NULL`).join(' OR ')})
    GROUP BY ${dateColumn}`),
    checkStatement(CHECKS.uniqueKeys, name, `SELECT d, CONCAT(CAST(COUNT(*) AS STRING), ' duplicated key(s), e.g. ', MIN(key_text)) AS detail
    FROM (
      SELECT ${dateColumn} AS d, CONCAT(${keyText(keys)}, ' ×', CAST(COUNT(*) AS STRING)) AS key_text
      FROM ${out} WHERE ${dateColumn} IN UNNEST(@dates)
      GROUP BY ${dateColumn}, ${keys.join(', ')} HAVING COUNT(*) > 1
    ) AS dup
    GROUP BY d`),
    ...(job.rowsPerGame ? [checkStatement(CHECKS.rowsPerGame, name, `SELECT d, CONCAT(CAST(COUNT(*) AS STRING), ' game(s) without ${job.rowsPerGame} rows: ',
        STRING_AGG(CONCAT('game_id=', game_id, ' has ', CAST(n AS STRING), ${teams ? `' (', COALESCE(teams, 'none'), ')'` : "''"}), ', ' ORDER BY game_id)) AS detail
    FROM (
      SELECT COALESCE(s.d, o.d) AS d, COALESCE(s.game_id, o.game_id) AS game_id, COALESCE(o.n, 0) AS n, o.teams
      FROM (
        SELECT DISTINCT game_date AS d, game_id FROM ${table(project, 'nba_raw.nbac_schedule')}
        WHERE game_status = 3 AND game_date IN UNNEST(@dates)
      ) AS s
      FULL OUTER JOIN (
        SELECT ${dateColumn} AS d, game_id, COUNT(*) AS n${teams ? ", STRING_AGG(team_abbr, '/' ORDER BY team_abbr) AS teams" : ', CAST(NULL AS STRING) AS teams'}
        FROM ${out} WHERE ${dateColumn} IN UNNEST(@dates) GROUP BY ${dateColumn}, game_id
      ) AS o ON o.game_id = s.game_id AND o.d = s.d
      WHERE COALESCE(o.n, 0) != ${job.rowsPerGame} OR s.game_id IS NULL
    ) AS games
    GROUP BY d`)] : []),
  ];
}

/** A failed data check read back from the error it raised: the check, and the detail per date. */
export function parseCheckFailure(message: string): { check: string; table: string; dates: Map<string, string> } | null {
  const m = /data check "([^"]+)" failed in (\S+): ([\s\S]*)$/.exec(message);
  if (!m) return null;
  const dates = new Map<string, string>();
  for (const seg of m[3].matchAll(/\[(\d{4}-\d{2}-\d{2})\] ([^[]*)/g)) dates.set(seg[1], seg[2].trim());
  return { check: m[1], table: m[2], dates };
}

/** A chunk is retried without the dates a check failed: at most once per check, and once more. */
const MAX_CHECK_RETRIES = Object.keys(CHECKS).length + 1;

export async function runBackfill(w: Warehouse, job: RunnableJob, opts: RunOptions): Promise<RunSummary> {
  const t0 = Date.now();
  const runId = opts.runId ?? `${job.processorName}-${randomUUID().slice(0, 8)}`;
  const key: HistoryKey = { runId, processorName: job.processorName, phase: job.phase };
  const summary: RunSummary = { job: job.job, runId, total: 0, done: 0, failed: 0, skipped: 0, records: 0, statements: 0, interrupted: false, outcomes: [], ms: 0 };
  const exec = async (s: Statement) => { summary.statements++; await w.execute(s.sql, s.params); };
  let paced = 0;
  let processing = false;
  // On BigQuery each statement is a job of about a second: the run-history rows written ahead of a
  // chunk (skips, dependency failures, 'running') ride in the chunk's own script job, each committed
  // on its own ahead of the chunk's transaction, as they would be one job at a time.
  const deferHistory = w.backend === 'bigquery';
  let ahead: Statement[] = [];
  const history = async (s: Statement) => {
    if (!deferHistory) return exec(s);
    summary.statements++;
    ahead.push(s);
  };
  const takeAhead = () => { const out = ahead; ahead = []; return out; };
  /** Records the chunks' own jobs counted, and their dates (a re-load's dates are counted at the end). */
  const counted = { records: 0, dates: new Set<string>() };
  /** Writes the history rows still waiting for a chunk: one job. */
  const flushAhead = async () => { if (ahead.length) await w.atomic([], { before: takeAhead() }); };
  const report = () => opts.onProgress?.({ job: job.job, total: summary.total, done: summary.done, failed: summary.failed, skipped: summary.skipped, records: summary.records, paced });
  const record = (dates: string[], o: Omit<DateOutcome, 'date'>) => {
    for (const date of dates) summary.outcomes.push({ date, ...o });
    summary.done += dates.length;
    if (processing) paced += dates.length;
    if (o.status === 'failed') summary.failed += dates.length;
    if (o.status === 'skipped') summary.skipped += dates.length;
  };

  if (job.load && w.backend === 'bigquery') {
    // The loader writes rows made by the seed generator: never into a real project's Phase 2.
    throw new WarehouseError('PERMISSION', `refused: ${job.job} re-loads Phase 2 with generated rows, which never go to BigQuery; run the platform's own load (${job.job}) instead`);
  }
  let todo: string[] = [];
  await w.hold(async () => {
    if (job.createSql) await ensureDdl(w, [job.createSql(w.project)]);
    // One read for the plan, the scope and the dependencies; the abandoned-rows check beside it.
    const given = opts.facts && planTables(job).every((t) => opts.facts!.present.has(factKey(t))) ? opts.facts : null;
    const reads = [given ?? readDateFacts(w, spanOf(opts), { tables: planTables(job) }), closeAbandonedOnce(w)] as const;
    // Both settle before the warehouse is let go: a failed read must not leave the other's query running.
    await Promise.allSettled(reads);
    const [facts] = await Promise.all(reads);
    const plan = planFrom(job, facts, opts);
    summary.total = plan.gameDates.length + plan.bootstrap.length + plan.noGames.length;
    const all = [...plan.gameDates, ...plan.bootstrap, ...plan.noGames].sort();
    announcePlan({ historyRunId: runId, processor: job.processorName, job: job.job, total: summary.total, first: all[0] ?? null, last: all.at(-1) ?? null });
    report();

    if (plan.noGames.length) {
      await history(insertAttempts(w.project, key, plan.noGames, { status: 'skipped', skipReason: 'no_games' }));
      record(plan.noGames, { status: 'skipped', reason: 'no_games' });
    }
    if (plan.bootstrap.length) {
      await history(insertAttempts(w.project, key, plan.bootstrap, { status: 'skipped', skipReason: 'bootstrap' }));
      record(plan.bootstrap, { status: 'skipped', reason: 'bootstrap' });
    }
    crashPoint('history-write');
    todo = plan.gameDates;
    if (todo.length && job.scope) {
      const outOfScope = datesLacking(facts, job.scope, todo);
      if (outOfScope.size) {
        const skipped = todo.filter((d) => outOfScope.has(d));
        await history(insertAttempts(w.project, key, skipped, { status: 'skipped', skipReason: job.scope.skipReason }));
        record(skipped, { status: 'skipped', reason: job.scope.skipReason });
        todo = todo.filter((d) => !outOfScope.has(d));
      }
    }
    // Dependencies: a date lacking any required upstream fails with DependencyError.
    const missing = missingFrom(job, facts, todo);
    const bySet = new Map<string, string[]>();
    for (const [d, tables] of missing) bySet.set(tables.join(','), [...(bySet.get(tables.join(',')) ?? []), d]);
    for (const [set, dates] of bySet) {
      const tables = set.split(',');
      await history(insertAttempts(w.project, key, dates, {
        status: 'failed', missing: tables,
        errors: errorJson('DependencyError', `missing ${missingByPhase(tables)}`, { missing_dependencies: tables }),
      }));
      record(dates, { status: 'failed', reason: 'DependencyError', missing: tables });
    }
    todo = todo.filter((d) => !missing.has(d));
    report();
  });

  // By default a season's dates are one chunk: on BigQuery every statement is a job of about a
  // second whatever its size, and every chunk re-reads the history its lookback windows need (on
  // DuckDB, three chunks of a season cost Phase 3 about 1.8× the CPU of one). Longer ranges are
  // cut at MAX_CHUNK_DATES, since Ctrl+C waits for the chunk in flight.
  const chunks = chunkDates(todo, opts.strategy === 'per-date' ? 1 : undefined, opts.chunks ?? Math.ceil(todo.length / MAX_CHUNK_DATES));
  processing = true;
  for (const [k, chunk] of chunks.entries()) {
    if (opts.signal?.aborted) {
      // Ctrl+C, or another job of the run failed: the chunk in flight has finished (committed or
      // rolled back); the dates not started are recorded as failed so 2.4 lists them.
      const left = chunks.slice(k).flat();
      const why = opts.signal.reason instanceof RunStopped
        ? errorJson('Stopped', `not run: ${opts.signal.reason.message}; re-run to finish it`)
        : errorJson('Interrupted', 'stopped by the operator (Ctrl+C) before this date ran; re-run to finish it');
      await w.hold(async () => { await history(insertAttempts(w.project, key, left, { status: 'failed', errors: why })); await flushAhead(); });
      record(left, { status: 'failed', reason: 'interrupted' });
      summary.interrupted = true;
      break;
    }
    const failChunk = async (dates: string[], e: unknown) => {
      const msg = e instanceof Error ? e.message : String(e);
      const type = e instanceof WarehouseError ? e.code : 'ProcessorError';
      const errors = errorJson(type, msg);
      // A script carrying history rows ahead of its transaction may have failed before writing them:
      // the dates this run has no row for get their failed attempt, the 'running' ones are closed.
      const failed = deferHistory
        ? [markFailed(w.project, key, dates, errors), insertAttempts(w.project, key, dates, { status: 'failed', errors, onlyNew: true })]
        : [markFailed(w.project, key, dates, errors)];
      if (stopsTheRun(e)) {
        // The warehouse itself failed: no date may stay 'running' once this process is gone, and the run
        // stops here. Only rows still 'running' are closed, so a transaction that did commit keeps its 'success'.
        await closePatiently(w, failed, opts.closeRetry);
        summary.statements++;
        record(dates, { status: 'failed', reason: msg });
        throw e;
      }
      summary.statements += failed.length;
      await w.atomic([], { before: failed });
      record(dates, { status: 'failed', reason: msg });
    };
    await w.hold(async () => {
      try {
        await history(insertAttempts(w.project, key, chunk, { status: 'running' }));
      } catch (e) { await failChunk(chunk, e); return; }
      crashPoint('before-transaction');
      if (job.load) {
        try { await runLoad(w, job, key, chunk, summary, record); } catch (e) { await failChunk(chunk, e); }
        return;
      }
      // A data check that fails names its dates: those fail alone, the rest of the chunk is written.
      let pending = chunk;
      for (let tries = 0; pending.length; tries++) {
        try {
          const dates = { dates: p.dates(pending) };
          const statements: Statement[] = [
            { sql: `DELETE FROM ${table(w.project, job.output.name)} WHERE ${job.output.dateColumn} IN UNNEST(@dates)`, params: dates },
            { sql: job.insertSql!(w.project), params: insertParams(pending) },
            ...dataChecks(w.project, job).map((st) => ({ ...st, params: dates })),
            markSucceeded(w.project, key, pending, { table: job.output.name, dateColumn: job.output.dateColumn }),
          ];
          summary.statements++;
          // The chunk's rows counted by the same job, once committed; the last chunk's read covers the
          // whole span, so the run can say which dates its output holds (the next job's dependency check).
          const last = k === chunks.length - 1;
          const rows = await w.atomic(statements, {
            label: `backfill/${job.job}`, before: takeAhead(), after: outputDatesStatement(w.project, job, last ? spanOf(opts) : { dates: pending }),
          });
          if (rows.length) {
            const n = new Map(rows.filter((r) => r.d !== null).map((r) => [String(r.d), Number(r.n)]));
            for (const d of pending) { counted.records += n.get(d) ?? 0; counted.dates.add(d); }
            if (last) summary.outputDates = [...n.keys()].sort();
          }
          record(pending, { status: 'success' });
          return;
        } catch (e) {
          const check = parseCheckFailure(e instanceof Error ? e.message : String(e));
          const failing = check ? pending.filter((d) => check.dates.has(d)) : [];
          if (!check || !failing.length || tries >= MAX_CHECK_RETRIES) { await failChunk(pending, e); return; }
          for (const d of failing) {
            const detail = check.dates.get(d)!;
            const reason = `data check "${check.check}" failed on ${d}: ${detail}`;
            await exec(markFailed(w.project, key, [d], errorJson('DataCheckError', `${check.check}: ${check.table} on ${d}: ${detail}`, { check: check.check, keys: detail })));
            record([d], { status: 'failed', reason });
          }
          pending = pending.filter((d) => !check.dates.has(d));
        }
      }
    });
    crashPoint('between-chunks');
    report();
  }
  await w.hold(flushAhead); // no chunk to carry them: every date was skipped or failed
  if (opts.signal?.aborted && summary.done < summary.total) summary.interrupted = true;
  const uncounted = summary.outcomes.filter((o) => o.status === 'success' && !counted.dates.has(o.date)).map((o) => o.date);
  summary.records = counted.records + await countRecords(w, job, uncounted);
  summary.ms = Date.now() - t0;
  report();
  return summary;
}

/** When this process last closed abandoned rows on each warehouse. */
const lastClosed = new WeakMap<Warehouse, number>();

/**
 * Abandoned rows are closed for every processor at once, so the jobs a step
 * starts together (or one after another within a minute) need it only once:
 * on BigQuery each check is a job of about a second.
 */
async function closeAbandonedOnce(w: Warehouse): Promise<void> {
  const at = lastClosed.get(w);
  if (at !== undefined && Date.now() - at < 60_000) return;
  lastClosed.set(w, Date.now());
  await closeAbandoned(w);
}

/** Runs an idempotent closing statement (running → failed) through a passing outage, pausing between tries. */
async function closePatiently(w: Warehouse, s: Statement[], retry = { attempts: 5, pauseMs: 1000 }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await w.atomic([], { before: s });
      return;
    } catch (e) {
      if (attempt >= retry.attempts) throw e;
      await new Promise((resolve) => setTimeout(resolve, retry.pauseMs * 2 ** (attempt - 1)));
    }
  }
}

function chunkDates(dates: string[], size: number | undefined, chunks: number): string[][] {
  const n = size ?? Math.max(1, Math.ceil(dates.length / chunks));
  const out: string[][] = [];
  for (let i = 0; i < dates.length; i += n) out.push(dates.slice(i, i + n));
  return out;
}

async function runLoad(
  w: Warehouse, job: RunnableJob, key: HistoryKey, chunk: string[], summary: RunSummary,
  record: (dates: string[], o: Omit<DateOutcome, 'date'>) => void,
): Promise<void> {
  const output = { table: job.output.name, dateColumn: job.output.dateColumn };
  // Each date's rows and its 'success' commit together: a load that stops half-way leaves history matching the tables.
  const results = await job.load!(w, chunk, (date) => [markSucceeded(w.project, key, [date], output)]);
  const ok = results.filter((r) => r.ok).map((r) => r.date);
  summary.statements += ok.length;
  if (ok.length) record(ok, { status: 'success' });
  for (const r of results.filter((x) => !x.ok)) {
    summary.statements++;
    const type = r.errorType ?? 'SourceUnavailable';
    const s = markFailed(w.project, key, [r.date], errorJson(type, r.reason ?? 'the source has no data for this date'));
    await w.execute(s.sql, s.params);
    record([r.date], { status: 'failed', reason: r.reason, errorType: type });
  }
}

/**
 * The output's rows per date over the span, and one row (d NULL) that is always
 * there, so that no rows at all means the read failed, not an empty table.
 */
function outputDatesStatement(project: string, job: RunnableJob, span: DateSpan): Statement {
  const col = job.output.dateColumn;
  const f = spanFilter(col, span);
  return {
    sql: `SELECT ${col} AS d, COUNT(*) AS n FROM ${table(project, job.output.name)} WHERE ${f.where} GROUP BY ${col}
UNION ALL
SELECT CAST(NULL AS DATE) AS d, 0 AS n`,
    params: f.params,
  };
}

/** The output's rows on the dates. */
function countStatement(project: string, job: RunnableJob, dates: string[]): Statement {
  return { sql: `SELECT COUNT(*) AS n FROM ${table(project, job.output.name)} WHERE ${job.output.dateColumn} IN UNNEST(@dates)`, params: { dates: p.dates(dates) } };
}

async function countRecords(w: Warehouse, job: RunnableJob, dates: string[]): Promise<number> {
  if (!dates.length) return 0;
  const q = countStatement(w.project, job, dates);
  const r = await w.query<{ n: number }>(q.sql, q.params);
  return r.rows[0]?.n ?? 0;
}

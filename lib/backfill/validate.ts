/**
 * The comparisons behind the validation steps: what each table holds against
 * what it should hold (derived from the schedule, the odds feed and the
 * bootstrap rule, never a literal "~170"), with each shortfall explained from
 * the run history; and the evidence and re-run behind the failures gate.
 */
import { formatRanges, isBootstrap } from '../seasons/calendar.ts';
import { p } from '../warehouse/params.ts';
import type { Row } from '../warehouse/types.ts';
import type { RunContext } from '../notebook/steps.ts';
import { table } from '../queries/tables.ts';
import { JOBS, type RegisteredJob } from '../jobs/registry.ts';
import { errorType, remedyOf, type FailureEvidence, type FailureState } from '../gates/failures.ts';
import type { RunSummary } from './runner.ts';
import { datesLacking, factKey, readDateFacts, type DateFacts } from './date-facts.ts';
import { QUALITY_POLICY, type QualityEvidence, type WeekQuality } from '../gates/quality.ts';
import { finalGameDates } from '../queries/phase2.ts';
import { phase3GapsInLowWindows } from '../queries/phase4.ts';
import { PLAYER_WINDOW_GAMES } from '../jobs/phase4/sql.ts';
import { runJobDates } from './parallel.ts';

export interface FailureRow {
  data_date: string; processor_name: string; error_preview: string | null; missing_dependencies: string[] | null;
  /** 2.4/3.4: failed attempts at the date (the original's rows), and whether the latest attempt failed. */
  failed_attempts?: number; still_failing?: boolean;
}

/** The rows a failures decision and a re-run act on: dates whose latest attempt failed. */
export function stillFailing(rows: readonly Record<string, unknown>[]): FailureRow[] {
  return (rows as unknown as FailureRow[]).filter((r) => r.still_failing !== false);
}

/** Game dates a job should have written, from the facts read (schedule and scope table over the range). */
function expectedFrom(facts: DateFacts, job: RegisteredJob): { dates: string[]; basis: string } {
  const games = facts.games;
  if (job.scope) {
    const lacking = datesLacking(facts, job.scope, games);
    return { dates: games.filter((d) => !lacking.has(d)), basis: 'game dates with props lines' };
  }
  if (job.phase === 'phase_4_precompute') return { dates: games.filter((d) => !isBootstrap(d)), basis: 'game dates minus bootstrap' };
  return { dates: games, basis: 'game dates in the schedule' };
}

/** Game dates a job should have written for the range. */
export async function expectedDates(ctx: RunContext, job: RegisteredJob): Promise<{ dates: string[]; basis: string }> {
  return expectedFrom(await readDateFacts(ctx.w, ctx.range, { tables: job.scope ? [job.scope] : [] }), job);
}

type LatestRow = { processor_name: string; data_date: string; status: string; errors: string | null; skip_reason: string | null; missing_dependencies: string[] | null };

/** Latest run-history state per processor and date of the range, to explain missing dates. */
async function latestStates(ctx: RunContext, processorNames: string[]): Promise<Map<string, Map<string, string>>> {
  const r = await ctx.w.query<LatestRow>(
    `SELECT processor_name, data_date, status, errors, skip_reason, missing_dependencies FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY processor_name, data_date ORDER BY attempt DESC, started_at DESC) AS rn
  FROM ${table(ctx.project, 'nba_reference.processor_run_history')}
  WHERE processor_name IN UNNEST(@processors) AND data_date BETWEEN @start_date AND @end_date
) WHERE rn = 1`,
    { processors: p.strings(processorNames), start_date: p.date(ctx.range.start), end_date: p.date(ctx.range.end) },
  );
  const out = new Map<string, Map<string, string>>(processorNames.map((n) => [n, new Map()]));
  for (const x of r.rows) {
    out.get(x.processor_name)?.set(x.data_date, x.status === 'failed' && x.missing_dependencies?.length
      ? `DependencyError (${x.missing_dependencies.join(', ')})`
      : x.status === 'skipped' ? `skipped: ${x.skip_reason}` : x.status === 'failed' ? `failed: ${errorText(x.errors).slice(0, 90)}` : x.status);
  }
  return out;
}

/** The readable part of an errors column (its "error" field), or the text as it is. */
function errorText(errors: string | null): string {
  try { return String(JSON.parse(errors ?? '').error ?? errors); } catch { return errors ?? ''; }
}

/** Each of the phase's tables: actual dates vs expected, shortfalls explained. */
export async function compareWithExpected(ctx: RunContext, phase: 'phase3' | 'phase4'): Promise<Row[]> {
  const jobs = JOBS.filter((j) => j.phase === (phase === 'phase3' ? 'phase_3_analytics' : 'phase_4_precompute'));
  // Two reads at once, whatever the number of tables: every table's dates (and the schedule's, the
  // scope's) over the range, and the latest state of every processor's dates to explain the shortfalls.
  const outputs = jobs.map((j) => ({ table: j.output.name, dateColumn: j.output.dateColumn }));
  const [facts, states] = await ctx.w.hold(() => Promise.all([
    readDateFacts(ctx.w, ctx.range, { tables: [...outputs, ...jobs.flatMap((j) => (j.scope ? [j.scope] : []))] }),
    latestStates(ctx, jobs.map((j) => j.processorName)),
  ]));
  const rows: Row[] = jobs.map((job, k) => {
    const exp = expectedFrom(facts, job);
    const actual = facts.present.get(factKey(outputs[k]))!;
    const missing = exp.dates.filter((d) => !actual.has(d));
    const reasons = new Map<string, string[]>();
    for (const d of missing) { const why = states.get(job.processorName)?.get(d) ?? 'never run'; reasons.set(why, [...(reasons.get(why) ?? []), d]); }
    return {
      table_name: job.output.name.split('.')[1], dates: actual.size, expected: exp.dates.length, basis: exp.basis,
      status: missing.length ? `${missing.length} missing` : 'met',
      explanation: [...reasons].map(([why, ds]) => `${why}: ${formatRanges(ds)}`).join('; '),
    };
  });
  ctx.out.table(['table_name', 'dates', 'expected', 'basis', 'status'], rows);
  const short = rows.filter((r) => r.status !== 'met');
  for (const r of short) ctx.out.warn(`${r.table_name}: ${r.status} — ${r.explanation}`);
  if (!short.length) ctx.out.ok('every table holds every expected date');
  return rows;
}

/** The checks whose failure comes from the Phase 2 input (a team box score short of a team), not the processor. */
export const INPUT_CHECKS = ['rows per final game'];

type Streak = { processor_name: string; data_date: string; failed_attempts: number; streak_start: string | null };
type Attempt = { processor_name: string; data_date: string; status: string; started_at: string; attempt: number; missing_dependencies: string[] | null };

const RUN_HISTORY = (ctx: RunContext) => table(ctx.project, 'nba_reference.processor_run_history');

/**
 * Each failed date judged by its cause (lib/gates/failures.ts): its error, how
 * many times in a row it failed, the Phase 2 re-loads of its date since it
 * started failing, and whether the data it lacked is there now. A handful of
 * queries, whatever the number of dates.
 */
export async function failureEvidence(ctx: RunContext, failures: FailureRow[], next: string): Promise<FailureEvidence> {
  const phase3Command = phase3CommandFor(ctx);
  const evidence: FailureEvidence = { failures: [], next: `continue with ${next}`, phase3Command };
  if (!failures.length) return evidence;
  const dates = [...new Set(failures.map((f) => f.data_date))];
  const processors = [...new Set(failures.map((f) => f.processor_name))];
  const upstreamProcessors = JOBS.filter((j) => j.phase === 'phase_3_analytics' || j.phase === 'phase_4_precompute').map((j) => j.processorName);

  // What is missing now, per table the failures name or Phase 4 reads from Phase 3.
  const tablesToCheck = new Set<string>();
  for (const f of failures) for (const t of f.missing_dependencies ?? []) tablesToCheck.add(t);
  const phase4Reads = [...new Set(JOBS.filter((j) => j.phase === 'phase_4_precompute')
    .flatMap((j) => j.dependencies.filter((d) => d.required && d.table.startsWith('nba_analytics.')).map((d) => d.table)))];
  if (failures.some((f) => jobOf(f.processor_name)?.phase === 'phase_4_precompute')) for (const t of phase4Reads) tablesToCheck.add(t);
  const checked = [...tablesToCheck].map((t) => ({ table: t, dateColumn: JOBS.find((j) => j.output.name === t)?.output.dateColumn ?? 'game_date' }));

  // Three independent reads, at once (BigQuery runs them in parallel).
  const [streakRows, attemptRows, present] = await ctx.w.hold(() => Promise.all([ctx.w.query<Streak>(
    `SELECT processor_name, data_date,
  COUNTIF(status = 'failed' AND (last_ok IS NULL OR started_at > last_ok)) AS failed_attempts,
  MIN(CASE WHEN status = 'failed' AND (last_ok IS NULL OR started_at > last_ok) THEN started_at END) AS streak_start
FROM (
  SELECT processor_name, data_date, status, started_at,
    MAX(CASE WHEN status = 'success' THEN started_at END) OVER (PARTITION BY processor_name, data_date) AS last_ok
  FROM ${RUN_HISTORY(ctx)}
  WHERE processor_name IN UNNEST(@processors) AND data_date IN UNNEST(@dates)
)
GROUP BY processor_name, data_date`,
    { processors: p.strings(processors), dates: p.dates(dates) },
  ),
  // Phase 2 loads and Phase 3/4 attempts on these dates: few rows, judged here.
  ctx.w.query<Attempt>(
    `SELECT processor_name, data_date, status, started_at, attempt, missing_dependencies
FROM ${RUN_HISTORY(ctx)}
WHERE data_date IN UNNEST(@dates) AND (phase = 'phase_2_raw' OR processor_name IN UNNEST(@upstream))`,
    { dates: p.dates(dates), upstream: p.strings(upstreamProcessors) },
  ),
  readDateFacts(ctx.w, { dates }, { tables: checked, games: false }),
  ]));
  const streaks = streakRows.rows;
  const attempts = attemptRows.rows;
  const absent = new Map(checked.map((t) => [t.table, datesLacking(present, t, dates)]));
  const latest = (processor: string, date: string) => attempts
    .filter((a) => a.processor_name === processor && a.data_date === date)
    .sort((a, b) => b.attempt - a.attempt || b.started_at.localeCompare(a.started_at))[0];
  const loadOf = (tbl: string) => JOBS.find((j) => j.phase === 'phase_2_raw' && j.output.name === tbl)?.processorName ?? '';
  const isAbsent = (t: string, d: string) => absent.get(t)?.has(d) ?? false;

  /** A Phase 2 table's state on a date: re-load failed, or not re-loaded since `since`. */
  const phase2State = (tables: string[], date: string, since: string | null): FailureState => {
    const loads = tables.map((t) => latest(loadOf(t), date)).filter((a): a is Attempt => !!a);
    if (loads.some((a) => a.status === 'failed')) return 'phase2-unavailable';
    const reloadedSince = loads.some((a) => since === null || a.started_at >= since);
    return reloadedSince ? 'phase2-reload-did-not-help' : 'phase2-not-reloaded';
  };

  for (const f of failures) {
    const job = jobOf(f.processor_name);
    const streak = streaks.find((s) => s.processor_name === f.processor_name && s.data_date === f.data_date);
    const since = streak?.streak_start ?? null;
    const type = errorType(f);
    const missing = f.missing_dependencies ?? [];
    let state: FailureState = 'transient';
    let reload: string[] = [];
    let phase3Missing: string[] = [];
    if (type === 'DependencyError' || missing.length) {
      const raw = missing.filter((t) => t.startsWith('nba_raw.'));
      phase3Missing = job?.phase === 'phase_4_precompute' ? phase4Reads.filter((t) => isAbsent(t, f.data_date)) : [];
      if (!missing.some((t) => isAbsent(t, f.data_date))) state = 'upstream-fixed';
      else if (raw.length && raw.some((t) => isAbsent(t, f.data_date))) {
        const lacking = raw.filter((t) => isAbsent(t, f.data_date));
        // An anyOf group (gamebook or bdl) fails the date only when all lack it: any may refill it.
        state = lacking.some((t) => latest(loadOf(t), f.data_date)?.status !== 'failed') ? 'phase2-not-reloaded' : 'phase2-unavailable';
        reload = lacking.filter((t) => latest(loadOf(t), f.data_date)?.status !== 'failed');
      } else if (phase3Missing.length) {
        // Phase 3 lacks the date: producible by Step 2, unless its own Phase 2 source has nothing.
        const unavailable = phase3Missing.every((t) => {
          const p3 = latest(JOBS.find((j) => j.output.name === t)?.processorName ?? '', f.data_date);
          const rawLacking = (p3?.missing_dependencies ?? []).filter((x) => x.startsWith('nba_raw.'));
          return p3?.status === 'failed' && rawLacking.length > 0 && rawLacking.every((x) => latest(loadOf(x), f.data_date)?.status === 'failed');
        });
        state = unavailable ? 'phase3-unavailable' : 'phase3-missing';
      } else {
        // An upstream Phase 4 table lacks the date. If its job failed there, re-run in order (a bounded
        // number of times); if it succeeded and wrote nothing, a re-run fails the same way.
        const upstream = missing.filter((t) => isAbsent(t, f.data_date));
        const ranEmpty = upstream.every((t) => latest(JOBS.find((j) => j.output.name === t)?.processorName ?? '', f.data_date)?.status === 'success');
        state = ranEmpty ? 'upstream-empty' : 'transient';
      }
    } else if (type === 'DataCheckError') {
      if (INPUT_CHECKS.some((c) => (f.error_preview ?? '').includes(c))) {
        reload = (job?.dependencies ?? []).filter((d) => d.table.startsWith('nba_raw.') && d.table !== 'nba_raw.nbac_schedule').map((d) => d.table);
        state = phase2State(reload, f.data_date, since);
        if (state !== 'phase2-not-reloaded') reload = [];
      } else state = 'processor-check';
    }
    evidence.failures.push({
      data_date: f.data_date, processor_name: f.processor_name, error_preview: f.error_preview, missing_dependencies: f.missing_dependencies,
      state, failed_attempts: Number(streak?.failed_attempts ?? 1), reload_tables: reload, phase3_missing: phase3Missing,
    });
  }
  return evidence;
}

const jobOf = (processorName: string) => JOBS.find((j) => j.processorName === processorName);

/** The failed rows a re-run can help: those the gate would re-run or fix, or every row when none is. */
export function rerunnable(e: FailureEvidence): FailureRow[] {
  const helped = e.failures.filter((f) => ['rerun', 'fix-phase2'].includes(remedyOf(f)));
  return (helped.length ? helped : e.failures).map((f) => ({
    data_date: f.data_date, processor_name: f.processor_name, error_preview: f.error_preview, missing_dependencies: f.missing_dependencies,
  }));
}

/** Re-runs exactly the failed dates of each processor (the original's "Re-run Failed Dates Only"). */
export async function rerunFailed(ctx: RunContext, failures: FailureRow[]): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  const byProcessor = new Map<string, string[]>();
  for (const f of failures) byProcessor.set(f.processor_name, [...(byProcessor.get(f.processor_name) ?? []), f.data_date]);
  // Phase 4 re-runs must keep their order: the registry lists jobs in run order. Phase 3's may run together.
  const requests = JOBS.filter((j) => byProcessor.has(j.processorName)).map((job) => ({ job, dates: byProcessor.get(job.processorName)! }));
  const parallel = requests.every((r) => r.job.phase === 'phase_3_analytics');
  for (const s of await runJobDates(ctx, requests, { parallel })) {
    ctx.out.info(`${s.job}: ${s.outcomes.filter((o) => o.status === 'success').length} re-run ok, ${s.failed} still failing`);
    out.push(s);
  }
  return out;
}

/** 3.3.2's evidence: the weeks, plus what Phase 3 lacks in the range and in the low records' windows. */
export async function qualityEvidence(ctx: RunContext, weeks: WeekQuality[]): Promise<QualityEvidence> {
  const games = finalGameDates(ctx);
  const q = phase3GapsInLowWindows(ctx, QUALITY_POLICY.afterWeek, PLAYER_WINDOW_GAMES);
  // Independent reads, at once.
  const [gameRows, gapRows] = await ctx.w.hold(() => Promise.all([ctx.w.query(games.sql, games.params), ctx.w.query(q.sql, q.params)]));
  const gameDates = gameRows.rows.length;
  const gaps = gapRows.rows.map((r) => ({
    missing_date: String(r.missing_date), in_range: r.in_range === true, low_records: Number(r.low_records),
  }));
  return { weeks, gameDates, gaps, phase3Command: phase3CommandFor(ctx) };
}

/** The Step 2 command for the same range. */
export function phase3CommandFor(ctx: Pick<RunContext, 'season' | 'range'>): string {
  return ctx.season ? `./runbook/02-phase3.mts --season ${ctx.season.id}` : `./runbook/02-phase3.mts --start-date ${ctx.range.start} --end-date ${ctx.range.end}`;
}

/**
 * Step 1.3's fix: re-run the Phase 2 load of each raw table for the dates it
 * lacks, through the same runner as every backfill (so the run history records
 * it), then say which dates stayed missing and what an operator can do.
 */
import type { RunContext } from '../notebook/steps.ts';
import { formatRanges } from '../seasons/calendar.ts';
import { findJob } from '../jobs/registry.ts';
import { datesWithout } from '../backfill/runner.ts';
import { runJobDates } from '../backfill/parallel.ts';
import { platformFor } from '../platform/index.ts';
import { GateStop } from '../notebook/errors.ts';
import { Cancelled, enquirerPrompter } from '../notebook/prompt.ts';
import type { Row } from '../warehouse/types.ts';
import { p } from '../warehouse/params.ts';
import { LATEST_ATTEMPT, table } from '../queries/tables.ts';
import { phase2MissingDates } from '../queries/phase2.ts';
import { PHASE2_LOADS } from '../seed/phase2-loads.ts';
import type { MissingLoad } from '../gates/phase2-ready.ts';
import type { FailureEvidence } from '../gates/failures.ts';

export interface MissingRow { table_name: string; missing_date: string; game_date_number: number }

/** table → its missing game dates. */
export function missingByTable(rows: MissingRow[]): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const r of rows) by.set(r.table_name, [...(by.get(r.table_name) ?? []), r.missing_date]);
  return by;
}

/** Consecutive game dates (by their number in the schedule) as one run: what the screen shows for 1.3. */
export function missingRuns(rows: MissingRow[]): Row[] {
  const out: Row[] = [];
  let run: { table_name: string; from: string; to: string; n: number; last: number } | null = null;
  const flush = () => { if (run) out.push({ table_name: run.table_name, missing_from: run.from, missing_through: run.to, game_dates: run.n }); };
  for (const r of rows) {
    if (run && run.table_name === r.table_name && r.game_date_number === run.last + 1) {
      run.to = r.missing_date; run.n++; run.last = r.game_date_number;
    } else {
      flush();
      run = { table_name: r.table_name, from: r.missing_date, to: r.missing_date, n: 1, last: r.game_date_number };
    }
  }
  flush();
  return out;
}

/** The raw/<table> load job's processor, by bare table name. */
export function loadProcessorOf(tableName: string): string | undefined {
  return PHASE2_LOADS.find((l) => l.table === `nba_raw.${tableName}`)?.processorName;
}

/**
 * 1.2's evidence beside the coverage: every missing table-date with the latest
 * attempt of its raw/<table> load in the run history (none, failed, success).
 */
export async function missingWithLoads(ctx: RunContext): Promise<MissingLoad[]> {
  const q = phase2MissingDates(ctx);
  const missing = (await ctx.w.query(q.sql, q.params)).rows as unknown as MissingRow[];
  if (!missing.length) return [];
  const processors = [...new Set(missing.map((m) => loadProcessorOf(m.table_name)).filter((x): x is string => !!x))];
  const r = await ctx.w.query<{ processor_name: string; data_date: string; status: string }>(
    `SELECT processor_name, data_date, status FROM (
  SELECT processor_name, data_date, status, ${LATEST_ATTEMPT} AS rn
  FROM ${table(ctx.project, 'nba_reference.processor_run_history')}
  WHERE phase = 'phase_2_raw' AND processor_name IN UNNEST(@processors) AND data_date IN UNNEST(@dates)
) WHERE rn = 1`,
    { processors: p.strings(processors), dates: p.dates([...new Set(missing.map((m) => m.missing_date))]) },
  );
  const last = new Map(r.rows.map((x) => [`${x.processor_name}|${x.data_date}`, x.status]));
  return missing.map((m) => {
    const status = last.get(`${loadProcessorOf(m.table_name)}|${m.missing_date}`);
    return { table_name: m.table_name, missing_date: m.missing_date, last_load: status === 'failed' ? 'failed' : status === 'success' ? 'success' : 'none' };
  });
}

export function reloadCommands(rows: MissingRow[]): string[] {
  return [...missingByTable(rows)].map(([t, dates]) => `./bin/run_backfill.sh raw/${t} --dates=${dates.join(',')}`);
}

export function reloadPlan(rows: MissingRow[]): string[] {
  const by = missingByTable(rows);
  if (!by.size) return ['Nothing is missing: no load to re-run.'];
  return [
    `Re-runs the Phase 2 load for ${rows.length} missing table-date(s); each date is replaced atomically and recorded in the run history:`,
    ...[...by].map(([t, dates]) => `  • raw/${t}: ${dates.length} date(s): ${formatRanges(dates)}`),
  ];
}

export interface ReloadOutcome {
  table_name: string; recovered: number; still_missing: number; still_missing_dates: string; reason: string;
  /** Dates whose load failed for another reason than the source having nothing (a warehouse error). */
  load_failed_dates: string;
}

/**
 * Re-loads through the platform: the tables whose `raw/<table>` job the
 * platform offers (its `--list`) are re-run there; for the others the commands
 * are printed for the operator to run, and once they say so the dates are
 * checked again against the tables (nothing is assumed to have worked).
 */
export async function reloadMissing(ctx: RunContext, rows: MissingRow[]): Promise<ReloadOutcome[]> {
  const by = missingByTable(rows);
  const offered = ctx.opts.runner === 'command' && !ctx.opts.backfillCmd ? new Set<string>() : await platformFor(ctx).rawLoadJobs(ctx);
  const auto = [...by].filter(([t]) => offered.has(`raw/${t}`));
  const manual = [...by].filter(([t]) => !offered.has(`raw/${t}`));
  const outcomes: ReloadOutcome[] = [];
  if (auto.length) {
    const requests = auto.map(([t, dates]) => {
      const job = findJob(`raw/${t}`);
      if (!job) throw new Error(`no Phase 2 load job for ${t}`);
      return { job, dates };
    });
    for (const s of await runJobDates(ctx, requests, { parallel: false })) {
      const failed = s.outcomes.filter((o) => o.status === 'failed');
      const unrecorded = s.command?.unrecorded ?? [];
      outcomes.push({
        table_name: s.job.replace(/^raw\//, ''),
        recovered: s.outcomes.filter((o) => o.status === 'success').length,
        still_missing: failed.length + unrecorded.length,
        still_missing_dates: [...failed.map((f) => f.date), ...unrecorded].sort().join(', '),
        reason: [...new Set([...failed.map((f) => f.reason ?? ''), ...(unrecorded.length ? ['no run-history row written'] : [])])].join('; '),
        load_failed_dates: [...failed.filter((f) => f.errorType && f.errorType !== 'SourceUnavailable').map((f) => f.date), ...unrecorded].sort().join(', '),
      });
    }
  }
  if (manual.length) outcomes.push(...await reloadByOperator(ctx, manual));
  return outcomes;
}

/** The platform offers no re-load for these tables: the operator runs them, then the dates are checked again. */
async function reloadByOperator(ctx: RunContext, tables: [string, string[]][]): Promise<ReloadOutcome[]> {
  const cmd = ctx.opts.backfillCmd ?? './bin/run_backfill.sh';
  ctx.out.warn(ctx.opts.runner !== 'command'
    ? 'the reference platform does not write Phase 2 data here: run the platform\'s own loads, in its repository:'
    : ctx.opts.backfillCmd
      ? `the platform's ${cmd} --list offers no re-load for ${tables.map(([t]) => t).join(', ')}: run the loads yourself, in the platform's repository:`
      : 'no --backfill-cmd was given, so the runbook cannot start the platform\'s loads: run them yourself, in the platform\'s repository (or give --backfill-cmd next time):');
  for (const [t, dates] of tables) ctx.out.code(`$ ${cmd} raw/${t} --dates=${dates.join(',')}`);
  const prompter = enquirerPrompter();
  if (ctx.opts.yes || !prompter.interactive) {
    throw new GateStop(ctx.stepId?.() ?? '1.3.2', 'the Phase 2 loads above are for the operator to run; run them, then resume to re-validate');
  }
  const answer = await prompter.select('Have the loads above finished?', [
    { value: 'done', label: 'Yes — re-validate those dates now' },
    { value: 'stop', label: 'Stop here (resume later to re-validate)' },
  ], 'done').catch((e) => { if (e instanceof Cancelled) return 'stop'; throw e; });
  if (answer !== 'done') throw new GateStop(ctx.stepId?.() ?? '1.3.2', 'stopped before re-validating the Phase 2 loads');
  const outcomes: ReloadOutcome[] = [];
  for (const [t, dates] of tables) {
    const job = findJob(`raw/${t}`);
    const still = job ? [...await datesWithout(ctx.w, job.output.name, job.output.dateColumn, dates)].sort() : dates;
    outcomes.push({ table_name: t, recovered: dates.length - still.length, still_missing: still.length, still_missing_dates: still.join(', '), reason: still.length ? 'still no rows after the operator\'s load' : '', load_failed_dates: '' });
  }
  return outcomes;
}

/** What an operator must do about dates a re-load could not recover. */
export function adviceFor(outcomes: ReloadOutcome[]): string[] {
  const stuck = outcomes.filter((o) => o.still_missing > 0);
  if (!stuck.length) return ['Every missing date was recovered. Re-checking coverage (1.1)…'];
  // Only a source gap is "the source has nothing"; a load that failed says its own reason.
  const failedLoads = stuck.filter((o) => o.load_failed_dates);
  const sourceGaps = stuck.filter((o) => !o.load_failed_dates);
  return [
    ...(failedLoads.length ? [
      'The re-load itself failed for some dates (the source was not the problem):',
      ...failedLoads.map((o) => `  • ${o.table_name}: ${o.load_failed_dates} — ${o.reason}`),
      '  Fix the cause above, then run this step again.',
    ] : []),
    ...(sourceGaps.length ? [
      'Some dates stayed missing; the source has nothing for them. Options:',
      ...sourceGaps.map((o) => `  • ${o.table_name}: ${o.still_missing_dates} — ${o.reason}`),
      '  1. Ask the data provider / re-scrape from an alternate source, then re-run the load for those dates.',
      '  2. Or document them at the gate and proceed: Phase 3 records DependencyError for those dates (see 2.4),',
      '     or fills them from the second source where it can (player_game_summary uses bdl_player_boxscores).',
    ] : []),
  ];
}

/**
 * 2.4.1's "fix Phase 2 first", done in place: the raw table-dates the failed
 * dates lack (or whose data failed a check), to re-load with the Phase 2 job.
 */
export function reloadRowsFor(e: FailureEvidence): MissingRow[] {
  const seen = new Set<string>();
  const rows: MissingRow[] = [];
  for (const f of e.failures.filter((x) => x.state === 'phase2-not-reloaded')) {
    for (const t of f.reload_tables) {
      const name = t.replace(/^nba_raw\./, '');
      if (seen.has(`${name}|${f.data_date}`)) continue;
      seen.add(`${name}|${f.data_date}`);
      rows.push({ table_name: name, missing_date: f.data_date, game_date_number: 0 });
    }
  }
  return rows.sort((a, b) => a.table_name.localeCompare(b.table_name) || a.missing_date.localeCompare(b.missing_date));
}

/**
 * What the state model reads, set-based (a handful of queries whatever the
 * number of seasons): the schedule's final game dates, the dates each output
 * table actually holds, each processor's latest attempt per date, the recorded
 * decisions and the leases.
 */
import { p } from '../warehouse/params.ts';
import { unlessMissing, type Row, type Warehouse } from '../warehouse/types.ts';
import { LATEST_ATTEMPT, table } from '../queries/tables.ts';
import { PHASE3_JOBS, PHASE4_JOBS } from '../jobs/registry.ts';
import { DecisionStore, type StoredDecision } from '../decisions/store.ts';
import { LeaseTable, type LeaseRow } from '../lease/lease.ts';

export interface Attempt extends Row { status: string; errors: string | null; skip_reason: string | null; started_at: string }

export interface Facts {
  /** Final game dates (game_status = 3) in the range. */
  gameDates: string[];
  /** Dates of each scope table (the player context's props lines). */
  scopeDates: Map<string, Set<string>>;
  /** Dates each processor's output table holds. */
  present: Map<string, Set<string>>;
  /** processor → date → latest attempt. */
  latest: Map<string, Map<string, Attempt>>;
  decisions: StoredDecision[];
  leases: LeaseRow[];
  /** The lease table's judgement of a holder (stale or live). */
  isStale(l: LeaseRow): boolean;
}

const JOBS = [...PHASE3_JOBS, ...PHASE4_JOBS];

export async function readFacts(w: Warehouse, range: { start: string; end: string }, dataset: string): Promise<Facts> {
  return w.hold(async () => {
    const dates = { start_date: p.date(range.start), end_date: p.date(range.end) };
    const games = await w.query<{ d: string }>(
      `SELECT DISTINCT game_date AS d FROM ${table(w.project, 'nba_raw.nbac_schedule')}
WHERE game_status = 3 AND game_date BETWEEN @start_date AND @end_date ORDER BY d`, dates, { label: 'state/games' });

    const scopeDates = new Map<string, Set<string>>();
    for (const s of new Set(JOBS.flatMap((j) => (j.scope ? [`${j.scope.table}|${j.scope.dateColumn}`] : [])))) {
      const [tbl, col] = s.split('|');
      const r = await w.query<{ d: string }>(`SELECT DISTINCT ${col} AS d FROM ${table(w.project, tbl)} WHERE ${col} BETWEEN @start_date AND @end_date`, dates, { label: 'state/scope' });
      scopeDates.set(tbl, new Set(r.rows.map((x) => x.d)));
    }

    // One query for every output table: which dates each holds.
    const heldIn = (jobs: typeof JOBS) => w.query<{ job: number; d: string }>(jobs.map((j) => `SELECT ${JOBS.indexOf(j)} AS job, d FROM (SELECT DISTINCT ${j.output.dateColumn} AS d FROM ${table(w.project, j.output.name)} WHERE ${j.output.dateColumn} BETWEEN @start_date AND @end_date) AS t${JOBS.indexOf(j)}`).join('\nUNION ALL\n'), dates, { label: 'state/present' });
    let held = await unlessMissing(heldIn(JOBS).then((r) => r.rows), null);
    if (!held) {
      // A table no job has created yet (the monitor before Step 2 runs, on a fresh warehouse) holds no date.
      held = [];
      for (const j of JOBS) held.push(...await unlessMissing(heldIn([j]).then((r) => r.rows), []));
    }
    const present = new Map(JOBS.map((j) => [j.processorName, new Set<string>()]));
    for (const r of held) present.get(JOBS[r.job].processorName)!.add(r.d);

    const hist = await w.query<{ processor_name: string; data_date: string } & Attempt>(
      `SELECT processor_name, data_date, status, errors, skip_reason, started_at FROM (
  SELECT *, ${LATEST_ATTEMPT} AS rn
  FROM ${table(w.project, 'nba_reference.processor_run_history')}
  WHERE processor_name IN UNNEST(@processors) AND data_date BETWEEN @start_date AND @end_date
) AS h WHERE rn = 1`,
      { ...dates, processors: p.strings(JOBS.map((j) => j.processorName)) }, { label: 'state/history' });
    const latest = new Map(JOBS.map((j) => [j.processorName, new Map<string, Attempt>()]));
    for (const r of hist.rows) latest.get(r.processor_name)?.set(r.data_date, r);

    const leaseTable = new LeaseTable(w, dataset);
    return {
      gameDates: games.rows.map((x) => x.d),
      scopeDates, present, latest,
      decisions: await new DecisionStore(w, dataset).list(),
      leases: await leaseTable.holders(),
      isStale: (l) => leaseTable.isStale(l),
    };
  });
}

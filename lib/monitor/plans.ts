/**
 * A backfill announces what it was asked to do — how many dates, which — as
 * soon as it has planned, before it writes a run-history row. Whoever records
 * the run (a script's journal, run_backfill.sh's) listens, so the monitor
 * knows each run's own total instead of guessing it from the season: the run
 * history only learns a chunk's dates when the chunk starts.
 */
export interface RunPlan {
  /** The run_id its run-history rows carry. */
  historyRunId: string;
  processor: string;
  job: string;
  /** Dates this run will record: game dates, bootstrap and no-games dates. */
  total: number;
  first: string | null;
  last: string | null;
}

type Listener = (plan: RunPlan) => void;
let listener: Listener | null = null;

/** Listens for plans until the returned function is called. */
export function listenForPlans(fn: Listener): () => void {
  listener = fn;
  return () => { if (listener === fn) listener = null; };
}

export function announcePlan(plan: RunPlan): void {
  listener?.(plan);
}

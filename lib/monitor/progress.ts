/**
 * Progress bars for backfills running in other processes, from the run
 * history alone. The runner records a chunk's dates as 'running' only when it
 * starts the chunk, so a run's total is not in the history yet: it is
 * estimated as the game dates from the run's first date to the end of that
 * season (the partial season ends at the as-of date) — marked "~".
 */
import os from 'node:os';
import { seasonAsOf, seasonOfDate } from '../seasons/calendar.ts';
import type { ProgressState } from '../notebook/progress.ts';

export interface RunInFlight {
  run_id: string;
  processor_name: string;
  started: string;
  last_activity: string;
  done: number;
  running: number;
  failed: number;
  first_date: string;
  last_date: string;
  host: string | null;
  pid: number | null;
}

export interface RunProgress {
  runId: string;
  state: ProgressState;
  /** '~' when the total is an estimate. */
  estimated: boolean;
  /** Running rows whose process on this host is gone: the next run of the job records them as abandoned. */
  abandoned: boolean;
}

export function seasonEnd(date: string, asOf: string): string {
  const s = seasonOfDate(date);
  return s ? seasonAsOf(s, asOf).end : date;
}

export interface ProgressOptions {
  asOf: string;
  hostname?: string;
  isAlive?(pid: number): boolean;
}

export function runProgress(runs: RunInFlight[], gameDates: readonly string[], o: ProgressOptions): RunProgress[] {
  const host = o.hostname ?? os.hostname();
  const alive = o.isAlive ?? isAlive;
  return runs.map((r) => {
    const finished = r.running === 0;
    const end = [seasonEnd(r.first_date, o.asOf), r.last_date].sort().pop()!;
    const estimate = gameDates.filter((d) => d >= r.first_date && d <= end).length;
    const total = finished ? r.done : Math.max(estimate, r.done + r.running);
    return {
      runId: r.run_id,
      estimated: !finished,
      abandoned: !finished && r.host === host && r.pid !== null && !alive(r.pid),
      state: {
        label: r.processor_name, done: r.done, total, failed: r.failed,
        startedAt: Date.parse(r.started),
        finishedAt: finished ? Date.parse(r.last_activity) : undefined,
      },
    };
  });
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

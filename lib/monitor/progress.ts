/**
 * Progress of backfills running in other processes, from the run history
 * alone. Two things the history cannot say directly, worked out here:
 *  - the total: the runner records a chunk's dates only when it starts the
 *    chunk, so a run's total is estimated as the game dates from its first
 *    date to the end of that season (the partial season ends at the as-of date);
 *  - whether it is still going: the embedded warehouse lets the monitor in only
 *    between chunks, when no row is 'running'. So a run is running while it has
 *    'running' rows or wrote in the last two minutes, finished when it reached
 *    its total, idle otherwise; 'running' rows whose process on this host is
 *    gone were abandoned.
 */
import os from 'node:os';
import { seasonAsOf, seasonOfDate } from '../seasons/calendar.ts';
import type { ProgressState } from '../notebook/progress.ts';

export interface RunRow {
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

export type RunPhase = 'running' | 'finished' | 'idle' | 'abandoned';

export interface RunProgress {
  runId: string;
  phase: RunPhase;
  state: ProgressState;
  /** The total is an estimate (the run is not finished). */
  estimated: boolean;
  lastActivity: number;
}

export const ACTIVE_WINDOW_MS = 2 * 60_000;

export function seasonEnd(date: string, asOf: string): string {
  const s = seasonOfDate(date);
  return s ? seasonAsOf(s, asOf).end : date;
}

export interface ProgressOptions {
  asOf: string;
  now?: number;
  hostname?: string;
  isAlive?(pid: number): boolean;
}

export function runProgress(runs: RunRow[], gameDates: readonly string[], o: ProgressOptions): RunProgress[] {
  const now = o.now ?? Date.now();
  const here = o.hostname ?? os.hostname();
  const alive = o.isAlive ?? isAlive;
  return runs.map((r) => {
    const end = [seasonEnd(r.first_date, o.asOf), r.last_date].sort().pop()!;
    const estimate = gameDates.filter((d) => d >= r.first_date && d <= end).length;
    const last = Date.parse(r.last_activity);
    const local = r.host === here && r.pid !== null;
    const processAlive = local ? alive(r.pid!) : null;
    let phase: RunPhase;
    if (r.running > 0) phase = processAlive === false ? 'abandoned' : 'running';
    else if (r.done >= estimate) phase = 'finished';
    else phase = now - last < ACTIVE_WINDOW_MS ? 'running' : 'idle';
    const total = phase === 'finished' ? r.done : Math.max(estimate, r.done + r.running);
    return {
      runId: r.run_id, phase, estimated: phase !== 'finished', lastActivity: last,
      state: {
        label: r.processor_name, done: r.done, total, failed: r.failed,
        startedAt: Date.parse(r.started),
        finishedAt: phase === 'running' ? undefined : last,
      },
    };
  });
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

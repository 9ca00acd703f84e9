/**
 * Fault injection for the crash-safety tests, and nothing else:
 * RUNBOOK_CRASH_AT=<point>[:<n>] kills this process with SIGKILL the n-th time
 * (default 1st) the runner reaches <point>, so a test can prove that a run
 * killed there leaves the warehouse consistent and resumable. Unset, it costs
 * one environment lookup.
 */
const seen = new Map<string, number>();

export type CrashPoint = 'history-write' | 'before-transaction' | 'between-chunks';

export function crashPoint(point: CrashPoint): void {
  const spec = process.env.RUNBOOK_CRASH_AT;
  if (!spec) return;
  const [name, nth = '1'] = spec.split(':');
  if (name !== point) return;
  const n = (seen.get(point) ?? 0) + 1;
  seen.set(point, n);
  if (n === Number(nth)) process.kill(process.pid, 'SIGKILL');
}

/**
 * The Pre-Flight Checklist's three checks, shared by every script that starts
 * long work: the backfill jobs exist, we are inside tmux/screen, and where the
 * monitor is.
 */
import type { Output } from '../notebook/output.ts';

export const LIST_JOBS_COMMAND = './bin/run_backfill.sh --list | grep precompute';

/** Runs the original's `--list | grep precompute` and returns the lines it printed. */
export async function listPrecomputeJobs(): Promise<string[]> {
  const { $ } = await import('zx'); // only this step shells out; the rest of a script starts without it
  const r = await $({ quiet: true, nothrow: true })`./bin/run_backfill.sh --list`;
  if (r.exitCode !== 0) throw new Error(`./bin/run_backfill.sh --list failed: ${r.stderr.trim().split('\n').pop()}`);
  return r.stdout.split('\n').filter((l) => l.includes('precompute'));
}

export function multiplexer(env: NodeJS.ProcessEnv = process.env): 'tmux' | 'screen' | null {
  if (env.TMUX) return 'tmux';
  if (env.STY) return 'screen';
  return null;
}

export function warnIfNoMultiplexer(out: Output): void {
  const m = multiplexer();
  if (m) out.ok(`running inside ${m}: a dropped SSH session will not kill the backfill`);
  else out.warn('not inside tmux or screen: a dropped connection kills a long backfill. Start one: tmux new -s backfill');
}

export const MONITOR_COMMAND = './runbook/monitor.mts --interval 300';

/**
 * The monitor's third section: a progress bar per processor of each recent
 * run, with its ETA while it runs, read from the run history (any process).
 */
import { bar, formatDuration, progressLine } from '../notebook/progress.ts';
import type { RunContext } from '../notebook/steps.ts';
import { gameDays } from '../calendar-view/queries.ts';
import { recentRuns } from '../queries/monitor.ts';
import { runProgress, seasonEnd, type RunProgress, type RunRow } from './progress.ts';

export async function loadRunProgress(ctx: RunContext): Promise<RunProgress[]> {
  const q = recentRuns(ctx);
  const runs = (await ctx.w.query<RunRow & Record<string, string | number | null>>(q.sql, q.params)).rows;
  if (!runs.length) return [];
  const start = runs.map((r) => r.first_date).sort()[0];
  const end = runs.map((r) => [seasonEnd(r.first_date, ctx.asOf), r.last_date].sort().pop()!).sort().pop()!;
  const g = gameDays(ctx.project, { start, end });
  const dates = (await ctx.w.query<{ game_date: string }>(g.sql, g.params)).rows.map((r) => r.game_date);
  return runProgress(runs, dates, { asOf: ctx.asOf });
}

/** One line per processor: a live bar with ETA while running; otherwise what became of it. */
export function runLine(r: RunProgress, now: number, width: number): string {
  if (r.phase === 'running') return `${progressLine(r.state, now, width)}${r.estimated ? ' (total est.)' : ''}`;
  const s = r.state;
  const counts = `${String(s.done).padStart(4)}/${String(s.total).padEnd(4)}${s.failed ? ` ${s.failed} failed` : ''}`;
  const what = r.phase === 'finished' ? `done in ${formatDuration(r.lastActivity - s.startedAt)}`
    : r.phase === 'abandoned' ? 'ABANDONED: its process is gone (the next run of the job records it)'
      : `idle for ${formatDuration(now - r.lastActivity)} (stopped, or waiting at a gate)`;
  return `${s.label.padEnd(width)} ${bar(s.total ? s.done / s.total : 1)} ${counts} ${what}`;
}

export function progressLines(runs: RunProgress[], now = Date.now()): string[] {
  const width = Math.max(10, ...runs.map((r) => r.state.label.length));
  const lines: string[] = [];
  let run = '';
  for (const r of runs) {
    if (r.runId !== run) {
      run = r.runId;
      lines.push(`run ${run} (started ${formatDuration(now - r.state.startedAt)} ago)`);
    }
    lines.push(`  ${runLine(r, now, width)}`);
  }
  return lines;
}

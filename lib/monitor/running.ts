/**
 * The monitor's third section: a progress bar per processor of each run in
 * flight, with its ETA, read from the run history (any process, any host).
 */
import { formatDuration, progressLine } from '../notebook/progress.ts';
import type { RunContext } from '../notebook/steps.ts';
import { gameDays } from '../calendar-view/queries.ts';
import { runsInFlight } from '../queries/monitor.ts';
import { runProgress, seasonEnd, type RunInFlight, type RunProgress } from './progress.ts';

export async function loadRunProgress(ctx: RunContext): Promise<RunProgress[]> {
  const q = runsInFlight(ctx);
  const runs = (await ctx.w.query<RunInFlight & Record<string, string | number | null>>(q.sql, q.params)).rows;
  if (!runs.length) return [];
  const start = runs.map((r) => r.first_date).sort()[0];
  const end = runs.map((r) => [seasonEnd(r.first_date, ctx.asOf), r.last_date].sort().pop()!).sort().pop()!;
  const g = gameDays(ctx.project, { start, end });
  const dates = (await ctx.w.query<{ game_date: string }>(g.sql, g.params)).rows.map((r) => r.game_date);
  return runProgress(runs, dates, { asOf: ctx.asOf });
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
    const note = [r.estimated ? '(total est.)' : '', r.abandoned ? 'ABANDONED: its process is gone' : ''].filter(Boolean).join(' ');
    lines.push(`  ${progressLine(r.state, now, width)}${note ? ` ${note}` : ''}`);
  }
  return lines;
}

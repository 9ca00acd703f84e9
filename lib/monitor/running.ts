/**
 * The monitor's third section: every recent backfill as it is — a header per
 * script run (its command, and whether it runs, waits at a gate, stopped,
 * was interrupted or died), the season and part its backfills cover ('2021-22',
 * '2021-22 postseason'), then a line per processor: a bar over the dates that
 * run was asked to do, with its ETA while it runs. Lines fit the width.
 */
import { formatDuration, progressLine, bar } from '../notebook/progress.ts';
import { shorten, shortenAll } from '../notebook/output.ts';
import type { RunContext } from '../notebook/steps.ts';
import { historyColumns, recentRunRows } from '../queries/monitor.ts';
import { eta, runProgress, type HistoryRow, type RunProgress } from './progress.ts';
import { readScriptRuns, type ScriptRun } from './scripts.ts';

export async function loadRunProgress(ctx: RunContext, now = Date.now()): Promise<RunProgress[]> {
  const scripts = ctx.opts.journal ? readScriptRuns(ctx.opts.journal) : [];
  // Runs still open in the journal are shown however long they wait.
  const open = scripts.filter((s) => !s.end).flatMap((s) => [s.runId, ...s.plans.map((p) => p.historyRunId)]);
  const cols = await ctx.w.query(historyColumns(ctx).sql);
  const names = new Set(cols.columns.map((c) => c.name.toLowerCase()));
  const q = recentRunRows(ctx, { withProcess: names.has('host') && names.has('pid'), runIds: [...new Set(open)] });
  const rows = (await ctx.w.query<HistoryRow & Record<string, string | number | null>>(q.sql, q.params)).rows;
  return runProgress(rows, scripts, { now });
}

/** How a script run reads in one header line. */
export function scriptHeader(runId: string, s: ScriptRun | null, runs: RunProgress[], now: number): string {
  if (!s) return `run ${runId} · not in this journal (total unknown)`;
  const cmd = `${s.script}${s.args.length ? ` ${s.args.join(' ')}` : ''}`;
  const since = `started ${formatDuration(now - s.startedAt)} ago`;
  let state: string;
  if (s.end) {
    const took = formatDuration(s.end.at - s.startedAt);
    state = s.end.exitCode === 0 ? `done in ${took}`
      : s.end.exitCode === 3 ? `stopped at gate ${s.end.stoppedAt ?? '?'} after ${took}`
        : s.end.exitCode === 130 ? `interrupted at ${s.end.stoppedAt ?? '?'} after ${took}`
          : `failed (exit ${s.end.exitCode}) after ${took}`;
  } else if (runs.some((r) => r.phase === 'dead')) state = 'DEAD: no end recorded and no heartbeat';
  else if (s.waiting) state = `WAITING at gate ${s.waiting.id} ${s.waiting.title} for ${formatDuration(now - s.waiting.since)}`;
  else state = `running, ${since}`;
  return `${cmd} · pid ${s.pid ?? '?'} · ${state}`;
}

/** One line per processor (and the why, when long, on a line of its own). */
export function runLines(r: RunProgress, now: number, labelWidth: number, width: number): string[] {
  const s = r.state;
  if (!r.known) {
    const what = `${s.done} date(s) recorded${s.failed ? `, ${s.failed} failed` : ''}`;
    return fitted(`${shorten(s.label, labelWidth).padEnd(labelWidth)} ${phaseWord(r)}`, r.detail ? `${what}; ${r.detail}` : what, width);
  }
  if (r.phase === 'running') {
    const left = eta(r, now);
    const line = progressLine({ ...s, finishedAt: undefined }, now, labelWidth, width, { eta: left === null ? (s.done ? 'eta …' : 'starting') : `eta ${formatDuration(left)}` });
    return [line];
  }
  const counts = `${s.done}/${s.total}${s.failed ? ` ${s.failed} failed` : ''}`;
  // The bar gives way first, so that what became of the run stays on its line.
  const barWidth = Math.max(6, Math.min(24, width - labelWidth - counts.length - phaseWord(r).length - r.detail.length - 6));
  const head = `${shorten(s.label, labelWidth).padEnd(labelWidth)} ${bar(s.total ? s.done / s.total : 1, barWidth)} ${counts} ${phaseWord(r)}`;
  return fitted(head, r.detail, width);
}

function phaseWord(r: RunProgress): string {
  return { done: 'done', running: 'running', waiting: 'waiting', stopped: 'stopped', interrupted: 'INTERRUPTED', failed: 'FAILED', dead: 'DEAD', ended: 'ended', quiet: 'quiet' }[r.phase];
}

/** The head, then the detail on the same line if it fits, else indented on the next. */
function fitted(head: string, detail: string, width: number): string[] {
  if (!detail) return [head];
  if (head.length + detail.length + 1 <= width) return [`${head} ${detail}`];
  return [head, `${' '.repeat(4)}${shorten(detail, width - 4)}`];
}

/**
 * A header per script run, then, per season and part its backfills cover
 * ('2021-22', then '2021-22 postseason' for Step 4), a line per processor.
 */
export function progressLines(runs: RunProgress[], now = Date.now(), width = 100): string[] {
  const inner = width - 4;
  const labelWidth = Math.min(Math.max(10, ...runs.map((r) => r.state.label.length)), Math.max(12, Math.floor(inner * 0.36)));
  const lines: string[] = [];
  const byRun = new Map<string, RunProgress[]>();
  for (const r of runs) {
    const key = r.script?.runId ?? r.runId;
    byRun.set(key, [...(byRun.get(key) ?? []), r]);
  }
  const names = shortenAll(runs.map((r) => r.state.label), labelWidth);
  for (const [key, group] of byRun) {
    lines.push(...wrapWords(scriptHeader(key, group[0].script, group, now), width));
    // In order of their first start: a regular season before the postseason that follows it.
    for (const scope of [...new Set(group.map((r) => r.scope))]) {
      lines.push(shorten(`  ${scope ?? 'no dates yet'}`, width));
      for (const r of group.filter((x) => x.scope === scope)) {
        const shown = { ...r, state: { ...r.state, label: names.get(r.state.label) ?? r.state.label } };
        lines.push(...runLines(shown, now, labelWidth, inner).map((l) => `    ${l}`));
      }
    }
  }
  return lines;
}

/** Breaks a long header at spaces; continuation lines are indented. */
export function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (next.length > width && line) { out.push(line); line = `    ${word}`; } else line = next;
  }
  if (line) out.push(line);
  return out.map((l) => shorten(l, width));
}

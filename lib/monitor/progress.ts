/**
 * Each backfill as it is, from the run history and the journal together:
 *  - its total is what that run was asked to do (its plan, in the journal);
 *    a run the journal does not know shows its count and no invented total;
 *  - done: every planned date recorded, with how long it took;
 *  - running: dates in flight or written lately, ETA from this run's own
 *    dates per second over the dates it has left;
 *  - waiting at a gate (which, since when), stopped, interrupted, failed: from
 *    the script's journal events and the history's error types;
 *  - dead: no end recorded and its process is gone (this host), or 'running'
 *    rows older than STALE_MS with no sign of life (another host's process
 *    cannot be checked).
 */
import os from 'node:os';
import type { ProgressState } from '../notebook/progress.ts';
import { runOfCommand, scriptRunOf, type PlanEvent, type ScriptRun } from './scripts.ts';
import { scopeLabel } from './scope.ts';

export interface HistoryRow {
  run_id: string;
  processor_name: string;
  data_date: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  host: string | null;
  pid: number | null;
}

export type RunPhase = 'done' | 'running' | 'waiting' | 'stopped' | 'interrupted' | 'failed' | 'dead' | 'ended' | 'quiet';

export interface RunProgress {
  /** The run history's run_id. */
  runId: string;
  script: ScriptRun | null;
  phase: RunPhase;
  /** Why, in a few words: the gate waited at, the exit, what shows it is dead. */
  detail: string;
  /** The dates it covers as a season and part: '2021-22', '2021-22 postseason' (null: no dates yet). */
  scope: string | null;
  /** total 0 with `known` false: the total is not known (no plan in the journal). */
  state: ProgressState;
  known: boolean;
  running: number;
  lastActivity: number;
}

/** Dates written this recently: a run between two chunks is still running. */
export const ACTIVE_WINDOW_MS = 2 * 60_000;
/** 'running' rows this old, from a process nobody can check: no heartbeat. */
export const STALE_MS = 30 * 60_000;

export interface ProgressOptions {
  now?: number;
  hostname?: string;
  isAlive?(pid: number): boolean;
}

const ms = (t: string | null) => (t ? Date.parse(t.includes('T') || t.endsWith('Z') ? t : `${t.replace(' ', 'T')}Z`) : NaN);

/** Plans may be stamped a little before the rows they announce (two clocks): allow this much. */
const CLOCK_SLACK_MS = 2_000;

export function runProgress(rows: HistoryRow[], scripts: ScriptRun[], o: ProgressOptions = {}): RunProgress[] {
  const now = o.now ?? Date.now();
  const here = o.hostname ?? os.hostname();
  const alive = o.isAlive ?? isAlive;
  const groups = new Map<string, HistoryRow[]>();
  for (const r of rows) {
    const k = `${r.run_id}\u0000${r.processor_name}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: RunProgress[] = [];
  for (const group of groups.values()) {
    const { run_id: runId, processor_name: processor } = group[0];
    let script = scriptRunOf(scripts, runId) ?? null;
    // The latest plan of this run for this processor: a re-run of failed dates is a run of its own.
    let plan: PlanEvent | undefined = script?.plans.filter((p) => p.historyRunId === runId && p.processor === processor).at(-1);
    if (!script) {
      // A run of the platform's own command (--runner command): the command's journal line holds its plan.
      const first = Math.min(...group.map((r) => ms(r.started_at)));
      const found = runOfCommand(scripts, processor, first, group.map((r) => r.data_date), CLOCK_SLACK_MS);
      if (found) {
        script = found.script;
        plan = { historyRunId: runId, ...found.command };
      }
    }
    const mine = plan ? group.filter((r) => ms(r.started_at) >= plan.at - CLOCK_SLACK_MS) : group;
    const latest = new Map<string, HistoryRow>();
    for (const r of mine) {
      const had = latest.get(r.data_date);
      if (!had || ms(r.started_at) >= ms(had.started_at)) latest.set(r.data_date, r);
    }
    const states = [...latest.values()];
    // The planned range says what the run is for; without a plan, the dates it recorded do.
    const recorded = states.map((r) => r.data_date).sort();
    const scope = plan?.first && plan.last ? scopeLabel(plan.first, plan.last) : scopeLabel(recorded[0] ?? null, recorded.at(-1) ?? null);
    const running = states.filter((r) => r.status === 'running');
    const failed = states.filter((r) => r.status === 'failed');
    const done = states.length - running.length;
    const startedAt = plan?.at ?? Math.min(...mine.map((r) => ms(r.started_at)));
    const lastActivity = Math.max(...mine.map((r) => ms(r.finished_at ?? r.started_at)));
    const total = plan?.total ?? 0;
    const complete = plan !== undefined && done >= total && running.length === 0;
    const pidOf = running.find((r) => r.pid !== null) ?? null;
    const host = pidOf?.host ?? script?.host ?? null;
    const pid = pidOf?.pid ?? script?.pid ?? null;
    const processGone = host === here && pid !== null ? !alive(pid) : null;
    // Nothing left running and no journal: the process that wrote its latest row says whether it is over.
    const writer = mine.filter((r) => r.pid !== null).sort((a, b) => ms(a.started_at) - ms(b.started_at)).at(-1);
    const writerGone = !running.length && writer?.host === here ? !alive(writer.pid!) : null;

    let phase: RunPhase;
    let detail = '';
    const interrupted = failed.filter((r) => /Interrupted/.test(r.error ?? '')).length;
    const abandoned = failed.filter((r) => /Abandoned/.test(r.error ?? '')).length;
    if (abandoned) {
      phase = 'dead'; detail = `its process died; ${abandoned} date(s) were closed as abandoned by a later run`;
    } else if (interrupted) {
      phase = 'interrupted'; detail = `Ctrl+C: ${interrupted} date(s) not run`;
    } else if (complete) {
      phase = 'done'; detail = `in ${formatSpan(lastActivity - startedAt)}`;
    } else if (running.length && processGone) {
      phase = 'dead'; detail = `no heartbeat: pid ${pid} on ${host} is gone with ${running.length} date(s) running`;
    } else if (running.length && processGone === null && now - Math.min(...running.map((r) => ms(r.started_at))) > STALE_MS) {
      phase = 'dead'; detail = `no heartbeat: ${running.length} date(s) 'running' for over ${formatSpan(STALE_MS)}${host ? ` (host ${host})` : ''}`;
    } else if (running.length) {
      phase = 'running';
    } else if (script?.end) {
      ({ phase, detail } = ended(script.end));
    } else if (script && processGone) {
      phase = 'dead'; detail = `no heartbeat: pid ${pid} is gone and recorded no end`;
    } else if (script?.waiting) {
      phase = 'waiting'; detail = `at ${script.waiting.id} ${script.waiting.title} for ${formatSpan(now - script.waiting.since)}`;
    } else if (now - lastActivity < ACTIVE_WINDOW_MS || (script && processGone === false)) {
      phase = 'running';
    } else if (writerGone) {
      phase = 'ended'; detail = `pid ${writer!.pid} that wrote it is gone; last activity ${formatSpan(now - lastActivity)} ago`;
    } else {
      phase = 'quiet'; detail = `no activity for ${formatSpan(now - lastActivity)}`;
    }
    out.push({
      runId, script, phase, detail, scope, known: plan !== undefined, running: running.length, lastActivity,
      state: {
        // Skips and dependency failures are recorded in an instant before any work: only successes pace an ETA.
        label: processor, done, total, failed: failed.length, paced: states.filter((r) => r.status === 'success').length, startedAt,
        finishedAt: phase === 'running' || phase === 'waiting' ? undefined : lastActivity,
      },
    });
  }
  return out.sort((a, b) => a.state.startedAt - b.state.startedAt || a.state.label.localeCompare(b.state.label));
}

function ended(end: NonNullable<ScriptRun['end']>): { phase: RunPhase; detail: string } {
  if (end.exitCode === 0) return { phase: 'done', detail: 'the script finished' };
  if (end.exitCode === 130) return { phase: 'interrupted', detail: `at ${end.stoppedAt ?? '?'}` };
  if (end.exitCode === 3) return { phase: 'stopped', detail: `at gate ${end.stoppedAt ?? '?'}` };
  return { phase: 'failed', detail: `exit ${end.exitCode}${end.stoppedAt ? ` at ${end.stoppedAt}` : ''}` };
}

/** ETA from this run's own pace: dates it succeeded per second since it planned, over the dates it has left. */
export function eta(p: RunProgress, now: number): number | null {
  const s = p.state;
  const paced = s.paced ?? s.done;
  if (!p.known || paced <= 0 || s.done >= s.total) return null;
  const rate = paced / Math.max(1, now - s.startedAt);
  return (s.total - s.done) / rate;
}

export function formatSpan(msec: number): string {
  const s = Math.max(0, Math.round(msec / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

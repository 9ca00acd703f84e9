/**
 * What the journal says about each script run: what it was started with, what
 * each of its backfills planned to do, whether it waits at a gate, and how it
 * ended. The run history knows dates; only the journal knows a run's own
 * total, its gates and its exit.
 */
import { readJournal } from '../notebook/journal.ts';

export interface PlanEvent {
  historyRunId: string; processor: string; job: string; total: number; at: number;
  /** The first and last date it planned (null for a journal written before they were recorded). */
  first: string | null; last: string | null;
}

export interface CommandPlan { processor: string; job: string; total: number; first: string | null; last: string | null; at: number }

export interface ScriptRun {
  /** The journal's run id (the run history's run_id, or its prefix). */
  runId: string;
  script: string;
  args: string[];
  host: string | null;
  pid: number | null;
  startedAt: number;
  plans: PlanEvent[];
  /**
   * Platform commands it started (--runner command), each with the dates it
   * expects them to record: their run-history rows carry the platform's own
   * run ids, so they are matched by processor, start time and dates (runOfCommand).
   */
  commands: CommandPlan[];
  /** The last question asked and not yet answered. */
  waiting: { id: string; title: string; since: number } | null;
  end: { exitCode: number; stoppedAt: string | null; at: number } | null;
}

type Event = Record<string, unknown>;
const time = (e: Event) => Date.parse(String(e.ts));

/** Script runs from the journal's events, in order of their start. */
export function scriptRuns(events: Event[]): ScriptRun[] {
  const runs = new Map<string, ScriptRun>();
  for (const e of events) {
    const id = String(e.run_id ?? '');
    if (!id) continue;
    if (e.event === 'start') {
      runs.set(id, {
        runId: id, script: String(e.script), args: (e.args as string[]) ?? [], host: (e.host as string) ?? null,
        pid: typeof e.pid === 'number' ? e.pid : null, startedAt: time(e), plans: [], commands: [], waiting: null, end: null,
      });
      continue;
    }
    const run = runs.get(id);
    if (!run) continue;
    const date = (v: unknown) => (typeof v === 'string' && v ? v : null);
    if (e.event === 'command' && e.status === 'started' && typeof e.processor === 'string' && typeof e.total === 'number') {
      run.commands.push({ processor: e.processor, job: String(e.job), total: e.total, first: date(e.first), last: date(e.last), at: time(e) });
    } else if (e.event === 'run') {
      run.plans.push({
        historyRunId: String(e.history_run_id), processor: String(e.processor), job: String(e.job), total: Number(e.total), at: time(e),
        first: date(e.first), last: date(e.last),
      });
    } else if (e.event === 'ask') {
      run.waiting = { id: String(e.id), title: String(e.title ?? ''), since: time(e) };
    } else if (e.event === 'gate' || e.event === 'step') {
      if (run.waiting && run.waiting.id === e.id) run.waiting = null;
    } else if (e.event === 'end') {
      run.end = { exitCode: Number(e.exitCode), stoppedAt: (e.stoppedAt as string | null) ?? null, at: time(e) };
      run.waiting = null;
    }
  }
  return [...runs.values()].sort((a, b) => a.startedAt - b.startedAt);
}

export function readScriptRuns(file: string): ScriptRun[] {
  return scriptRuns(readJournal(file));
}

/**
 * The platform command a run of the platform's own (a run_id no script
 * planned) belongs to: the latest command of the same processor started before
 * the run's first row (within `slackMs`, two clocks), whose planned dates hold
 * every date the run recorded.
 */
export function runOfCommand(runs: ScriptRun[], processor: string, firstStartedAt: number, dates: string[], slackMs: number): { script: ScriptRun; command: CommandPlan } | undefined {
  const lo = dates.reduce((a, b) => (a < b ? a : b), dates[0]);
  const hi = dates.reduce((a, b) => (a > b ? a : b), dates[0]);
  const fits = (c: CommandPlan) => c.processor === processor && c.at - slackMs <= firstStartedAt
    && c.first !== null && c.last !== null && lo >= c.first && hi <= c.last;
  const found = runs.flatMap((script) => script.commands.filter(fits).map((command) => ({ script, command })));
  return found.sort((a, b) => a.command.at - b.command.at).at(-1);
}

/** The script run a run-history run_id belongs to: by its plans, else by the id itself. */
export function scriptRunOf(runs: ScriptRun[], historyRunId: string): ScriptRun | undefined {
  return runs.find((r) => r.plans.some((p) => p.historyRunId === historyRunId))
    ?? runs.find((r) => historyRunId === r.runId || historyRunId.startsWith(`${r.runId}-`));
}

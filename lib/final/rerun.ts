/**
 * What to re-run to fill the gaps, as the exact `run_backfill.sh` commands
 * (`--dates` lists; a season a job never ran gets its range), in an order that works: Phase 2 loads for missing upstream data
 * first, then Phase 3, then Phase 4 in its strict order. Dates whose Phase 2
 * re-load already failed (the source has nothing) cannot be filled by a re-run
 * and are listed apart, to be documented. Pure.
 */
import { backfillCommand } from '../backfill/preview.ts';
import type { DateRange } from '../notebook/flags.ts';

export interface Gap {
  /** The job that lacks the date: 'analytics/player_game_summary'. */
  job: string;
  date: string;
  /** Upstream tables its latest attempt reported missing (DependencyError). */
  missing: string[];
  /** Why, in a few words (the latest attempt). */
  why: string;
}

export interface RerunStep { job: string; dates: string[]; why: string; command: string }
export interface Unrecoverable { job: string; tables: string[]; dates: string[]; why: string }
export interface RerunPlan { steps: RerunStep[]; unrecoverable: Unrecoverable[] }

export interface PlanOptions {
  /** Jobs in run order (the registry's: raw, Phase 3, Phase 4 by order). */
  jobOrder: readonly string[];
  /**
   * Season ranges and each job's expected dates: a job missing every expected
   * date of a season gets the original's range command for it (a season never
   * run), not a list of a hundred dates.
   */
  seasons?: { ranges: readonly DateRange[]; expected(job: string): readonly string[] };
  /** The job writing an upstream table, for a missing Phase 3/4 dependency. */
  jobForTable(table: string): string | undefined;
  /** True when the Phase 2 re-load of table for date already failed. */
  sourceUnavailable(table: string, date: string): boolean;
}

export const rawJob = (table: string) => `raw/${table.split('.').pop()}`;

export function rerunPlan(gaps: readonly Gap[], o: PlanOptions): RerunPlan {
  const rank = (job: string) => o.jobOrder.indexOf(job);
  // Per job, each reason with its date, in the order found: a command gives its own dates' reasons
  // (a season never run is not a DependencyError of another season's two dates).
  const todo = new Map<string, { date: string; why: string }[]>();
  const add = (job: string, date: string, why: string) => { todo.set(job, [...(todo.get(job) ?? []), { date, why }]); };
  const whyOf = (found: { date: string; why: string }[], dates: string[]) => {
    const mine = new Set(dates);
    return [...new Set(found.filter((f) => mine.has(f.date)).map((f) => f.why))].join('; ');
  };
  const stuck = new Map<string, Unrecoverable>();
  const stuckDates = new Set<string>();
  const giveUp = (g: Gap, tables: string[], why: string) => {
    const key = `${g.job}|${why}`;
    const u = stuck.get(key) ?? { job: g.job, tables, dates: [], why };
    u.dates.push(g.date);
    stuck.set(key, u);
    stuckDates.add(`${g.job}|${g.date}`);
  };
  // In run order, so a Phase 4 date whose Phase 3 input cannot be filled is known to be stuck too.
  for (const g of [...gaps].sort((a, b) => rank(a.job) - rank(b.job) || a.date.localeCompare(b.date))) {
    const raw = g.missing.filter((t) => t.startsWith('nba_raw.'));
    const loadable = raw.filter((t) => !o.sourceUnavailable(t, g.date));
    if (raw.length && !loadable.length) { giveUp(g, raw, `the source has nothing for ${raw.join(', ')} (its re-load already failed)`); continue; }
    const upstream = g.missing.filter((t) => !t.startsWith('nba_raw.')).map((t) => ({ t, job: o.jobForTable(t) }));
    const blocked = upstream.filter((u) => u.job && stuckDates.has(`${u.job}|${g.date}`)).map((u) => u.t);
    if (blocked.length) { giveUp(g, blocked, `its input ${blocked.join(', ')} cannot be filled either`); continue; }
    for (const t of loadable) add(rawJob(t), g.date, `load the missing ${t.split('.').pop()}`);
    for (const u of upstream) if (u.job) add(u.job, g.date, `upstream of ${g.job}`);
    add(g.job, g.date, g.why);
  }
  const steps = [...todo].sort(([a], [b]) => rank(a) - rank(b)).flatMap(([job, t]) => {
    let dates = [...new Set(t.map((f) => f.date))].sort();
    const out: RerunStep[] = [];
    for (const r of o.seasons?.ranges ?? []) {
      const expected = o.seasons!.expected(job).filter((d) => d >= r.start && d <= r.end);
      const mine = dates.filter((d) => d >= r.start && d <= r.end);
      if (expected.length && mine.length === expected.length) {
        out.push({ job, dates: mine, why: whyOf(t, mine), command: backfillCommand(job, r) });
        dates = dates.filter((d) => d < r.start || d > r.end);
      }
    }
    if (dates.length) out.push({ job, dates, why: whyOf(t, dates), command: backfillCommand(job, { start: '', end: '' }, dates) });
    return out;
  });
  return { steps, unrecoverable: [...stuck.values()] };
}

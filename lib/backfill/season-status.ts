/**
 * How far each season's backfill got, per phase, from the state model
 * (lib/state): the run history, the dates each table actually holds and the
 * recorded decisions together. Step 4 resumes from it: a season whose table
 * lost dates, or whose gate is waiting for a decision, is not done. Each
 * season's postseason (play-in and playoffs) is a row of its own, right after
 * its regular season.
 */
import { SEASONS, seasonAsOf, seasonPart, type Season } from '../seasons/calendar.ts';
import type { Warehouse } from '../warehouse/types.ts';
import { readFacts } from '../state/facts.ts';
import { describeState, isComplete, phaseState, stateCell, type PhaseKey, type PhaseState } from '../state/model.ts';
import { DEFAULT_DECISIONS_DATASET } from '../decisions/store.ts';

export interface SeasonStatus {
  season: string;
  /** 'regular season' (the original's range) or 'postseason' (play-in and playoffs). */
  part: string;
  start: string;
  end: string;
  game_dates: number;
  phase3: string;
  phase4: string;
  next: 'phase 3' | 'phase 4' | 'done';
  states: Record<PhaseKey, PhaseState>;
  /** The gate to resume at, when the next phase is waiting for a decision there. */
  resumeAt: string | null;
  /** One line per phase an operator can act on. */
  story: string[];
}

/** Each season as run: its regular season, then (unless left out) its postseason, when it has one. */
export function seasonParts(seasons: readonly Season[], asOf: string, opts: { postseason: boolean }): Season[] {
  return seasons.flatMap((base) => {
    const whole = seasonAsOf(base, asOf);
    const post = opts.postseason ? seasonPart(whole, 'postseason') : null;
    return [seasonPart(whole, 'regular')!, ...(post ? [post] : [])];
  });
}

/** The states of seasons already narrowed to their parts (e.g. from seasonParts). */
export async function partStatuses(w: Warehouse, list: readonly Season[], o: { dataset?: string; self?: string } = {}): Promise<SeasonStatus[]> {
  if (!list.length) return [];
  const range = { start: list.reduce((a, s) => (s.start < a ? s.start : a), list[0].start), end: list.reduce((a, s) => (s.end > a ? s.end : a), list[0].end) };
  const facts = await readFacts(w, range, o.dataset ?? DEFAULT_DECISIONS_DATASET);
  return list.map((s) => {
    const phase3 = phaseState(s, 'phase3', facts, o.self);
    const phase4 = phaseState(s, 'phase4', facts, o.self);
    const next = !isComplete(phase3) ? 'phase 3' : !isComplete(phase4) ? 'phase 4' : 'done';
    const nextState = next === 'phase 3' ? phase3 : phase4;
    return {
      season: s.id, part: s.part === 'regular' ? 'regular season' : s.part === 'postseason' ? 'postseason' : 'all', start: s.start, end: s.end,
      game_dates: facts.gameDates.filter((d) => d >= s.start && d <= s.end).length,
      phase3: stateCell(phase3), phase4: stateCell(phase4), next,
      states: { phase3, phase4 },
      resumeAt: next !== 'done' && nextState.kind === 'waiting' ? nextState.gate : null,
      story: [describeState('phase3', phase3), describeState('phase4', phase4)],
    };
  });
}

export async function seasonStatuses(
  w: Warehouse, asOf: string, seasons: readonly Season[] = SEASONS,
  opts: { postseason: boolean; dataset?: string; self?: string } = { postseason: true },
): Promise<SeasonStatus[]> {
  return partStatuses(w, seasonParts(seasons, asOf, opts), opts);
}

/**
 * The state of one table on one date, and how it is drawn. Each state has its
 * own glyph, so the calendar reads the same with colour off (NO_COLOR, a log
 * file, a printout) as with it on.
 */
import type { ChalkInstance } from 'chalk';

export type CellState = 'present' | 'missing' | 'failed' | 'skipped' | 'no_games' | 'outside';

export const GLYPH: Record<CellState, string> = {
  present: '■',
  missing: '□',
  failed: '✗',
  skipped: '○',
  no_games: '·',
  outside: ' ',
};

/** What each state means, in legend order (outside the range needs no legend: it is blank). */
export const LEGEND: { state: CellState; label: string }[] = [
  { state: 'present', label: 'present' },
  { state: 'missing', label: 'missing' },
  { state: 'failed', label: 'failed' },
  { state: 'skipped', label: 'skipped (bootstrap, no props lines)' },
  { state: 'no_games', label: 'no games' },
];

/** '■ present', '□ missing', …: what the legend lists, in order. */
export function legendItems(): string[] {
  return LEGEND.map((l) => `${GLYPH[l.state]} ${l.label}`);
}

export function legendLine(): string {
  return legendItems().join('   ');
}

/** Colour on top of the glyph, never instead of it. */
export function paint(state: CellState, text: string, c: ChalkInstance): string {
  switch (state) {
    case 'present': return c.green(text);
    case 'missing': return c.yellow(text);
    case 'failed': return c.red.bold(text);
    case 'skipped': return c.cyan(text);
    case 'no_games': return c.dim(text);
    default: return text;
  }
}

/** A date's latest attempt in the run history (the contract: a date's state is its latest attempt). */
export interface LatestAttempt {
  status: string;
  skip_reason: string | null;
  missing_dependencies: string[] | null;
  errors: string | null;
  records_processed?: number | null;
}

export interface CellFacts {
  inRange: boolean;
  /** The table has rows for the date. */
  present: boolean;
  /** The schedule has a final game on the date. */
  gameDay: boolean;
  latest?: LatestAttempt;
  /** No rows are expected even with games: a Phase 4 bootstrap date, a date without props lines. */
  expectedEmpty: boolean;
}

/**
 * Rows win over the run history (a failed re-run keeps the earlier rows); a day
 * without games is never a gap; an expected-empty date is a skip even before
 * the job has recorded it.
 */
export function cellState(f: CellFacts): CellState {
  if (!f.inRange) return 'outside';
  if (f.present) return 'present';
  if (!f.gameDay) return 'no_games';
  if (f.latest?.status === 'failed') return 'failed';
  if (f.latest?.status === 'skipped' || f.expectedEmpty) return 'skipped';
  return 'missing';
}

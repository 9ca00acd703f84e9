/**
 * The coverage calendar as data: for a range (one season) and a set of tables,
 * one row per week (Monday to Sunday) and, per table, one cell per day. Pure:
 * the text and HTML pictures are drawn from this.
 */
import { SEASONS, addDays, eachDate, isBootstrap } from '../seasons/calendar.ts';
import type { DateRange } from '../notebook/flags.ts';
import type { CoverageFacts, TableFacts } from './facts.ts';
import { cellState, type CellState } from './states.ts';

export interface CalendarTable {
  /** dataset.table */
  name: string;
  /** Initials for the column header ('pgs' for player_game_summary); the key lists them. */
  short: string;
  counts: Record<CellState, number>;
  /** The dates that need attention, and the expected skips. */
  dates: { missing: string[]; failed: string[]; skipped: string[] };
}

export interface CalendarWeek {
  /** The Monday. */
  start: string;
  /** cells[table][day], day 0 = Monday. */
  cells: CellState[][];
}

export interface CoverageCalendar {
  title: string;
  start: string;
  end: string;
  tables: CalendarTable[];
  weeks: CalendarWeek[];
}

export interface TitledRange extends DateRange { title: string }

/** The range cut at season boundaries (dates before the first season go with it), one calendar each. */
export function splitBySeason(range: DateRange): TitledRange[] {
  const out: TitledRange[] = [];
  SEASONS.forEach((s, k) => {
    const from = k === 0 ? range.start : s.start;
    const to = k + 1 < SEASONS.length ? addDays(SEASONS[k + 1].start, -1) : range.end;
    const start = from > range.start ? from : range.start;
    const end = to < range.end ? to : range.end;
    if (start <= end) out.push({ title: s.id, start, end });
  });
  return out;
}

/** Initials of a table name's words, made unique: player_game_summary → pgs. */
export function shortNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const base = (n.split('.').pop() ?? n).split('_').filter(Boolean).map((w) => w[0]).join('').slice(0, 6);
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base}${k}`;
  });
}

/** Monday on or before the date. */
export function mondayOf(iso: string): string {
  const day = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return addDays(iso, -((day + 6) % 7));
}

export function stateOn(t: TableFacts, facts: CoverageFacts, date: string, range: DateRange): CellState {
  const inRange = date >= range.start && date <= range.end;
  return cellState({
    inRange,
    present: t.present.has(date),
    gameDay: facts.gameDates.has(date),
    latest: t.latest.get(date),
    expectedEmpty: (t.source.phase === 'phase_4_precompute' && isBootstrap(date)) || t.outOfScope.has(date),
  });
}

export function buildCalendar(facts: CoverageFacts, range: TitledRange): CoverageCalendar {
  const shorts = shortNames(facts.tables.map((t) => t.source.output.name));
  const tables: CalendarTable[] = facts.tables.map((t, k) => ({
    name: t.source.output.name, short: shorts[k],
    counts: { present: 0, missing: 0, failed: 0, skipped: 0, no_games: 0, outside: 0 },
    dates: { missing: [], failed: [], skipped: [] },
  }));
  const weeks: CalendarWeek[] = [];
  for (let monday = mondayOf(range.start); monday <= range.end; monday = addDays(monday, 7)) {
    const days = eachDate(monday, addDays(monday, 6));
    weeks.push({
      start: monday,
      cells: facts.tables.map((t, k) => days.map((d) => {
        const state = stateOn(t, facts, d, range);
        tables[k].counts[state]++;
        if (state === 'missing' || state === 'failed' || state === 'skipped') tables[k].dates[state].push(d);
        return state;
      })),
    });
  }
  return { title: range.title, start: range.start, end: range.end, tables, weeks };
}

/** One calendar per season the facts' range touches (or per range given). */
export function buildCalendars(facts: CoverageFacts, ranges: TitledRange[] = splitBySeason(facts.range)): CoverageCalendar[] {
  return ranges.map((r) => buildCalendar(facts, r));
}

/** A week with nothing to see: no games on any day (the off-season, the All-Star break). */
export function isQuiet(week: CalendarWeek): boolean {
  return week.cells.every((days) => days.every((s) => s === 'no_games' || s === 'outside'));
}

export type WeekLine = { kind: 'week'; week: CalendarWeek } | { kind: 'quiet'; from: string; to: string; weeks: number };

/** The weeks to draw: two or more quiet weeks in a row fold into one line. */
export function weekLines(cal: CoverageCalendar): WeekLine[] {
  const out: WeekLine[] = [];
  for (let w = 0; w < cal.weeks.length; w++) {
    let last = w;
    while (isQuiet(cal.weeks[w]) && last + 1 < cal.weeks.length && isQuiet(cal.weeks[last + 1])) last++;
    if (last > w) { out.push({ kind: 'quiet', from: cal.weeks[w].start, to: cal.weeks[last].start, weeks: last - w + 1 }); w = last; }
    else out.push({ kind: 'week', week: cal.weeks[w] });
  }
  return out;
}

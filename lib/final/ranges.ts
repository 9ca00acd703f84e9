/**
 * What the backfill covered: each season's regular-season range (the partial
 * season ends at the as-of date), cut to the range being validated. Play-in and
 * playoff dates fall between these ranges, so they were never backfilled.
 */
import { SEASONS, seasonAsOf } from '../seasons/calendar.ts';
import type { DateRange } from '../notebook/flags.ts';
import type { TitledRange } from '../calendar-view/calendar.ts';

export function backfillRanges(range: DateRange, asOf: string): TitledRange[] {
  return SEASONS.map((base) => seasonAsOf(base, asOf)).flatMap((s) => {
    const start = s.start > range.start ? s.start : range.start;
    const end = s.end < range.end ? s.end : range.end;
    return start <= end ? [{ title: s.id, start, end }] : [];
  });
}

export function inRanges(date: string, ranges: readonly DateRange[]): boolean {
  return ranges.some((r) => date >= r.start && date <= r.end);
}

/** "1 date", "3 dates". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * What part of the calendar a backfill covers, in the words an operator uses:
 * '2021-22' for a regular season (the original's range), '2021-22 postseason'
 * for its play-in and playoffs. Step 4 runs both under one script run, so the
 * monitor's lines say which is which.
 */
import { dateScope } from '../seasons/calendar.ts';

/** '2021-22' or '2021-22 postseason' for a date in a season; the date itself before the first season. */
function dateLabel(date: string): string {
  const s = dateScope(date);
  if (!s) return date;
  return s.part === 'postseason' ? `${s.season.id} postseason` : s.season.id;
}

/**
 * The scope of the dates first..last: one season's part ('2021-22',
 * '2021-22 postseason'), a whole season ('2021-22 regular season + postseason'),
 * or a span ('2021-22 .. 2022-23 postseason'). Null without dates.
 */
export function scopeLabel(first: string | null, last: string | null): string | null {
  if (!first || !last) return null;
  const [from, to] = first <= last ? [first, last] : [last, first];
  const a = dateLabel(from);
  const b = dateLabel(to);
  if (a === b) return a;
  const sa = dateScope(from);
  const sb = dateScope(to);
  if (sa && sb && sa.season.id === sb.season.id) return `${sa.season.id} regular season + postseason`;
  return `${a} .. ${b}`;
}

/**
 * The calendar in the terminal: one line per week, seven cells per table, at
 * most 100 columns (tables beyond what fits go to a second block). Runs of
 * weeks without games (the off-season) fold into one line.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { formatRanges } from '../seasons/calendar.ts';
import type { Row } from '../warehouse/types.ts';
import { weekLines, type CalendarTable, type CoverageCalendar } from './calendar.ts';
import { GLYPH, legendItems, paint } from './states.ts';

export const MAX_WIDTH = 100;
const LABEL = 12; // 'YYYY-MM-DD' and two spaces
const GROUP = 8; // seven days and a space

export interface TextOptions {
  chalk?: ChalkInstance;
  /** Never more than MAX_WIDTH. */
  width?: number;
}

export function renderCalendarText(cal: CoverageCalendar, o: TextOptions = {}): string[] {
  const c = o.chalk ?? new Chalk({ level: 0 });
  const width = Math.min(o.width ?? MAX_WIDTH, MAX_WIDTH);
  const perBlock = Math.max(1, Math.floor((width - LABEL + 1) / GROUP));
  const lines = [c.bold(`${cal.title}: ${cal.start} .. ${cal.end}`)];
  for (let first = 0; first < cal.tables.length; first += perBlock) {
    const idx = cal.tables.map((_, k) => k).slice(first, first + perBlock);
    lines.push(`${'week of'.padEnd(LABEL)}${idx.map((k) => cal.tables[k].short.padEnd(GROUP)).join('').trimEnd()}`);
    lines.push(`${''.padEnd(LABEL)}${idx.map(() => 'MTWTFSS ').join('').trimEnd()}`);
    for (const l of weekLines(cal)) {
      if (l.kind === 'quiet') { lines.push(c.dim(`${l.from} .. ${l.to}  no games (${l.weeks} weeks)`)); continue; }
      const groups = idx.map((k) => l.week.cells[k].map((s) => paint(s, GLYPH[s], c)).join(''));
      lines.push(`${l.week.start.padEnd(LABEL)}${groups.join(' ')}`);
    }
  }
  lines.push(...wrap(cal.tables.map((t) => `${t.short} = ${t.name.split('.').pop()}`), width, '  '));
  lines.push(...wrap(legendItems(), width, '   '));
  return lines;
}

function wrap(items: string[], width: number, sep: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const it of items) {
    if (line && line.length + sep.length + it.length > width) { out.push(line); line = it; }
    else line = line ? `${line}${sep}${it}` : it;
  }
  if (line) out.push(line);
  return out;
}

/** Tables with missing or failed dates, as rows (the report's table under the calendars): the answer to "which dates are missing". */
export function problemRows(cals: CoverageCalendar[]): Row[] {
  return cals.flatMap((cal) => cal.tables.filter(hasProblems).map((t) => ({
    season: cal.title,
    table_name: t.name.split('.').pop()!,
    present: t.counts.present,
    missing: t.counts.missing,
    failed: t.counts.failed,
    missing_dates: formatRanges(t.dates.missing),
    failed_dates: formatRanges(t.dates.failed),
  })));
}

/** The same as lines, which stay readable at any width. */
export function problemLines(cals: CoverageCalendar[]): string[] {
  return cals.flatMap((cal) => cal.tables.filter(hasProblems).flatMap((t) => [
    ...(t.counts.failed ? [`${cal.title} ${t.name.split('.').pop()}: ${t.counts.failed} failed: ${formatRanges(t.dates.failed)}`] : []),
    ...(t.counts.missing ? [`${cal.title} ${t.name.split('.').pop()}: ${t.counts.missing} missing: ${formatRanges(t.dates.missing)}`] : []),
  ]));
}

export function hasProblems(t: CalendarTable): boolean {
  return t.counts.missing > 0 || t.counts.failed > 0;
}

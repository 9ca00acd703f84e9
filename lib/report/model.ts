/**
 * What the Step 5 report holds, independent of how it is drawn: sections of
 * tables and commands, the coverage calendars, and the gate decisions.
 */
import type { CoverageCalendar } from '../calendar-view/calendar.ts';
import { problemRows } from '../calendar-view/text.ts';
import type { Row } from '../warehouse/types.ts';
import type { WeekQuality } from './quality-weeks.ts';

export interface ReportTable { title?: string; columns: string[]; rows: Row[]; empty?: string }

export interface ReportSection {
  heading: string;
  /** Lines of prose above the tables. */
  text?: string[];
  tables: ReportTable[];
  /** Shell commands, shown as a code block. */
  commands?: string[];
}

export interface ReportData {
  title: string;
  asOf: string;
  range: { start: string; end: string };
  generatedAt: string;
  project: string;
  backend: string;
  /** The acceptance: what the rule recommends, and what was answered (if it was). */
  verdict: { recommendation: string | null; reason: string; answer: string | null };
  sections: ReportSection[];
  calendars: CoverageCalendar[];
  /** Phase 4 quality by week per season (absent: not measured, no chart). */
  qualityWeeks?: WeekQuality[];
}

/** Under the calendars: the dates they show as missing or failed, per season and table. */
export function problemTable(cals: CoverageCalendar[]): ReportTable {
  return { columns: ['season', 'table_name', 'present', 'missing', 'failed', 'missing_dates', 'failed_dates'], rows: problemRows(cals), empty: 'No missing or failed dates.' };
}

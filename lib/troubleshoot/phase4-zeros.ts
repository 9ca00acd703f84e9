/**
 * "Phase 4 has 0 records for some dates": each such date is either bootstrap
 * (the first 7 days of a season: 0 records is correct) or a real gap, and the
 * run history says why.
 */
import { SEASONS, formatRanges, isBootstrap, seasonOfDate } from '../seasons/calendar.ts';
import type { Row } from '../warehouse/types.ts';
import type { LatestAttempt } from '../calendar-view/states.ts';
import { gapReason } from '../final/gaps.ts';

export interface ZeroRow { game_date: string; table_name: string; records: number }

export interface ZeroVerdict extends Row {
  game_date: string;
  verdict: 'bootstrap (expected)' | 'GAP';
  tables: string;
  why: string;
}

/** The zero rows as the screen shows them: one line per date, its tables ('all 5' when every one). */
export function zerosByDate(rows: ZeroRow[], allTables: number): Row[] {
  const by = new Map<string, string[]>();
  for (const r of rows) by.set(r.game_date, [...(by.get(r.game_date) ?? []), r.table_name]);
  return [...by].map(([game_date, t]) => ({ game_date, tables_with_0_records: t.length === allTables ? `all ${t.length}` : t.join(', ') }));
}

/** The original's list: "Oct 19-25 (2021), Oct 18-24 (2022), …", from the season calendar. */
export function bootstrapWindows(): string {
  const md = (d: string) => new Date(`${d}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const end = (s: { start: string; bootstrapEnd: string }) => (s.start.slice(5, 7) === s.bootstrapEnd.slice(5, 7) ? md(s.bootstrapEnd).replace(/^\w+ /, '') : md(s.bootstrapEnd));
  return SEASONS.map((s) => `${md(s.start)}-${end(s)} (${s.year})`).join(', ');
}

/**
 * One verdict per date. `latest(table, date)` is the latest attempt of the
 * table's processor; a date is a gap when any table's zero is not bootstrap.
 */
export function zeroVerdicts(rows: ZeroRow[], latest: (table: string, date: string) => LatestAttempt | undefined, allTables: number): ZeroVerdict[] {
  const byDate = new Map<string, string[]>();
  for (const r of rows) byDate.set(r.game_date, [...(byDate.get(r.game_date) ?? []), r.table_name]);
  return [...byDate].map(([date, tables]) => {
    const which = tables.length === allTables ? `all ${allTables}` : tables.join(', ');
    if (isBootstrap(date)) {
      const s = seasonOfDate(date)!;
      return { game_date: date, verdict: 'bootstrap (expected)', tables: which, why: `day ${dayOf(s.start, date)} of 7 of ${s.id}: too little history` };
    }
    const reasons = new Map<string, string[]>();
    for (const t of tables) {
      const key = gapReason(latest(t, date)).key;
      reasons.set(key, [...(reasons.get(key) ?? []), t]);
    }
    const why = [...reasons].map(([k, ts]) => (reasons.size === 1 ? k : `${ts.join(', ')}: ${k}`)).join('; ');
    return { game_date: date, verdict: 'GAP', tables: which, why };
  });
}

function dayOf(start: string, date: string): number {
  return Math.round((Date.parse(date) - Date.parse(start)) / 86_400_000) + 1;
}

export function verdictSummary(v: ZeroVerdict[]): string[] {
  const boot = v.filter((x) => x.verdict !== 'GAP').map((x) => x.game_date);
  const gaps = v.filter((x) => x.verdict === 'GAP').map((x) => x.game_date);
  return [
    `${boot.length} date(s) are bootstrap — 0 records is correct behaviour${boot.length ? `: ${formatRanges(boot)}` : ''}`,
    gaps.length ? `${gaps.length} date(s) are real gaps: ${formatRanges(gaps)}` : 'no real gaps',
  ];
}

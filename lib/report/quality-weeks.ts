/**
 * Phase 4 quality by week, per season: the share of player_shot_zone_analysis
 * records that are Good (completeness_pct >= 90) each week, counted from the
 * season's first day (week 1 is bootstrap). The report draws it as a chart
 * beside each season's calendar; 3.3.1 prints it as a bar per week.
 */
import { daysBetween } from '../seasons/calendar.ts';
import { QUALITY_POLICY } from '../gates/quality.ts';
import type { TitledRange } from '../calendar-view/calendar.ts';
import type { QualityDay } from '../final/quality.ts';
import { bar } from '../notebook/progress.ts';
import type { RunContext, StepContext } from '../notebook/steps.ts';
import type { QueryResult } from '../warehouse/types.ts';

export interface WeekQuality { season: string; week: number; start: string; records: number; good: number; goodPct: number }

const pct = (part: number, whole: number) => (whole ? Math.round((part * 1000) / whole) / 10 : 0);

/** Days summed into weeks of each season; weeks without records are left out. */
export function weeklyQuality(days: readonly QualityDay[], seasons: readonly TitledRange[]): WeekQuality[] {
  const out: WeekQuality[] = [];
  for (const s of seasons) {
    const weeks = new Map<number, WeekQuality>();
    for (const d of days) {
      if (d.analysis_date < s.start || d.analysis_date > s.end) continue;
      const week = Math.floor(daysBetween(s.start, d.analysis_date) / 7) + 1;
      const w = weeks.get(week) ?? { season: s.title, week, start: d.analysis_date, records: 0, good: 0, goodPct: 0 };
      w.records += d.records;
      w.good += d.good;
      if (d.analysis_date < w.start) w.start = d.analysis_date;
      weeks.set(week, w);
    }
    for (const w of [...weeks.values()].sort((a, b) => a.week - b.week)) out.push({ ...w, goodPct: pct(w.good, w.records) });
  }
  return out;
}

/**
 * One line per week: week, its first date, a bar of the Good share with the
 * 80% mark, the figure, and what it means against the original's expectation.
 */
export function weekBarLines(rows: readonly { week: number; week_start: string; records: number; good: number }[], width: number, policy = QUALITY_POLICY): string[] {
  if (!rows.length) return [];
  const barWidth = Math.max(10, Math.min(40, width - 44));
  const mark = Math.round((policy.goodPct / 100) * barWidth);
  const lines = [`Good share per week (| = ${policy.goodPct}%; weeks 1-${policy.afterWeek} expected low):`];
  for (const r of rows) {
    const p = pct(r.good, r.records);
    const b = bar(p / 100, barWidth);
    // The threshold drawn into the bar: where a week must reach after the early weeks.
    const drawn = `${b.slice(0, mark + 1)}|${b.slice(mark + 2)}`;
    const verdict = r.week <= policy.afterWeek ? 'early' : p >= policy.goodPct ? 'ok' : 'LOW';
    lines.push(`  wk ${String(r.week).padStart(2)} ${r.week_start} ${drawn} ${p.toFixed(1).padStart(5)}% ${verdict}`);
  }
  return lines;
}

/** 3.3.1's picture under its table: the bars, as wide as the terminal allows. */
export function weekBars(result: QueryResult, ctx: StepContext): string[] {
  const width = 'out' in ctx ? (ctx as RunContext).out.width : 100;
  return weekBarLines(result.rows as unknown as { week: number; week_start: string; records: number; good: number }[], width);
}

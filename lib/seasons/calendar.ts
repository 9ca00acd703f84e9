/**
 * The season calendar of the original runbook (regular seasons only; play-in and
 * playoffs follow each end date), and the date arithmetic the scripts share.
 */

export interface Season {
  /** '2021-22' */
  id: string;
  /** season_year in nba_raw.nbac_schedule: the year the season starts. */
  year: number;
  start: string;
  end: string;
  /** First 7 days: Phase 4 writes nothing (too little history). */
  bootstrapEnd: string;
  /** True for the season still in progress on the as-of date. */
  partial: boolean;
}

/** The original runbook's "today". */
export const DEFAULT_AS_OF = '2024-11-29';
/** The Phase 2 range of Step 1 and Step 5. */
export const PHASE2_START = '2021-10-01';
export const BOOTSTRAP_DAYS = 7;

const SEASON_DATES: [string, number, string, string, boolean][] = [
  ['2021-22', 2021, '2021-10-19', '2022-04-10', false],
  ['2022-23', 2022, '2022-10-18', '2023-04-09', false],
  ['2023-24', 2023, '2023-10-24', '2024-04-14', false],
  ['2024-25', 2024, '2024-10-22', DEFAULT_AS_OF, true],
];

export const SEASONS: readonly Season[] = SEASON_DATES.map(([id, year, start, end, partial]) => ({
  id, year, start, end, partial, bootstrapEnd: addDays(start, BOOTSTRAP_DAYS - 1),
}));

export function seasonById(id: string): Season | undefined {
  return SEASONS.find((s) => s.id === id);
}

/** The season as it stands on an as-of date: a partial season ends there. */
export function seasonAsOf(season: Season, asOf: string): Season {
  return season.partial ? { ...season, end: asOf < season.start ? season.start : asOf } : season;
}

/** The season whose regular season or postseason holds the date. */
export function seasonOfDate(date: string): Season | undefined {
  return [...SEASONS].reverse().find((s) => date >= s.start);
}

export function isBootstrap(date: string): boolean {
  const s = seasonOfDate(date);
  return !!s && date <= s.bootstrapEnd;
}

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Every calendar date from start to end inclusive. */
export function eachDate(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
}

/** A strict YYYY-MM-DD check that rejects 2021-02-30 and 2021-13-01. */
export function isValidDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Consecutive dates grouped into ranges: ['2021-11-03'..'2021-11-05', …] reads at a glance. */
export function toRanges(dates: readonly string[]): { from: string; to: string; days: number }[] {
  const sorted = [...new Set(dates)].sort();
  const out: { from: string; to: string; days: number }[] = [];
  for (const d of sorted) {
    const last = out[out.length - 1];
    if (last && addDays(last.to, 1) === d) { last.to = d; last.days++; }
    else out.push({ from: d, to: d, days: 1 });
  }
  return out;
}

export function formatRanges(dates: readonly string[]): string {
  return toRanges(dates).map((r) => (r.days === 1 ? r.from : `${r.from}..${r.to} (${r.days})`)).join(', ');
}

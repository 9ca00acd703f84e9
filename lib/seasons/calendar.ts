/**
 * The season calendar: the original runbook's per-season ranges (regular
 * seasons only), each season's postseason (play-in and playoffs, which the
 * original's ranges leave out), and the date arithmetic the scripts share.
 */

export interface DateSpan { start: string; end: string }

/** Which part of a season a run covers: the original's range, the postseason after it, or both. */
export type SeasonPart = 'regular' | 'postseason' | 'all';
export const SEASON_PARTS: readonly SeasonPart[] = ['regular', 'postseason', 'all'];

export interface Season {
  /** '2021-22' */
  id: string;
  /** season_year in nba_raw.nbac_schedule: the year the season starts. */
  year: number;
  /** The range this season covers as run: the part's range (the regular season unless a part is chosen). */
  start: string;
  end: string;
  /** The part `start..end` covers. */
  part: SeasonPart;
  /** The original runbook's range: the regular season (a partial season ends at the as-of date). */
  regular: DateSpan;
  /**
   * Play-in and playoffs: from the first play-in day to June 30 (the Finals end
   * by mid-June; the schedule says which of these days have games). Null while
   * the season is in progress on the as-of date.
   */
  postseason: DateSpan | null;
  /** First 7 days: Phase 4 writes nothing (too little history). The postseason continues the regular season's windows: no bootstrap. */
  bootstrapEnd: string;
  /** True for the season still in progress on the as-of date. */
  partial: boolean;
}

/** The original runbook's "today". */
export const DEFAULT_AS_OF = '2024-11-29';
/** The Phase 2 range of Step 1 and Step 5. */
export const PHASE2_START = '2021-10-01';
export const BOOTSTRAP_DAYS = 7;

/** id, season_year, regular season start and end, first play-in day (null: in progress). */
const SEASON_DATES: [string, number, string, string, string | null][] = [
  ['2021-22', 2021, '2021-10-19', '2022-04-10', '2022-04-12'],
  ['2022-23', 2022, '2022-10-18', '2023-04-09', '2023-04-11'],
  ['2023-24', 2023, '2023-10-24', '2024-04-14', '2024-04-16'],
  ['2024-25', 2024, '2024-10-22', DEFAULT_AS_OF, null],
];

export const SEASONS: readonly Season[] = SEASON_DATES.map(([id, year, start, end, playIn]) => ({
  id, year, start, end, part: 'regular' as const, partial: playIn === null,
  regular: { start, end },
  postseason: playIn ? { start: playIn, end: `${year + 1}-06-30` } : null,
  bootstrapEnd: addDays(start, BOOTSTRAP_DAYS - 1),
}));

export function seasonById(id: string): Season | undefined {
  return SEASONS.find((s) => s.id === id);
}

/** The season as it stands on an as-of date: a partial season ends there. */
export function seasonAsOf(season: Season, asOf: string): Season {
  if (!season.partial) return season;
  const end = asOf < season.regular.start ? season.regular.start : asOf;
  const regular = { start: season.regular.start, end };
  return { ...season, regular, ...(season.part === 'regular' ? { end } : {}) };
}

/** The range of one part of a season, or null when it has none (the postseason of a season in progress). */
export function partRange(season: Season, part: SeasonPart): DateSpan | null {
  if (part === 'regular') return season.regular;
  if (part === 'postseason') return season.postseason;
  return { start: season.regular.start, end: season.postseason?.end ?? season.regular.end };
}

/** The season narrowed to one part: `start..end` become that part's range. Null when the part does not exist yet. */
export function seasonPart(season: Season, part: SeasonPart): Season | null {
  const r = partRange(season, part);
  return r ? { ...season, part, start: r.start, end: r.end } : null;
}

/** '2021-22 regular season', '2021-22 postseason', '2021-22 regular season + postseason'. */
export function partLabel(season: Season): string {
  return `${season.id} ${PART_NAMES[season.part]}`;
}
const PART_NAMES: Record<SeasonPart, string> = { regular: 'regular season', postseason: 'postseason', all: 'regular season + postseason' };

/** Which season and part a date falls in, e.g. '2021-22 postseason' (null before the first season). */
export function dateScope(date: string): { season: Season; part: 'regular' | 'postseason' } | null {
  const season = seasonOfDate(date);
  if (!season) return null;
  return { season, part: season.postseason && date >= season.postseason.start ? 'postseason' : 'regular' };
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

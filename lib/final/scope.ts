/**
 * The scope a backfill ran, read from the data: every season's regular season
 * (the original's ranges; the partial season ends at the as-of date), plus each
 * postseason (play-in and playoffs) that Phase 3 or Phase 4 ran at least one date
 * of. A postseason nobody ran, and the part of the partial season after the
 * as-of date, were left out: said so, with the command that fills them. Pure.
 */
import { SEASONS, seasonAsOf, seasonPart, type Season } from '../seasons/calendar.ts';
import type { CoverageFacts } from '../calendar-view/facts.ts';
import type { TitledRange } from '../calendar-view/calendar.ts';
import { count } from './ranges.ts';

export interface ScopePart extends TitledRange {
  season: Season;
  part: 'regular' | 'postseason';
  /** Final game dates of the part, within the validated range. */
  gameDates: string[];
  /** In the scope run: always for a regular season; for a postseason, when any Phase 3/4 job attempted a date of it. */
  inScope: boolean;
}

export interface LeftOut {
  /** '2021-22 postseason', '2024-25 after 2024-11-29'. */
  what: string;
  /** Its final game dates (0 when its games are not final yet). */
  games: number;
  why: string;
  /** The command that fills it. */
  command: string;
}

export interface BackfillScope {
  parts: ScopePart[];
  leftOut: LeftOut[];
  /** 'regular seasons + 3 postseasons', 'regular seasons only (the original's ranges)'. */
  label: string;
}

export function postseasonCommand(id: string): string {
  return `./runbook/02-phase3.mts --season ${id} --part postseason && ./runbook/03-phase4.mts --season ${id} --part postseason`;
}

export function backfillScope(facts: CoverageFacts, asOf: string): BackfillScope {
  const { range } = facts;
  const attempted = new Set(facts.tables.filter((t) => t.source.phase !== 'phase_2_raw').flatMap((t) => [...t.latest.keys()]));
  const games = [...facts.gameDates].sort();
  const parts: ScopePart[] = [];
  for (const base of SEASONS) {
    const whole = seasonAsOf(base, asOf);
    for (const part of ['regular', 'postseason'] as const) {
      const s = seasonPart(whole, part);
      if (!s) continue;
      const start = s.start > range.start ? s.start : range.start;
      const end = s.end < range.end ? s.end : range.end;
      if (start > end) continue;
      const gameDates = games.filter((d) => d >= start && d <= end);
      const inScope = part === 'regular' || gameDates.some((d) => attempted.has(d));
      parts.push({ title: part === 'regular' ? s.id : `${s.id} postseason`, start, end, season: s, part, gameDates, inScope });
    }
  }
  const leftOut: LeftOut[] = parts.filter((p) => !p.inScope && p.gameDates.length).map((p) => ({
    what: p.title, games: p.gameDates.length,
    why: 'play-in and playoffs are outside the original\'s per-season ranges, and no Phase 3/4 job has run them',
    command: postseasonCommand(p.season.id),
  }));
  const current = SEASONS.find((s) => s.partial);
  if (current && range.start <= asOf && range.end >= asOf && asOf >= current.start) {
    leftOut.push({
      what: `${current.id} after ${asOf}`, games: 0,
      why: 'the season is in progress: its later games are not final on the as-of date',
      command: `./runbook/04-remaining-seasons.mts --seasons ${current.id} --as-of <a later date>`,
    });
  }
  const post = parts.filter((p) => p.part === 'postseason' && p.inScope).length;
  const label = post ? `regular seasons + ${count(post, 'postseason')}` : "regular seasons only (the original's ranges)";
  return { parts, leftOut, label };
}

/** The in-scope parts as ranges (for the re-run plan: a part a job never ran gets its range). */
export function scopeRanges(scope: BackfillScope): TitledRange[] {
  return scope.parts.filter((p) => p.inScope).map(({ title, start, end }) => ({ title, start, end }));
}

/**
 * What the seed needs to know about each season beyond lib/seasons/calendar.ts:
 * the real last day of the partial season, the dates with no games, and the
 * league-wide style of play that year.
 */
import { DEFAULT_AS_OF, SEASONS, type Season } from '../seasons/calendar.ts';

export interface SeasonPlan {
  season: Season;
  /** Last regular-season day, including the part of a partial season still to come. */
  end: string;
  /** The All-Star break: no games on these days (inclusive). */
  allStarBreak: [string, string];
  /** Thanksgiving, Christmas Eve, election days: the league dark. */
  offDays: string[];
  /** Possessions per 48 minutes, league average. */
  pace: number;
  /** Share of field-goal attempts that are threes, league average. */
  threeRate: number;
  /** Share of final games with play-by-play shots: sparse, more in recent seasons. */
  shotShare: number;
  /** A play-in and playoffs follow the regular season. */
  postseason: boolean;
}

/** The as-of date: games on or before it are final, later ones scheduled. */
export const AS_OF = DEFAULT_AS_OF;

const EXTRA: Record<number, Omit<SeasonPlan, 'season' | 'end'> & { end?: string }> = {
  2021: { allStarBreak: ['2022-02-18', '2022-02-23'], offDays: ['2021-11-25', '2021-12-24'], pace: 98.2, threeRate: 0.393, shotShare: 0.06, postseason: true },
  2022: { allStarBreak: ['2023-02-17', '2023-02-22'], offDays: ['2022-11-08', '2022-11-24', '2022-12-24'], pace: 99.2, threeRate: 0.388, shotShare: 0.08, postseason: true },
  2023: { allStarBreak: ['2024-02-16', '2024-02-21'], offDays: ['2023-11-23', '2023-12-24'], pace: 98.6, threeRate: 0.397, shotShare: 0.11, postseason: true },
  2024: { end: '2025-04-13', allStarBreak: ['2025-02-14', '2025-02-19'], offDays: ['2024-11-05', '2024-11-28', '2024-12-24'], pace: 98.8, threeRate: 0.421, shotShare: 0.22, postseason: false },
};

export const SEASON_PLANS: readonly SeasonPlan[] = SEASONS.map((season) => {
  const { end, ...rest } = EXTRA[season.year];
  return { season, end: end ?? season.end, ...rest };
});

export function isFinal(date: string): boolean {
  return date <= AS_OF;
}

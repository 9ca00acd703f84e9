/**
 * Regular-season dates: which days have games, and how many. The NBA packs
 * Wednesdays and Fridays, keeps Thursdays light for national TV, opens with a
 * double-header, plays five on Christmas and aims to end with all 30 teams on the floor.
 */
import { eachDate } from '../seasons/calendar.ts';
import type { Rng } from './rng.ts';
import type { SeasonPlan } from './seasons.ts';

/** Relative game counts, Sunday first (Date.getUTCDay order). */
const WEEKDAY_WEIGHT = [6.5, 7.5, 6.5, 10, 5.5, 9, 7.5];

export interface GameDay {
  date: string;
  /** Index in the season's calendar days, so that consecutive days differ by 1. */
  day: number;
  target: number;
  /** Opening night, Christmas, the last day: counts set by the league, not by the weekday. */
  fixed: boolean;
}

export function gameDays(plan: SeasonPlan, totalGames: number, rng: Rng): GameDay[] {
  const [asbFrom, asbTo] = plan.allStarBreak;
  const dark = new Set(plan.offDays);
  const days = eachDate(plan.season.start, plan.end)
    .map((date, day) => ({ date, day, target: 0, fixed: false }))
    .filter(({ date }) => !dark.has(date) && !(date >= asbFrom && date <= asbTo));

  const fixed = new Map<string, number>([
    [days[0].date, 2],
    [days[1].date, 11],
    [`${plan.season.year}-12-25`, 5],
    [days[days.length - 1].date, 15],
  ]);
  const free = days.filter((d) => !fixed.has(d.date));
  // Some nights are busier than their weekday says (national TV, arena dates).
  const weights = free.map((d) => WEEKDAY_WEIGHT[new Date(`${d.date}T00:00:00Z`).getUTCDay()] * Math.exp(rng.normal(0, 0.3)));
  const left = totalGames - [...fixed.values()].reduce((a, b) => a + b, 0);
  const sum = weights.reduce((a, b) => a + b, 0);
  // Largest remainder, so the targets add up to exactly the season's games.
  const exact = weights.map((w) => (w * left) / sum);
  free.forEach((d, k) => { d.target = Math.floor(exact[k]); });
  let short = left - free.reduce((a, d) => a + d.target, 0);
  const byRemainder = free.map((_, k) => k).sort((a, b) => (exact[b] % 1) - (exact[a] % 1));
  for (const k of byRemainder) {
    if (short-- <= 0) break;
    free[k].target++;
  }
  for (const d of days) {
    d.fixed = fixed.has(d.date);
    d.target = fixed.get(d.date) ?? d.target;
  }
  return days;
}

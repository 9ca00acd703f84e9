/**
 * The Phase 2 dataset: four seasons of schedule, box scores (two sources),
 * props lines and sparse shots, for `scale` independent copies of the league.
 *
 * Building a League is cheap (schedules and rosters, well under a second); rows
 * are produced per date on demand. Every game draws from its own named random
 * stream, so `rowsFor(['2022-01-15'])` on a fresh League equals that date's rows
 * from a full run: what the Phase 2 re-load jobs rely on.
 */
import { playGame } from './boxscores.ts';
import { ODDS_DATES, propRows } from './odds.ts';
import { buildRosters, type SeasonRosters } from './rosters.ts';
import {
  bdlRows, emptyRows, gamebookRows, scheduleRow, teamBoxRows, type Phase2Rows,
} from './rows.ts';
import { buildSchedules, type ScheduledGame, type SeasonSchedule } from './schedule.ts';
import { isFinal, type SeasonPlan } from './seasons.ts';
import { hasPlayByPlay, shotRows } from './shots.ts';

/** Copies of the league: game ids carry the copy in their first two digits. */
export const MAX_SCALE = 99;

export interface GenerateOptions {
  /** k ≥ 1: k independent copies of the league on the same dates (BOS, BOS2, …). */
  scale?: number;
}

export interface League {
  scale: number;
  schedules: SeasonSchedule[];
  /** Every date with a game, final or scheduled, ascending. */
  gameDates: string[];
  /** Dates with final games (on or before the as-of date), ascending. */
  finalDates: string[];
  /** First date with props lines: the last ODDS_DATES final dates have them. */
  oddsFrom: string;
  /** Games per date (copy 0's ids; every copy plays the same schedule). */
  gamesOn(date: string): ScheduledGame[];
  /** All six tables' rows for the given dates. */
  rowsFor(dates: readonly string[]): Phase2Rows;
}

export function checkScale(scale: number): number {
  if (!Number.isInteger(scale) || scale < 1 || scale > MAX_SCALE) {
    throw new RangeError(`scale must be an integer from 1 to ${MAX_SCALE}, not ${scale}`);
  }
  return scale;
}

export function buildLeague(opts: GenerateOptions = {}): League {
  const scale = checkScale(opts.scale ?? 1);
  const schedules = buildSchedules();
  const rosters: Map<number, SeasonRosters>[] = Array.from({ length: scale }, (_, copy) => buildRosters(schedules, copy));
  const byDate = new Map<string, { game: ScheduledGame; plan: SeasonPlan }[]>();
  for (const s of schedules) {
    for (const game of s.games) {
      const list = byDate.get(game.date) ?? [];
      list.push({ game, plan: s.plan });
      byDate.set(game.date, list);
    }
  }
  const gameDates = [...byDate.keys()].sort();
  const finalDates = gameDates.filter(isFinal);
  const oddsFrom = finalDates[Math.max(0, finalDates.length - ODDS_DATES)];

  const rowsFor = (dates: readonly string[]): Phase2Rows => {
    const out = emptyRows();
    for (const date of dates) {
      for (const { game, plan } of byDate.get(date) ?? []) {
        for (let copy = 0; copy < scale; copy++) {
          if (!isFinal(date)) {
            out.nbac_schedule.push(scheduleRow(game, copy, null));
            continue;
          }
          const result = playGame(game, copy, rosters[copy].get(game.seasonYear)!, plan);
          out.nbac_schedule.push(scheduleRow(game, copy, result));
          out.nbac_team_boxscore.push(...teamBoxRows(result));
          out.nbac_gamebook_player_stats.push(...gamebookRows(result));
          out.bdl_player_boxscores.push(...bdlRows(result));
          if (date >= oddsFrom) out.odds_api_player_points_props.push(...propRows(result));
          if (hasPlayByPlay(result, plan)) out.nbac_play_by_play_shots.push(...shotRows(result));
        }
      }
    }
    return out;
  };

  return {
    scale, schedules, gameDates, finalDates, oddsFrom,
    gamesOn: (date) => (byDate.get(date) ?? []).map((g) => g.game),
    rowsFor,
  };
}

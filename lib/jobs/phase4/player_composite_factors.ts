/**
 * Phase 4, third: the situational factors for each player's game, and how many
 * points each is worth against his season baseline. Every part is its own
 * column so an analyst can see why a projection moved:
 *
 *   baseline            = season average points before the game
 *   fatigue_score       = 40·[back-to-back] + 30·min(1, minutes_last_3_days/72)
 *                         + 30·min(1, minutes_last_7_days/144)          (0–100)
 *   fatigue_adjustment  = −0.08 · baseline · fatigue_score/100   (at most −8 %)
 *   zone_matchup_score  = Σ_zone his share of shots there × opponent's FG%
 *                         allowed there minus the league's (pp); NULL without
 *                         play-by-play on either side
 *   matchup_adjustment  = baseline · zone_matchup_score/50  (1 pp ≈ 2 % of points
 *                         at ~50 % shooting); 0 when the score is NULL
 *   pace_diff           = opponent's pace − his team's pace, last 10 games each
 *   pace_adjustment     = baseline · pace_diff / (2 · team pace): the game's
 *                         pace is about the mean of the two teams'
 *   usage_change        = usage rate last 5 − season
 *   usage_adjustment    = baseline · 0.5 · usage_change / season usage: half of a
 *                         recent role change is assumed to persist
 *   composite_adjustment = the sum of the four; projected_points = baseline + it
 */
import { onDates } from '../dates.ts';
import type { ProcessorDef } from '../types.ts';
import { PLAYER_COMPOSITE_FACTORS } from './tables.ts';
import {
  PLAYER_WINDOW_DAYS, PLAYER_WINDOW_GAMES, SEASON_LOOKBACK_DAYS, SHORT_WINDOW_GAMES,
  completeness, insertHeader, lastGamesAvg, orderedAvg, overLastGames, playerCoverageCtes, rosterCtes, selectList, tableRef, teamDatesCte,
  teamRecentGamesCtes, unnestDaysBefore,
} from './sql.ts';

/** Team pace is averaged over this many games before the date. */
const PACE_WINDOW_GAMES = 10;
/** games_last_7_days and minutes_last_7_days (minutes_last_3_days: the last 3 of them). */
const RECENT_DAYS = 7;
const ZONES = ['paint', 'mid_range', 'three'] as const;

/** His minutes on the n days before the date, from player_recent_days' rows `d`, in days_ago order. */
function minutesOnDays(n: number): string {
  return Array.from({ length: n }, (_, i) => `COALESCE(SUM(CASE WHEN d.days_ago = ${i + 1} THEN d.minutes END), 0)`).join('\n      + ');
}

/**
 * A row: one player's game on game_date (players on the current roster of a
 * team playing that date), with fatigue, matchup, pace and usage factors from
 * games before the date and the two earlier Phase 4 tables of the same date.
 */
function insertSql(project: string): string {
  const offense = tableRef(project, 'nba_analytics.team_offense_game_summary');
  const shotZones = tableRef(project, 'nba_precompute.player_shot_zone_analysis');
  const defenseZones = tableRef(project, 'nba_precompute.team_defense_zone_analysis');
  const matchupParts = ZONES.map((z) => `z.${z}_rate_last_10 * o.${z}_fg_pct_vs_league_pp AS ${z}_matchup`).join(',\n    ');
  const allPartsNull = ZONES.map((z) => `${z}_matchup IS NULL`).join(' AND ');
  const partsSum = ZONES.map((z) => `COALESCE(${z}_matchup, 0)`).join(' + ');
  return `${insertHeader(project, PLAYER_COMPOSITE_FACTORS)}
WITH
${teamDatesCte(project)},
${rosterCtes(project, ['points', 'usage_rate'], {
    games_in_sample: `COUNT(*) ${overLastGames(PLAYER_WINDOW_GAMES)}`,
    usage_rate_last_5: lastGamesAvg('usage_rate', SHORT_WINDOW_GAMES),
  })},
${playerCoverageCtes(project, PLAYER_WINDOW_GAMES)},
-- His games on each of the ${RECENT_DAYS} days before the date (days_ago 1 = the day before),
-- found by date with an equi-join; minutes added in days_ago order (see orderedAvg).
player_recent_days AS (
  SELECT d.as_of_date, d.player_lookup,
    COUNT(*) AS games_last_7_days,
    ${minutesOnDays(3)} AS minutes_last_3_days,
    ${minutesOnDays(RECENT_DAYS)} AS minutes_last_7_days
  FROM (
    SELECT r.as_of_date, r.player_lookup, DATE_DIFF(r.as_of_date, g.game_date, DAY) AS days_ago, g.minutes
    FROM roster AS r
    CROSS JOIN ${unnestDaysBefore('r.as_of_date', RECENT_DAYS, 'day_before')}
    JOIN player_log AS g
      ON g.player_lookup = r.player_lookup AND g.season_year = r.season_year AND g.game_date = day_before
  ) AS d
  GROUP BY d.as_of_date, d.player_lookup
),
${teamRecentGamesCtes('pace', offense, ['game_id', 'pace'], PACE_WINDOW_GAMES)},
team_pace AS (
  SELECT g.as_of_date, g.team_abbr, ${orderedAvg('g', 'pace', PACE_WINDOW_GAMES)} AS pace_last_10
  FROM pace_games AS g
  GROUP BY g.as_of_date, g.team_abbr
),
inputs AS (
  SELECT r.as_of_date, r.game_id, r.season_year, r.player_lookup, r.team_abbr, r.opponent_abbr, r.is_home,
    r.games_in_sample, COALESCE(pc.games_present, 0) AS games_present, r.points_avg_season AS baseline, r.usage_rate_last_5, r.usage_rate_avg_season AS usage_rate_season,
    COALESCE(rd.games_last_7_days, 0) AS games_last_7_days,
    COALESCE(rd.minutes_last_3_days, 0) AS minutes_last_3_days,
    COALESCE(rd.minutes_last_7_days, 0) AS minutes_last_7_days,
    DATE_DIFF(r.as_of_date, r.last_game_date, DAY) - 1 AS days_rest,
    r.last_game_date = DATE_SUB(r.as_of_date, INTERVAL 1 DAY) AS is_back_to_back,
    tp.pace_last_10 AS team_pace, op.pace_last_10 AS opponent_pace,
    ${matchupParts}
  FROM roster AS r
  LEFT JOIN player_coverage AS pc ON pc.as_of_date = r.as_of_date AND pc.player_lookup = r.player_lookup
  LEFT JOIN player_recent_days AS rd ON rd.as_of_date = r.as_of_date AND rd.player_lookup = r.player_lookup
  LEFT JOIN team_pace AS tp ON tp.as_of_date = r.as_of_date AND tp.team_abbr = r.team_abbr
  LEFT JOIN team_pace AS op ON op.as_of_date = r.as_of_date AND op.team_abbr = r.opponent_abbr
  LEFT JOIN (SELECT * FROM ${shotZones} WHERE ${onDates('analysis_date')}) AS z
    ON z.analysis_date = r.as_of_date AND z.player_lookup = r.player_lookup
  LEFT JOIN (SELECT * FROM ${defenseZones} WHERE ${onDates('analysis_date')}) AS o
    ON o.analysis_date = r.as_of_date AND o.team_abbr = r.opponent_abbr
),
factors AS (
  SELECT i.*,
    CASE WHEN is_back_to_back THEN 40 ELSE 0 END
      + 30 * LEAST(1.0, minutes_last_3_days / 72)
      + 30 * LEAST(1.0, minutes_last_7_days / 144) AS fatigue_score,
    CASE WHEN ${allPartsNull} THEN NULL ELSE ${partsSum} END AS zone_matchup_score,
    opponent_pace - team_pace AS pace_diff,
    usage_rate_last_5 - usage_rate_season AS usage_change
  FROM inputs AS i
),
adjustments AS (
  SELECT f.*,
    -0.08 * baseline * fatigue_score / 100 AS fatigue_adjustment,
    baseline * COALESCE(zone_matchup_score, 0) / 50 AS matchup_adjustment,
    baseline * COALESCE(SAFE_DIVIDE(pace_diff, 2 * team_pace), 0) AS pace_adjustment,
    baseline * 0.5 * COALESCE(SAFE_DIVIDE(usage_change, usage_rate_season), 0) AS usage_adjustment
  FROM factors AS f
)
SELECT
  ${selectList(PLAYER_COMPOSITE_FACTORS, {
    game_date: 'a.as_of_date',
    game_id: 'a.game_id',
    season_year: 'a.season_year',
    player_lookup: 'a.player_lookup',
    team_abbr: 'a.team_abbr',
    opponent_abbr: 'a.opponent_abbr',
    is_home: 'a.is_home',
    baseline_points: 'a.baseline',
    days_rest: 'a.days_rest',
    is_back_to_back: 'a.is_back_to_back',
    games_last_7_days: 'a.games_last_7_days',
    minutes_last_3_days: 'a.minutes_last_3_days',
    minutes_last_7_days: 'a.minutes_last_7_days',
    fatigue_score: 'a.fatigue_score',
    zone_matchup_score: 'a.zone_matchup_score',
    team_pace_last_10: 'a.team_pace',
    opponent_pace_last_10: 'a.opponent_pace',
    pace_diff: 'a.pace_diff',
    usage_rate_last_5: 'a.usage_rate_last_5',
    usage_rate_season: 'a.usage_rate_season',
    usage_change: 'a.usage_change',
    fatigue_adjustment: 'a.fatigue_adjustment',
    matchup_adjustment: 'a.matchup_adjustment',
    pace_adjustment: 'a.pace_adjustment',
    usage_adjustment: 'a.usage_adjustment',
    composite_adjustment: 'a.fatigue_adjustment + a.matchup_adjustment + a.pace_adjustment + a.usage_adjustment',
    projected_points: 'a.baseline + a.fatigue_adjustment + a.matchup_adjustment + a.pace_adjustment + a.usage_adjustment',
    games_in_sample: 'a.games_in_sample',
    completeness_pct: completeness('a.games_present', PLAYER_WINDOW_GAMES),
  })}
FROM adjustments AS a`;
}

export const playerCompositeFactors: ProcessorDef = {
  job: 'precompute/player_composite_factors',
  processorName: 'PlayerCompositeFactorsProcessor',
  phase: 'phase_4_precompute',
  order: 3,
  output: PLAYER_COMPOSITE_FACTORS,
  dependencies: [
    { table: 'nba_precompute.team_defense_zone_analysis', dateColumn: 'analysis_date', lookbackDays: 0, required: true },
    { table: 'nba_precompute.player_shot_zone_analysis', dateColumn: 'analysis_date', lookbackDays: 0, required: true },
    { table: 'nba_raw.nbac_schedule', dateColumn: 'game_date', lookbackDays: 0, required: true },
    { table: 'nba_analytics.player_game_summary', dateColumn: 'game_date', lookbackDays: SEASON_LOOKBACK_DAYS, required: true },
    { table: 'nba_analytics.team_offense_game_summary', dateColumn: 'game_date', lookbackDays: PLAYER_WINDOW_DAYS, required: true },
    // Inactive and DNP players are recorded here: a game he sat out still counts as data (completeness_pct).
    { table: 'nba_raw.nbac_gamebook_player_stats', dateColumn: 'game_date', lookbackDays: PLAYER_WINDOW_DAYS, required: false },
  ],
  description: 'Per player game: fatigue, zone matchup, pace and usage factors, and the composite points adjustment',
  insertSql,
};

/**
 * Phase 4, first: each team's defence over its last 15 games, overall (box
 * score) and by shot zone (play-by-play, where the games have it).
 */
import type { ProcessorDef } from '../types.ts';
import { TEAM_DEFENSE_ZONE_ANALYSIS } from './tables.ts';
import {
  SEASON_LOOKBACK_DAYS, TEAM_WINDOW_DAYS, TEAM_WINDOW_GAMES,
  completeness, historyBounds, historyScope, insertHeader, orderedAvg, selectList, tableRef, teamDatesCte, teamRecentGamesCtes, teamWindowCtes,
} from './sql.ts';

const ZONES = ['paint', 'mid_range', 'three'] as const;

/** Attempts and makes per zone, as aggregates over a shots table aliased `s`. */
function zoneCounts(): string {
  return ZONES.map((z) =>
    `COUNTIF(s.shot_zone = '${z}') AS ${z}_att, COUNTIF(s.shot_zone = '${z}' AND s.shot_made) AS ${z}_made`,
  ).join(',\n    ');
}

/**
 * Zone columns from the window's sums (`w`) and the league's (`l`); NULL without
 * play-by-play, because SUM over no rows is NULL and SAFE_DIVIDE keeps it.
 */
function zoneColumns(): Record<string, string> {
  const fgPct = (z: string) => `SAFE_DIVIDE(w.${z}_made, w.${z}_att)`;
  const leaguePct = (z: string) => `SAFE_DIVIDE(l.${z}_made, l.${z}_att)`;
  const totalAtt = ZONES.map((z) => `w.${z}_att`).join(' + ');
  const out: Record<string, string> = {};
  for (const z of ZONES) {
    out[`${z}_share_allowed`] = `SAFE_DIVIDE(w.${z}_att, ${totalAtt})`;
    out[`${z}_fg_pct_allowed`] = fgPct(z);
    out[`${z}_fg_pct_vs_league_pp`] = `100 * (${fgPct(z)} - ${leaguePct(z)})`;
  }
  return out;
}

/**
 * A row: one team on one of its game dates (analysis_date), with its defence
 * over its last 15 games this season before that date. Zone columns come from
 * the opponents' play-by-play shots in those games and are NULL when none of
 * them has play-by-play; the league comparison is season-to-date before the date.
 */
function insertSql(project: string): string {
  const shots = tableRef(project, 'nba_raw.nbac_play_by_play_shots');
  const schedule = tableRef(project, 'nba_raw.nbac_schedule');
  const defense = tableRef(project, 'nba_analytics.team_defense_game_summary');
  /** Attempts and makes per zone summed over rows aliased `alias`. */
  const zoneSums = (alias: string) => ZONES.map((z) => `SUM(${alias}.${z}_att) AS ${z}_att, SUM(${alias}.${z}_made) AS ${z}_made`).join(',\n    ');
  const runningSums = ZONES.map((z) => `SUM(${z}_att) OVER season_so_far AS ${z}_att, SUM(${z}_made) OVER season_so_far AS ${z}_made`).join(',\n    ');
  const zoneShotColumns: Record<string, string> = {
    zone_game_id: 'z.game_id',
    ...Object.fromEntries(ZONES.flatMap((z) => [[`${z}_att`, `z.${z}_att`], [`${z}_made`, `z.${z}_made`]])),
  };
  const defenseColumns = [
    'game_id', 'opponent_abbr', 'points_allowed', 'defensive_rating', 'pace',
    'opp_fg_made', 'opp_fg_attempted', 'opp_fg3_made', 'opp_fg3_attempted',
  ];
  return `${insertHeader(project, TEAM_DEFENSE_ZONE_ANALYSIS)}
WITH
${teamDatesCte(project)},
-- Shots per game and shooting team, by zone: only games with play-by-play appear.
game_zone_shots AS (
  SELECT s.game_id, s.team_abbr AS shooting_team, sch.game_date, sch.season_year,
    ${zoneCounts()}
  FROM ${shots} AS s
  JOIN ${schedule} AS sch ON sch.game_id = s.game_id
  WHERE ${historyScope('sch')} AND ${historyBounds('s.game_date')}
  GROUP BY s.game_id, s.team_abbr, sch.game_date, sch.season_year
),
-- Each playing team's last 15 games this season before the date (defense_games), with the
-- opponent's zone shots in each, joined onto its log once per game (one row or none).
${teamRecentGamesCtes('defense', defense, defenseColumns, TEAM_WINDOW_GAMES,
    'LEFT JOIN game_zone_shots AS z ON z.game_id = t.game_id AND z.shooting_team = t.opponent_abbr', zoneShotColumns)},
-- completeness_pct: of the team's last 15 final games (schedule), those its Phase 3 defence row exists for.
${teamWindowCtes(project, TEAM_WINDOW_GAMES)},
defense_coverage AS (
  SELECT tw.as_of_date, tw.team_abbr, COUNT(d.game_id) AS games_present
  FROM team_window AS tw
  LEFT JOIN defense_log AS d ON d.team_abbr = tw.team_abbr AND d.game_id = tw.game_id
  GROUP BY tw.as_of_date, tw.team_abbr
),
defense_window AS (
  SELECT g.as_of_date AS analysis_date, g.team_abbr,
    COUNT(*) AS games_in_sample,
    AVG(g.points_allowed) AS points_allowed_avg,
    ${orderedAvg('g', 'defensive_rating', TEAM_WINDOW_GAMES)} AS defensive_rating_avg,
    ${orderedAvg('g', 'pace', TEAM_WINDOW_GAMES)} AS pace_avg,
    SAFE_DIVIDE(SUM(g.opp_fg_made), SUM(g.opp_fg_attempted)) AS opp_fg_pct,
    SAFE_DIVIDE(SUM(g.opp_fg3_made), SUM(g.opp_fg3_attempted)) AS opp_fg3_pct,
    COUNT(g.zone_game_id) AS games_with_shot_data,
    ${zoneSums('g')}
  FROM defense_games AS g
  GROUP BY g.as_of_date, g.team_abbr
),
-- League shooting by zone this season before each date: the baseline a defence is
-- judged against. Running sums per day with shots; a date takes its latest day before it.
league_days AS (
  SELECT season_year, game_date,
    LEAD(game_date) OVER (PARTITION BY season_year ORDER BY game_date) AS next_game_date,
    ${runningSums}
  FROM (
    SELECT z.season_year, z.game_date,
      ${zoneSums('z')}
    FROM game_zone_shots AS z
    GROUP BY z.season_year, z.game_date
  ) AS daily
  WINDOW season_so_far AS (PARTITION BY season_year ORDER BY game_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
league_zones AS (
  SELECT d.analysis_date, ${ZONES.map((z) => `l.${z}_att, l.${z}_made`).join(', ')}
  FROM (SELECT DISTINCT game_date AS analysis_date, season_year FROM team_dates) AS d
  JOIN league_days AS l
    ON l.season_year = d.season_year AND l.game_date < d.analysis_date
    AND COALESCE(l.next_game_date, DATE '9999-12-31') >= d.analysis_date
)
SELECT
  ${selectList(TEAM_DEFENSE_ZONE_ANALYSIS, {
    analysis_date: 'td.game_date',
    season_year: 'td.season_year',
    team_abbr: 'td.team_abbr',
    game_id: 'td.game_id',
    opponent_abbr: 'td.opponent_abbr',
    games_in_sample: 'COALESCE(w.games_in_sample, 0)',
    points_allowed_avg_last_15: 'w.points_allowed_avg',
    defensive_rating_avg_last_15: 'w.defensive_rating_avg',
    pace_avg_last_15: 'w.pace_avg',
    opp_fg_pct_allowed_last_15: 'w.opp_fg_pct',
    opp_fg3_pct_allowed_last_15: 'w.opp_fg3_pct',
    games_with_shot_data: 'COALESCE(w.games_with_shot_data, 0)',
    ...zoneColumns(),
    completeness_pct: completeness('COALESCE(dc.games_present, 0)', TEAM_WINDOW_GAMES),
  })}
FROM team_dates AS td
LEFT JOIN defense_window AS w ON w.analysis_date = td.game_date AND w.team_abbr = td.team_abbr
LEFT JOIN league_zones AS l ON l.analysis_date = td.game_date
LEFT JOIN defense_coverage AS dc ON dc.as_of_date = td.game_date AND dc.team_abbr = td.team_abbr`;
}

export const teamDefenseZoneAnalysis: ProcessorDef = {
  job: 'precompute/team_defense_zone_analysis',
  processorName: 'TeamDefenseZoneAnalysisProcessor',
  phase: 'phase_4_precompute',
  order: 1,
  output: TEAM_DEFENSE_ZONE_ANALYSIS,
  dependencies: [
    { table: 'nba_raw.nbac_schedule', dateColumn: 'game_date', lookbackDays: 0, required: true },
    { table: 'nba_analytics.team_defense_game_summary', dateColumn: 'game_date', lookbackDays: TEAM_WINDOW_DAYS, required: true },
    // Sparse by nature: without it the zone columns are NULL, the rest stands.
    { table: 'nba_raw.nbac_play_by_play_shots', dateColumn: 'game_date', lookbackDays: SEASON_LOOKBACK_DAYS, required: false },
  ],
  description: 'Team defence over the last 15 games: points allowed, rating, opponent shooting by zone',
  insertSql,
};

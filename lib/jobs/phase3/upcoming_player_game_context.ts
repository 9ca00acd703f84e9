import type { ProcessorDef } from '../types.ts';
import { UPCOMING_PLAYER_GAME_CONTEXT } from './tables.ts';
import { playerGamesCtes } from './player_games.ts';
import { SEASON_LOOKBACK_DAYS, finalGamesCte, gameDateBounds, insertStatement, orderedAvg, raw, unnestBack } from './sql.ts';

/** The most recent games the form figures read (last 5 and last 10). */
const FORM_GAMES = 10;

/**
 * A row: one player with a points prop line for one final game: the consensus
 * line and his form going in (last-N averages, games played, rest), from his game
 * log this season strictly before that game. The log is the one
 * player_game_summary writes (gamebook, bdl filling gaps), read from Phase 2
 * because Phase 3 jobs run in parallel.
 */
function insertSql(project: string): string {
  return insertStatement(project, UPCOMING_PLAYER_GAME_CONTEXT, {
    ctes: [
      finalGamesCte(project, 'seasons_of_dates'),
      ...playerGamesCtes(project, 'seasons_of_dates'),
      `bookmaker_lines AS (
  -- Each bookmaker's latest line for the player and game.
  SELECT
    o.game_id, o.player_lookup, o.team_abbr, o.bookmaker, o.points_line,
    ROW_NUMBER() OVER (PARTITION BY o.game_id, o.player_lookup, o.bookmaker ORDER BY o.snapshot_timestamp DESC) AS newest
  FROM ${raw(project, 'odds_api_player_points_props')} o
  JOIN final_games f ON f.game_id = o.game_id
  WHERE f.game_date IN UNNEST(@dates) AND ${gameDateBounds('o.game_date', 'dates')} AND o.points_line IS NOT NULL
)`,
      `ranked_lines AS (
  SELECT
    game_id, player_lookup, team_abbr, points_line,
    ROW_NUMBER() OVER (PARTITION BY game_id, player_lookup ORDER BY points_line) AS line_rank,
    COUNT(*) OVER (PARTITION BY game_id, player_lookup) AS line_count
  FROM bookmaker_lines
  WHERE newest = 1
)`,
      `prop_lines AS (
  -- The median as the mean of the middle one or two lines (2·rank within [n, n + 2]):
  -- PERCENTILE_CONT is analytic-only on BigQuery and has no DuckDB translation.
  SELECT
    game_id, player_lookup,
    MAX(team_abbr) AS odds_team_abbr,
    AVG(CASE WHEN 2 * line_rank BETWEEN line_count AND line_count + 2 THEN points_line END) AS points_line,
    MAX(line_count) AS bookmaker_count
  FROM ranked_lines
  GROUP BY game_id, player_lookup
)`,
      `targets AS (
  -- The player's team: the props feed's, when it is one of the game's teams; else his box-score line's.
  SELECT
    l.game_id, f.game_date, f.season_year, f.home_team_abbr, f.away_team_abbr, l.player_lookup,
    l.points_line, l.bookmaker_count,
    CASE WHEN l.odds_team_abbr IN (f.home_team_abbr, f.away_team_abbr) THEN l.odds_team_abbr ELSE played.team_abbr END AS team_abbr
  FROM prop_lines l
  JOIN final_games f ON f.game_id = l.game_id
  LEFT JOIN player_games played ON played.game_id = l.game_id AND played.player_lookup = l.player_lookup
)`,
      `history_log AS (
  -- Each player's games this season, numbered oldest first, with the date of his next one.
  SELECT
    h.player_lookup, h.season_year, h.game_id, h.game_date, h.points, h.minutes,
    ROW_NUMBER() OVER (PARTITION BY h.player_lookup, h.season_year ORDER BY h.game_date, h.game_id) AS game_index,
    LEAD(h.game_date) OVER (PARTITION BY h.player_lookup, h.season_year ORDER BY h.game_date, h.game_id) AS next_game_date
  FROM player_games h
)`,
      `latest AS (
  -- His latest game this season strictly before the target game's date: its number is
  -- the games he has played so far, and the last N are the N numbers up to it.
  SELECT t.game_id, t.player_lookup, l.season_year, l.game_index, l.game_date
  FROM targets t
  JOIN history_log l
    ON l.player_lookup = t.player_lookup AND l.season_year = t.season_year
    AND l.game_date < t.game_date AND COALESCE(l.next_game_date, DATE '9999-12-31') >= t.game_date
)`,
      `history AS (
  -- The player's last ${FORM_GAMES} games this season strictly before the target game, newest first.
  SELECT lt.game_id, lt.player_lookup, lt.game_index - h.game_index + 1 AS games_ago, h.points, h.minutes
  FROM latest lt
  CROSS JOIN ${unnestBack('lt.game_index', Array.from({ length: FORM_GAMES }, (_, i) => i), 'wanted_index')}
  JOIN history_log h
    ON h.player_lookup = lt.player_lookup AND h.season_year = lt.season_year AND h.game_index = wanted_index
)`,
      `form AS (
  SELECT
    lt.game_id, lt.player_lookup,
    AVG(CASE WHEN h.games_ago <= 5 THEN h.points END) AS avg_points_last_5,
    AVG(CASE WHEN h.games_ago <= 10 THEN h.points END) AS avg_points_last_10,
    ${orderedAvg('h', 'minutes', 5)} AS avg_minutes_last_5,
    lt.game_index AS games_played_season,
    lt.game_date AS last_game_date
  FROM latest lt
  JOIN history h ON h.game_id = lt.game_id AND h.player_lookup = lt.player_lookup
  GROUP BY lt.game_id, lt.player_lookup, lt.game_index, lt.game_date
)`,
    ],
    select: {
      game_id: 't.game_id',
      game_date: 't.game_date',
      season_year: 't.season_year',
      player_lookup: 't.player_lookup',
      team_abbr: 't.team_abbr',
      opponent_abbr: 'CASE t.team_abbr WHEN t.home_team_abbr THEN t.away_team_abbr WHEN t.away_team_abbr THEN t.home_team_abbr END',
      is_home: 'CASE t.team_abbr WHEN t.home_team_abbr THEN TRUE WHEN t.away_team_abbr THEN FALSE END',
      points_line: 't.points_line',
      bookmaker_count: 't.bookmaker_count',
      avg_points_last_5: 'fm.avg_points_last_5',
      avg_points_last_10: 'fm.avg_points_last_10',
      avg_minutes_last_5: 'fm.avg_minutes_last_5',
      games_played_season: 'COALESCE(fm.games_played_season, 0)',
      days_rest: 'DATE_DIFF(t.game_date, fm.last_game_date, DAY) - 1',
      is_back_to_back: 'COALESCE(DATE_DIFF(t.game_date, fm.last_game_date, DAY) = 1, FALSE)',
      processed_at: 'CURRENT_TIMESTAMP()',
    },
    from: `FROM targets t
LEFT JOIN form fm ON fm.game_id = t.game_id AND fm.player_lookup = t.player_lookup`,
  });
}

export const upcomingPlayerGameContextProcessor: ProcessorDef = {
  job: 'analytics/upcoming_player_game_context',
  processorName: 'UpcomingPlayerGameContextProcessor',
  phase: 'phase_3_analytics',
  output: UPCOMING_PLAYER_GAME_CONTEXT,
  description: 'One row per player with a points line per game: median line, bookmakers, recent form, games played, rest.',
  dependencies: [
    { table: 'nba_raw.nbac_schedule', dateColumn: 'game_date', lookbackDays: SEASON_LOOKBACK_DAYS, required: true },
    { table: 'nba_raw.odds_api_player_points_props', dateColumn: 'game_date', lookbackDays: 0, required: true },
    // History only (the season so far): early in a season there is little or none, which is not an error.
    { table: 'nba_raw.nbac_gamebook_player_stats', dateColumn: 'game_date', lookbackDays: SEASON_LOOKBACK_DAYS, required: false },
    { table: 'nba_raw.bdl_player_boxscores', dateColumn: 'game_date', lookbackDays: SEASON_LOOKBACK_DAYS, required: false },
  ],
  insertSql,
};

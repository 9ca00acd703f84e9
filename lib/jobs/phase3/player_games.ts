/**
 * The player game log both player jobs read: one row per player per final game
 * played (minutes > 0). The gamebook is primary; the second source (bdl) fills the
 * players, or whole dates, the gamebook lacks. Shared so that player_game_summary
 * and the last-N figures of upcoming_player_game_context count the same games.
 */
import { gameDateBounds, raw, type GameScope } from './sql.ts';

export const GAMEBOOK_SOURCE = 'nbac_gamebook';
export const BDL_SOURCE = 'bdl_boxscores';

/**
 * bdl minutes are 'MM:SS' text (sometimes bare 'MM', or blank for no time):
 * decimal minutes, NULL when blank. Written with STRPOS/SUBSTR because BigQuery's
 * SPLIT(…)[OFFSET(n)] has no DuckDB translation.
 */
export function bdlMinutes(column: string): string {
  const colon = `STRPOS(${column}, ':')`;
  return `CASE
      WHEN ${colon} > 0 THEN
        CAST(NULLIF(TRIM(SUBSTR(${column}, 1, ${colon} - 1)), '') AS FLOAT64)
        + CAST(NULLIF(TRIM(SUBSTR(${column}, ${colon} + 1)), '') AS FLOAT64) / 60
      ELSE CAST(NULLIF(TRIM(${column}), '') AS FLOAT64)
    END`;
}

/**
 * CTEs `gamebook_lines`, `bdl_lines` and `player_games`, over the games of a
 * `final_games` CTE defined before them. player_games carries the schedule's
 * game_date, season_year and home/away teams beside each box-score line, in one
 * vocabulary (the gamebook's fg2 + fg3 become fg_made/fg_attempted).
 */
export function playerGamesCtes(project: string, scope: GameScope): string[] {
  const gamebook = raw(project, 'nbac_gamebook_player_stats');
  const bdl = raw(project, 'bdl_player_boxscores');
  return [
    `gamebook_lines AS (
  SELECT
    g.game_id, g.player_lookup, g.player_name, g.team_abbr, g.starter, g.minutes, g.points,
    g.fg2_made + g.fg3_made AS fg_made, g.fg2_attempted + g.fg3_attempted AS fg_attempted,
    g.fg3_made, g.fg3_attempted, g.ft_made, g.ft_attempted,
    g.offensive_rebounds, g.defensive_rebounds, g.offensive_rebounds + g.defensive_rebounds AS rebounds,
    g.assists, g.steals, g.blocks, g.turnovers, g.personal_fouls, g.plus_minus,
    '${GAMEBOOK_SOURCE}' AS primary_source
  FROM ${gamebook} g
  JOIN final_games f ON f.game_id = g.game_id
  WHERE g.player_status = 'active' AND ${gameDateBounds('g.game_date', scope)}
)`,
    `bdl_lines AS (
  -- Only players the gamebook does not list at all for the game: when it lists one
  -- as inactive or DNP, that is the answer, whatever bdl says.
  SELECT
    b.game_id, b.player_lookup, CAST(NULL AS STRING) AS player_name, b.team_abbr, CAST(NULL AS BOOL) AS starter,
    ${bdlMinutes('b.minutes')} AS minutes,
    b.points, b.fgm AS fg_made, b.fga AS fg_attempted,
    b.fg3m AS fg3_made, b.fg3a AS fg3_attempted, b.ftm AS ft_made, b.fta AS ft_attempted,
    b.oreb AS offensive_rebounds, b.dreb AS defensive_rebounds, COALESCE(b.reb, b.oreb + b.dreb) AS rebounds,
    b.ast AS assists, b.stl AS steals, b.blk AS blocks, b.turnover AS turnovers, b.pf AS personal_fouls,
    CAST(NULL AS INT64) AS plus_minus,
    '${BDL_SOURCE}' AS primary_source
  FROM ${bdl} b
  JOIN final_games f ON f.game_id = b.game_id
  LEFT JOIN (SELECT game_id, player_lookup FROM ${gamebook} WHERE ${gameDateBounds('game_date', scope)}) listed
    ON listed.game_id = b.game_id AND listed.player_lookup = b.player_lookup
  WHERE listed.player_lookup IS NULL AND ${gameDateBounds('b.game_date', scope)}
)`,
    `player_games AS (
  SELECT f.game_date, f.season_year, f.home_team_abbr, f.away_team_abbr, l.*
  FROM (
    SELECT * FROM gamebook_lines
    UNION ALL
    SELECT * FROM bdl_lines
  ) l
  JOIN final_games f ON f.game_id = l.game_id
  WHERE l.minutes > 0
)`,
  ];
}

/**
 * What the two team summaries share: each team's box score for a final game beside
 * its opponent's, in one vocabulary (fg2 + fg3 → fg_made/fg_attempted; the
 * opponent's columns prefixed opp_).
 */
import { finalGamesCte, gameDateBounds, raw } from './sql.ts';

const BOX_COLUMNS = [
  'minutes', 'points', 'fg_made', 'fg_attempted', 'fg3_made', 'fg3_attempted', 'ft_made', 'ft_attempted',
  'offensive_rebounds', 'defensive_rebounds', 'assists', 'steals', 'blocks', 'turnovers', 'personal_fouls',
] as const;

/** One box-score column of nbac_team_boxscore alias `t`, in the shared vocabulary. */
function boxColumn(t: string, column: (typeof BOX_COLUMNS)[number]): string {
  if (column === 'fg_made') return `${t}.fg2_made + ${t}.fg3_made`;
  if (column === 'fg_attempted') return `${t}.fg2_attempted + ${t}.fg3_attempted`;
  return `${t}.${column}`;
}

/**
 * CTEs `final_games` (the @dates) and `team_box_pairs`: one row per team per final
 * game on @dates that has both teams' box scores.
 */
export function teamBoxPairsCtes(project: string): string[] {
  const box = raw(project, 'nbac_team_boxscore');
  const own = BOX_COLUMNS.map((c) => `${boxColumn('t', c)} AS ${c}`).join(',\n    ');
  const theirs = BOX_COLUMNS.map((c) => `${boxColumn('o', c)} AS opp_${c}`).join(',\n    ');
  return [
    finalGamesCte(project, 'dates'),
    `team_box_pairs AS (
  SELECT
    t.game_id, f.game_date, f.season_year, t.team_abbr, o.team_abbr AS opponent_abbr,
    t.team_abbr = f.home_team_abbr AS is_home,
    -- The schedule says; else read it off the team minutes (240, +25 per overtime).
    COALESCE(f.overtime_periods, CAST((t.minutes - 240) / 25 AS INT64)) AS overtime_periods,
    ${own},
    ${theirs}
  FROM ${box} t
  JOIN final_games f ON f.game_id = t.game_id
  JOIN (SELECT * FROM ${box} WHERE ${gameDateBounds('game_date', 'dates')}) o ON o.game_id = t.game_id AND o.team_abbr <> t.team_abbr
  WHERE ${gameDateBounds('t.game_date', 'dates')}
)`,
  ];
}

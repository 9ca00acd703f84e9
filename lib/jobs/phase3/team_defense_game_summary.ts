import type { ProcessorDef } from '../types.ts';
import { TEAM_DEFENSE_GAME_SUMMARY } from './tables.ts';
import { teamBoxPairsCtes } from './team_box.ts';
import { effectiveFgPct, insertStatement, possessions } from './sql.ts';

/**
 * A row: one team's defence in one final game: what its opponent scored and shot,
 * per the opponent's possessions, beside the team's own defensive counts.
 */
function insertSql(project: string): string {
  const oppPossessions = possessions('opp_');
  return insertStatement(project, TEAM_DEFENSE_GAME_SUMMARY, {
    ctes: teamBoxPairsCtes(project),
    select: {
      game_id: 'game_id',
      game_date: 'game_date',
      season_year: 'season_year',
      team_abbr: 'team_abbr',
      opponent_abbr: 'opponent_abbr',
      is_home: 'is_home',
      win: 'points > opp_points',
      points_allowed: 'opp_points',
      opp_fg_made: 'opp_fg_made',
      opp_fg_attempted: 'opp_fg_attempted',
      opp_fg3_made: 'opp_fg3_made',
      opp_fg3_attempted: 'opp_fg3_attempted',
      opp_ft_made: 'opp_ft_made',
      opp_ft_attempted: 'opp_ft_attempted',
      opp_effective_fg_pct: effectiveFgPct('opp_fg_made', 'opp_fg3_made', 'opp_fg_attempted'),
      opp_turnovers: 'opp_turnovers',
      defensive_rebounds: 'defensive_rebounds',
      steals: 'steals',
      blocks: 'blocks',
      possessions: oppPossessions,
      pace: `SAFE_DIVIDE(48 * ${oppPossessions}, opp_minutes / 5)`,
      defensive_rating: `100 * SAFE_DIVIDE(opp_points, ${oppPossessions})`,
      processed_at: 'CURRENT_TIMESTAMP()',
    },
    from: 'FROM team_box_pairs',
  });
}

export const teamDefenseGameSummaryProcessor: ProcessorDef = {
  job: 'analytics/team_defense_game_summary',
  processorName: 'TeamDefenseGameSummaryProcessor',
  phase: 'phase_3_analytics',
  output: TEAM_DEFENSE_GAME_SUMMARY,
  description: "One row per team per game: points and shooting allowed, the opponent's possessions, defensive rating.",
  dependencies: [
    { table: 'nba_raw.nbac_team_boxscore', dateColumn: 'game_date', lookbackDays: 0, required: true },
    { table: 'nba_raw.nbac_schedule', dateColumn: 'game_date', lookbackDays: 0, required: true },
  ],
  insertSql,
};

import type { ProcessorDef } from '../types.ts';
import { TEAM_OFFENSE_GAME_SUMMARY } from './tables.ts';
import { teamBoxPairsCtes } from './team_box.ts';
import { effectiveFgPct, insertStatement, possessions, trueShootingPct } from './sql.ts';

/** A row: one team's offence in one final game, from its box score and its opponent's. */
function insertSql(project: string): string {
  return insertStatement(project, TEAM_OFFENSE_GAME_SUMMARY, {
    ctes: teamBoxPairsCtes(project),
    select: {
      game_id: 'game_id',
      game_date: 'game_date',
      season_year: 'season_year',
      team_abbr: 'team_abbr',
      opponent_abbr: 'opponent_abbr',
      is_home: 'is_home',
      win: 'points > opp_points',
      points: 'points',
      opponent_points: 'opp_points',
      fg_made: 'fg_made',
      fg_attempted: 'fg_attempted',
      fg3_made: 'fg3_made',
      fg3_attempted: 'fg3_attempted',
      ft_made: 'ft_made',
      ft_attempted: 'ft_attempted',
      offensive_rebounds: 'offensive_rebounds',
      assists: 'assists',
      turnovers: 'turnovers',
      overtime_periods: 'overtime_periods',
      possessions: possessions(),
      pace: `SAFE_DIVIDE(48 * ${possessions()}, minutes / 5)`,
      offensive_rating: `100 * SAFE_DIVIDE(points, ${possessions()})`,
      effective_fg_pct: effectiveFgPct('fg_made', 'fg3_made', 'fg_attempted'),
      true_shooting_pct: trueShootingPct('points', 'fg_attempted', 'ft_attempted'),
      processed_at: 'CURRENT_TIMESTAMP()',
    },
    from: 'FROM team_box_pairs',
  });
}

export const teamOffenseGameSummaryProcessor: ProcessorDef = {
  job: 'analytics/team_offense_game_summary',
  processorName: 'TeamOffenseGameSummaryProcessor',
  phase: 'phase_3_analytics',
  output: TEAM_OFFENSE_GAME_SUMMARY,
  description: 'One row per team per game: points, shooting, possessions, pace and offensive rating.',
  dependencies: [
    { table: 'nba_raw.nbac_team_boxscore', dateColumn: 'game_date', lookbackDays: 0, required: true },
    { table: 'nba_raw.nbac_schedule', dateColumn: 'game_date', lookbackDays: 0, required: true },
  ],
  insertSql,
};

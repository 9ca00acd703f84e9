import type { ProcessorDef } from '../types.ts';
import { PLAYER_GAME_SUMMARY } from './tables.ts';
import { playerGamesCtes } from './player_games.ts';
import { effectiveFgPct, finalGamesCte, insertStatement, trueShootingPct } from './sql.ts';

/**
 * A row: one player's box score for one final game he played in (minutes > 0),
 * from the gamebook or, where it lacks the player or the date, from bdl. Usage
 * rate uses team totals summed over the team's rows in this same output.
 */
function insertSql(project: string): string {
  return insertStatement(project, PLAYER_GAME_SUMMARY, {
    ctes: [
      finalGamesCte(project, 'dates'),
      ...playerGamesCtes(project, 'dates'),
      `with_team_totals AS (
  SELECT
    pg.*,
    -- FLOAT64 minutes summed as NUMERIC (exact): a FLOAT64 sum depends on the order the
    -- rows arrive in, and usage_rate would change in its last bits from run to run.
    CAST(SUM(CAST(pg.minutes AS NUMERIC)) OVER (PARTITION BY pg.game_id, pg.team_abbr) AS FLOAT64) AS team_minutes,
    SUM(pg.fg_attempted) OVER (PARTITION BY pg.game_id, pg.team_abbr) AS team_fg_attempted,
    SUM(pg.ft_attempted) OVER (PARTITION BY pg.game_id, pg.team_abbr) AS team_ft_attempted,
    SUM(pg.turnovers) OVER (PARTITION BY pg.game_id, pg.team_abbr) AS team_turnovers
  FROM player_games pg
)`,
    ],
    select: {
      game_id: 'game_id',
      game_date: 'game_date',
      season_year: 'season_year',
      player_lookup: 'player_lookup',
      player_name: 'player_name',
      team_abbr: 'team_abbr',
      // NULL rather than a guess when the source's team is in neither column of the schedule.
      opponent_abbr: `CASE team_abbr WHEN home_team_abbr THEN away_team_abbr WHEN away_team_abbr THEN home_team_abbr END`,
      is_home: `CASE team_abbr WHEN home_team_abbr THEN TRUE WHEN away_team_abbr THEN FALSE END`,
      starter: 'starter',
      minutes: 'minutes',
      points: 'points',
      fg_made: 'fg_made',
      fg_attempted: 'fg_attempted',
      fg3_made: 'fg3_made',
      fg3_attempted: 'fg3_attempted',
      ft_made: 'ft_made',
      ft_attempted: 'ft_attempted',
      offensive_rebounds: 'offensive_rebounds',
      defensive_rebounds: 'defensive_rebounds',
      rebounds: 'rebounds',
      assists: 'assists',
      steals: 'steals',
      blocks: 'blocks',
      turnovers: 'turnovers',
      personal_fouls: 'personal_fouls',
      plus_minus: 'plus_minus',
      effective_fg_pct: effectiveFgPct('fg_made', 'fg3_made', 'fg_attempted'),
      true_shooting_pct: trueShootingPct('points', 'fg_attempted', 'ft_attempted'),
      usage_rate: `100 * SAFE_DIVIDE(
    (fg_attempted + 0.44 * ft_attempted + turnovers) * (team_minutes / 5),
    minutes * (team_fg_attempted + 0.44 * team_ft_attempted + team_turnovers))`,
      primary_source: 'primary_source',
      processed_at: 'CURRENT_TIMESTAMP()',
    },
    from: 'FROM with_team_totals',
  });
}

export const playerGameSummaryProcessor: ProcessorDef = {
  job: 'analytics/player_game_summary',
  processorName: 'PlayerGameSummaryProcessor',
  phase: 'phase_3_analytics',
  output: PLAYER_GAME_SUMMARY,
  description: 'One row per player per game played: box score, shooting splits, usage; gamebook first, bdl filling gaps.',
  dependencies: [
    { table: 'nba_raw.nbac_schedule', dateColumn: 'game_date', lookbackDays: 0, required: true },
    // Either box-score source will do: bdl fills what the gamebook lacks.
    { table: 'nba_raw.nbac_gamebook_player_stats', dateColumn: 'game_date', lookbackDays: 0, required: false, anyOf: 'player_boxscores' },
    { table: 'nba_raw.bdl_player_boxscores', dateColumn: 'game_date', lookbackDays: 0, required: false, anyOf: 'player_boxscores' },
  ],
  insertSql,
};

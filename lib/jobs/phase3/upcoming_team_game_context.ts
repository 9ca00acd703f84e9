import type { ProcessorDef } from '../types.ts';
import { UPCOMING_TEAM_GAME_CONTEXT } from './tables.ts';
import { SEASON_LOOKBACK_DAYS, finalGamesCte, insertStatement } from './sql.ts';

/**
 * A row: one team's situation going into one final game (rest, schedule density,
 * home/away run) and its opponent's rest. Windows run over the whole season's
 * schedule and only the output is cut to @dates: a date's rest and streaks
 * depend on games before the first date asked for.
 */
function insertSql(project: string): string {
  return insertStatement(project, UPCOMING_TEAM_GAME_CONTEXT, {
    ctes: [
      finalGamesCte(project, 'seasons_of_dates'),
      `team_games AS (
  SELECT game_id, game_date, season_year, season_type, home_team_abbr AS team_abbr, away_team_abbr AS opponent_abbr, TRUE AS is_home
  FROM final_games
  UNION ALL
  SELECT game_id, game_date, season_year, season_type, away_team_abbr, home_team_abbr, FALSE
  FROM final_games
)`,
      `sequenced AS (
  SELECT
    tg.*,
    DATE_DIFF(tg.game_date, LAG(tg.game_date) OVER (PARTITION BY tg.team_abbr, tg.season_year ORDER BY tg.game_date), DAY) - 1 AS days_rest,
    -- RANGE needs a number to order by: days since the epoch.
    COUNT(*) OVER (
      PARTITION BY tg.team_abbr, tg.season_year
      ORDER BY DATE_DIFF(tg.game_date, DATE '1970-01-01', DAY)
      RANGE BETWEEN 7 PRECEDING AND 1 PRECEDING) AS games_last_7_days,
    -- Gaps and islands: constant along a run of consecutive home (or away) games.
    ROW_NUMBER() OVER (PARTITION BY tg.team_abbr, tg.season_year ORDER BY tg.game_date)
      - ROW_NUMBER() OVER (PARTITION BY tg.team_abbr, tg.season_year, tg.is_home ORDER BY tg.game_date) AS venue_run
  FROM team_games tg
)`,
      `with_streak AS (
  SELECT
    s.*,
    ROW_NUMBER() OVER (PARTITION BY s.team_abbr, s.season_year, s.is_home, s.venue_run ORDER BY s.game_date) AS home_away_streak
  FROM sequenced s
)`,
    ],
    select: {
      game_id: 't.game_id',
      game_date: 't.game_date',
      season_year: 't.season_year',
      season_type: 't.season_type',
      team_abbr: 't.team_abbr',
      opponent_abbr: 't.opponent_abbr',
      is_home: 't.is_home',
      days_rest: 't.days_rest',
      is_back_to_back: 'COALESCE(t.days_rest = 0, FALSE)',
      games_last_7_days: 't.games_last_7_days',
      home_away_streak: 't.home_away_streak',
      opponent_days_rest: 'o.days_rest',
      opponent_is_back_to_back: 'COALESCE(o.days_rest = 0, FALSE)',
      processed_at: 'CURRENT_TIMESTAMP()',
    },
    from: `FROM with_streak t
JOIN with_streak o ON o.game_id = t.game_id AND o.team_abbr = t.opponent_abbr
WHERE t.game_date IN UNNEST(@dates)`,
  });
}

export const upcomingTeamGameContextProcessor: ProcessorDef = {
  job: 'analytics/upcoming_team_game_context',
  processorName: 'UpcomingTeamGameContextProcessor',
  phase: 'phase_3_analytics',
  output: UPCOMING_TEAM_GAME_CONTEXT,
  description: "One row per team per game: days rest, back-to-backs, games in the last 7 days, home/away streak, the opponent's rest.",
  dependencies: [
    // Rest and streaks read the season so far; only the date itself must have games.
    { table: 'nba_raw.nbac_schedule', dateColumn: 'game_date', lookbackDays: SEASON_LOOKBACK_DAYS, required: true },
  ],
  insertSql,
};

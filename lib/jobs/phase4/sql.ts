/**
 * SQL pieces the Phase 4 processors share: table paths, window sizes and the
 * CTEs that say which teams and players a date has rows for.
 *
 * Every piece is BigQuery Standard SQL that the DuckDB backend translates
 * (lib/warehouse/translate.ts). Two portability rules hold throughout:
 *  - no GREATEST/LEAST with a possibly NULL argument (BigQuery returns NULL,
 *    DuckDB ignores the NULL), so their arguments are COALESCEd first;
 *  - history is joined with `game_date < date` and ranked with ROW_NUMBER, so a
 *    record never sees its own date (no leakage), and many dates run in one
 *    set-based statement.
 */
import type { TableDef } from '../../seed/schema.ts';

/** Games in each rolling window: completeness_pct is games found / window. */
export const TEAM_WINDOW_GAMES = 15;
export const PLAYER_WINDOW_GAMES = 10;
export const SHORT_WINDOW_GAMES = 5;
/** A player is on a team's current roster if he played in one of its last N games. */
export const ROSTER_RECENT_GAMES = 10;

/** Calendar days the rolling windows reach back (for the runner's dependency checks). */
export const TEAM_WINDOW_DAYS = 35;
export const PLAYER_WINDOW_DAYS = 25;
/** Season-to-date reads: a June playoff date reaches back to October. */
export const SEASON_LOOKBACK_DAYS = 240;

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** `project.dataset.table`, quoted for BigQuery (the project id may hold hyphens). */
export function tableRef(project: string, table: string): string {
  if (!PROJECT_ID.test(project)) throw new Error(`not a valid project id: ${JSON.stringify(project)}`);
  return `\`${project}.${table}\``;
}

/** completeness_pct: the share of a window found, 0–100, one decimal. */
export function completeness(gamesExpr: string, windowGames: number): string {
  return `ROUND(100.0 * ${gamesExpr} / ${windowGames}, 1)`;
}

/**
 * `team_dates`: one row per team playing on each requested date, from the
 * schedule (known before tip-off, so not leakage). A team listed twice on a date
 * (a postponed game re-listed) keeps its most advanced game.
 */
export function teamDatesCte(project: string): string {
  const schedule = tableRef(project, 'nba_raw.nbac_schedule');
  return `team_dates AS (
  SELECT game_id, game_date, season_year, team_abbr, opponent_abbr, is_home
  FROM (
    SELECT sides.*,
      ROW_NUMBER() OVER (PARTITION BY game_date, team_abbr ORDER BY game_status DESC, game_id) AS nth_game
    FROM (
      SELECT game_id, game_date, season_year, game_status,
        home_team_abbr AS team_abbr, away_team_abbr AS opponent_abbr, TRUE AS is_home
      FROM ${schedule} WHERE game_date IN UNNEST(@dates)
      UNION ALL
      SELECT game_id, game_date, season_year, game_status,
        away_team_abbr AS team_abbr, home_team_abbr AS opponent_abbr, FALSE AS is_home
      FROM ${schedule} WHERE game_date IN UNNEST(@dates)
    ) AS sides
  ) AS ranked
  WHERE nth_game = 1
)`;
}

/**
 * After `team_dates`, three CTEs:
 *  - `player_games`: every game each player played (minutes > 0) this season
 *    before each requested date (`as_of_date`), `games_ago` 1 = the latest;
 *  - `team_recent`: the date of each team's Nth most recent game before the date;
 *  - `roster`: one row per player and date, for players whose latest game this
 *    season was for a team playing that date, within its last N games (so a
 *    player waived or out for weeks drops off, and a traded player moves with
 *    his first game for the new team). Uses only games before the date.
 */
export function rosterCtes(project: string): string {
  const pgs = tableRef(project, 'nba_analytics.player_game_summary');
  return `player_games AS (
  SELECT d.as_of_date, g.player_lookup, g.team_abbr, g.game_id, g.game_date,
    g.minutes, g.points, g.rebounds, g.assists, g.usage_rate, g.fg_attempted, g.fg3_attempted,
    ROW_NUMBER() OVER (
      PARTITION BY d.as_of_date, g.player_lookup ORDER BY g.game_date DESC, g.game_id DESC
    ) AS games_ago
  FROM (SELECT DISTINCT game_date AS as_of_date, season_year FROM team_dates) AS d
  JOIN ${pgs} AS g
    ON g.season_year = d.season_year AND g.game_date < d.as_of_date
  WHERE g.minutes > 0
),
team_recent AS (
  SELECT as_of_date, team_abbr, MIN(game_date) AS recent_since
  FROM (
    SELECT as_of_date, team_abbr, game_date,
      DENSE_RANK() OVER (PARTITION BY as_of_date, team_abbr ORDER BY game_date DESC) AS team_games_ago
    FROM player_games
  ) AS team_games
  WHERE team_games_ago <= ${ROSTER_RECENT_GAMES}
  GROUP BY as_of_date, team_abbr
),
roster AS (
  SELECT td.game_date AS as_of_date, td.season_year, td.game_id, td.team_abbr, td.opponent_abbr,
    td.is_home, pg.player_lookup, pg.game_date AS last_game_date
  FROM team_dates AS td
  JOIN player_games AS pg
    ON pg.as_of_date = td.game_date AND pg.team_abbr = td.team_abbr AND pg.games_ago = 1
  JOIN team_recent AS tr
    ON tr.as_of_date = td.game_date AND tr.team_abbr = td.team_abbr
  WHERE pg.game_date >= tr.recent_since
)`;
}

/** `INSERT INTO `project.dataset.table` (columns…)`, in the table's column order. */
export function insertHeader(project: string, table: TableDef): string {
  return `INSERT INTO ${tableRef(project, table.name)} (${table.columns.map(([n]) => n).join(', ')})`;
}

/**
 * The SELECT list for a table, `expr AS column` in the table's column order, so
 * the INSERT's column list and its values cannot drift apart. Every column needs
 * an expression and every expression a column; processed_at defaults to now.
 */
export function selectList(table: TableDef, exprs: Record<string, string>): string {
  const all: Record<string, string> = { processed_at: 'CURRENT_TIMESTAMP()', ...exprs };
  const names = table.columns.map(([n]) => n);
  const missing = names.filter((n) => !(n in all));
  const extra = Object.keys(all).filter((n) => !names.includes(n));
  if (missing.length || extra.length) {
    throw new Error(`${table.name}: select list ${missing.length ? `lacks ${missing.join(', ')}` : ''}${extra.length ? ` has unknown ${extra.join(', ')}` : ''}`);
  }
  return names.map((n) => `${all[n]} AS ${n}`).join(',\n  ');
}

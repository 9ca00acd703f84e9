/**
 * SQL pieces the Phase 4 processors share: table paths, window sizes and the
 * CTEs that say which teams and players a date has rows for.
 *
 * Every piece is BigQuery Standard SQL that the DuckDB backend translates
 * (lib/warehouse/translate.ts). Two portability rules hold throughout:
 *  - no GREATEST/LEAST with a possibly NULL argument (BigQuery returns NULL,
 *    DuckDB ignores the NULL), so their arguments are COALESCEd first;
 *  - history is read once per statement as game logs (one row per game, numbered
 *    in order); a date finds the latest game strictly before it (`game_date <
 *    date`, the next game on or after it), so a record never sees its own date
 *    (no leakage). A player's figures over his last N games are window functions
 *    evaluated once per game of his log and read at that latest game; a team's
 *    last N games are reached from it by number with an equi-join. Many dates
 *    run in one statement, and the work grows with the games read and the rows
 *    written, not with dates × games.
 */
import { onDates } from '../dates.ts';
import type { TableDef } from '../../seed/schema.ts';
import { unnestBack } from '../phase3/sql.ts';

export { orderedAvg, unnestBack } from '../phase3/sql.ts';

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
 * After `team_dates`, the lookback windows completeness_pct measures, from the
 * schedule (known before the games, so not leakage), not from what Phase 3 holds:
 *  - `schedule_team_log`: each team's final games in the seasons of the
 *    requested dates, before the last of them, numbered oldest first;
 *  - `team_window`: for each team playing on a requested date, its last n final
 *    games before that date (as_of_date, team_abbr, game_id); fewer early in a
 *    season, when the window cannot be full yet.
 * A date Phase 3 lacks is still in the window, so it lowers completeness instead
 * of being skipped over.
 */
export function teamWindowCtes(project: string, n: number): string {
  const schedule = tableRef(project, 'nba_raw.nbac_schedule');
  const ordered = 'PARTITION BY team_abbr, season_year ORDER BY game_date, game_id';
  const side = (team: string) => `SELECT s.${team} AS team_abbr, s.season_year, s.game_date, s.game_id
    FROM ${schedule} AS s
    WHERE s.game_status = 3 AND ${historyScope('s')}`;
  return `schedule_team_log AS (
  SELECT team_abbr, season_year, game_date, game_id,
    ROW_NUMBER() OVER (${ordered}) AS team_game_index,
    LEAD(game_date) OVER (${ordered}) AS next_game_date
  FROM (
    ${side('home_team_abbr')}
    UNION ALL
    ${side('away_team_abbr')}
  ) AS team_games
),
team_window AS (
  SELECT td.game_date AS as_of_date, td.team_abbr, w.game_id, w.game_date
  ${lastTeamGamesFrom({ log: 'schedule_team_log', index: 'team_game_index', next: 'next_game_date' }, n, 'w', 'window_index')}
)`;
}

/**
 * After rosterCtes, `player_coverage` (as_of_date, player_lookup, games_present):
 * of his team's last n final games before the date (teamWindowCtes), those for
 * which his data exists: his Phase 3 row, or, in a game Phase 3 holds, the
 * gamebook recording him inactive or DNP (not playing is data too).
 * completeness_pct = games_present / n. `player_present` holds each player and
 * game once (UNION DISTINCT), so a game found both ways counts once.
 */
export function playerCoverageCtes(project: string, n: number): string {
  const gamebook = tableRef(project, 'nba_raw.nbac_gamebook_player_stats');
  // Only the windows' games are read (their date bounds let the scans skip the rest).
  return `${teamWindowCtes(project, n)},
window_games AS (
  SELECT DISTINCT game_id FROM team_window
),
phase3_window_games AS (
  SELECT DISTINCT game_id FROM player_log WHERE game_id IN (SELECT game_id FROM window_games)
),
player_present AS (
  SELECT player_lookup, game_id FROM player_log WHERE game_id IN (SELECT game_id FROM window_games)
  UNION DISTINCT
  SELECT g.player_lookup, g.game_id
  FROM ${gamebook} AS g
  WHERE g.player_status IN ('inactive', 'dnp')
    AND g.game_date >= (SELECT MIN(game_date) FROM team_window)
    AND ${historyBounds('g.game_date')}
    AND g.game_id IN (SELECT game_id FROM phase3_window_games)
),
player_coverage AS (
  SELECT r.as_of_date, r.player_lookup, COUNT(pp.game_id) AS games_present
  FROM roster AS r
  JOIN team_window AS tw ON tw.as_of_date = r.as_of_date AND tw.team_abbr = r.team_abbr
  LEFT JOIN player_present AS pp ON pp.player_lookup = r.player_lookup AND pp.game_id = tw.game_id
  GROUP BY r.as_of_date, r.player_lookup
)`;
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
      FROM ${schedule} WHERE ${onDates('game_date')}
      UNION ALL
      SELECT game_id, game_date, season_year, game_status,
        away_team_abbr AS team_abbr, home_team_abbr AS opponent_abbr, FALSE AS is_home
      FROM ${schedule} WHERE ${onDates('game_date')}
    ) AS sides
  ) AS ranked
  WHERE nth_game = 1
)`;
}

/**
 * Which history rows a statement reads: the seasons of the requested dates, game
 * dates before the last of them (a date reads only games strictly before it) and
 * from a year before the first (a season is shorter than that, so this bound
 * changes no result). The date bounds come from @dates itself, so BigQuery can
 * prune partitions with them.
 */
export function historyScope(alias: string): string {
  return `${alias}.season_year IN (SELECT season_year FROM team_dates)
    AND ${historyBounds(`${alias}.game_date`)}`;
}

/**
 * historyScope's date bounds alone, for a table read by game (play-by-play, the
 * gamebook) whose rows are those of games historyScope admits: the filter on its
 * own date column is what lets BigQuery skip its other partitions (a join to the
 * schedule's games does not).
 */
export function historyBounds(column: string): string {
  return `${column} < @last_date AND ${column} >= DATE_SUB(@first_date, INTERVAL 366 DAY)`;
}

/** `UNNEST([date − 1 day, …, date − n days]) AS alias`: the n days before a row's date, to join on. */
export function unnestDaysBefore(date: string, n: number, alias: string): string {
  return `UNNEST([${Array.from({ length: n }, (_, i) => `DATE_SUB(${date}, INTERVAL ${i + 1} DAY)`).join(', ')}]) AS ${alias}`;
}

/** The box-score columns player_log carries, and which of them are FLOAT64. */
const PLAYER_LOG_COLUMNS = [
  'team_abbr', 'game_id', 'game_date', 'minutes', 'points', 'rebounds', 'assists', 'usage_rate', 'fg_attempted', 'fg3_attempted',
] as const;
export type PlayerLogColumn = (typeof PLAYER_LOG_COLUMNS)[number];
const FLOAT_COLUMNS: ReadonlySet<PlayerLogColumn> = new Set(['minutes', 'usage_rate']);

/**
 * After `team_dates`, CTEs set-based (history is read once, not once per date):
 *  - `player_log`: every game each player played (minutes > 0) in the seasons of
 *    the requested dates, before the last of them, numbered oldest first within
 *    his season (`game_index`), with the date of his next game (`next_game_date`,
 *    NULL for the last one read);
 *  - `team_log`: each team's game dates in player_log, numbered the same way;
 *  - `team_recent`: each playing team's last N game dates before the date;
 *  - `roster`: one row per player and date, for players whose latest game this
 *    season was for a team playing that date, within its last N games (so a
 *    player waived or out for weeks drops off, and a traded player moves with
 *    his first game for the new team). Uses only games before the date. With
 *    `<column>_avg_season` for each column in `seasonAverages`: its average over
 *    his games this season before the date; and each of `lastGames` (name → a
 *    window expression over player_log `g`, see overLastGames) at that game.
 *    `logJoins` (LEFT JOINs, at most one row each per game of `g`) brings
 *    per-game values from elsewhere for those windows to read.
 *
 * A player's latest game before a date D is the player_log row with
 * game_date < D <= next_game_date (or no next game). Its game_index is the number
 * of his games this season before D (roster's `last_game_index`), so his last N
 * games are the rows numbered last_game_index − N + 1 … last_game_index and his
 * season so far the rows up to it: the season average is player_log's running
 * average at that row, and a last-N figure a window over the N rows ending there
 * (computed once per game, not once per date and game).
 *
 * Season averages are computed so that a date's figure depends on nothing but
 * his games before it, to the last bit: a running sum of FLOAT64 values is
 * rounded along the way, and how (the order in which partial sums are added)
 * can change with the number of rows read, so every running sum is of exact
 * values: INT64 columns as they are, FLOAT64 columns cast to NUMERIC (nine
 * decimal places: a value moves by less than 5e-10), whose sums are exact; the
 * average is then cast back to FLOAT64. One window per column over the log the
 * statement reads anyway, where blocks of games joined back per date cost more.
 */
export function rosterCtes(project: string, seasonAverages: PlayerLogColumn[] = [], lastGames: Record<string, string> = {}, logJoins = ''): string {
  const pgs = tableRef(project, 'nba_analytics.player_game_summary');
  const running = `${PLAYER_ORDER} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`;
  const carried = [...seasonAverages.map((c) => `${c}_avg_season`), ...Object.keys(lastGames)];
  const logWindows = [
    ...seasonAverages.map((c) => (FLOAT_COLUMNS.has(c)
      ? `CAST(AVG(CAST(g.${c} AS NUMERIC)) OVER (${running}) AS FLOAT64) AS ${c}_avg_season`
      : `AVG(g.${c}) OVER (${running}) AS ${c}_avg_season`)),
    ...Object.entries(lastGames).map(([name, expr]) => `${expr} AS ${name}`),
  ].map((x) => `,\n    ${x}`).join('');
  return `player_log AS (
  SELECT g.player_lookup, g.season_year, ${PLAYER_LOG_COLUMNS.map((c) => `g.${c}`).join(', ')},
    ROW_NUMBER() OVER (${PLAYER_ORDER}) AS game_index,
    LEAD(g.game_date) OVER (${PLAYER_ORDER}) AS next_game_date${logWindows}
  FROM ${pgs} AS g${logJoins ? `\n  ${logJoins}` : ''}
  WHERE g.minutes > 0
    AND ${historyScope('g')}
),
team_log AS (
  SELECT team_abbr, season_year, game_date,
    ROW_NUMBER() OVER (PARTITION BY team_abbr, season_year ORDER BY game_date) AS team_game_index,
    LEAD(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date) AS next_team_date
  FROM (SELECT DISTINCT team_abbr, season_year, game_date FROM player_log) AS team_game_dates
),
team_recent AS (
  SELECT td.game_date AS as_of_date, td.season_year, td.game_id, td.team_abbr, td.opponent_abbr, td.is_home,
    recent.game_date AS team_game_date
  ${lastTeamGamesFrom({ log: 'team_log', index: 'team_game_index', next: 'next_team_date' }, ROSTER_RECENT_GAMES, 'recent', 'recent_index')}
),
roster AS (
  SELECT tr.as_of_date, tr.season_year, tr.game_id, tr.team_abbr, tr.opponent_abbr, tr.is_home,
    pl.player_lookup, pl.game_date AS last_game_date, pl.game_index AS last_game_index${
  carried.map((c) => `,\n    pl.${c}`).join('')}
  FROM team_recent AS tr
  JOIN player_log AS pl
    ON pl.team_abbr = tr.team_abbr AND pl.season_year = tr.season_year AND pl.game_date = tr.team_game_date
  -- His latest game before the date.
  WHERE COALESCE(pl.next_game_date, DATE '9999-12-31') >= tr.as_of_date
)`;
}

/** 0, 1, …, n − 1. */
function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * `FROM team_dates` joined to each team's last n games before the date, taken
 * from `log` (one row per team game, numbered per team and season by `index`,
 * with the date of the team's next game in `next`): `latest` is its last game
 * before the date, and `alias` each of the n games counted back from it by an
 * equi-join on the game number.
 */
function lastTeamGamesFrom(log: { log: string; index: string; next: string }, n: number, alias: string, indexName: string): string {
  return `FROM team_dates AS td
  JOIN ${log.log} AS latest
    ON latest.team_abbr = td.team_abbr AND latest.season_year = td.season_year
    AND latest.game_date < td.game_date
    AND COALESCE(latest.${log.next}, DATE '9999-12-31') >= td.game_date
  CROSS JOIN ${unnestBack(`latest.${log.index}`, range(n), indexName)}
  JOIN ${log.log} AS ${alias}
    ON ${alias}.team_abbr = latest.team_abbr AND ${alias}.season_year = latest.season_year AND ${alias}.${log.index} = ${indexName}`;
}

/** player_log's order: a player's games this season, oldest first (alias `g`). */
const PLAYER_ORDER = 'PARTITION BY g.player_lookup, g.season_year ORDER BY g.game_date, g.game_id';

/**
 * `OVER (…)` for a player's last n games up to and including a player_log row
 * `g`: read at his latest game before a date (roster), his last n games before
 * it, across a trade, fewer early in the season. The frame holds those rows
 * whatever else the statement reads, so COUNT and INT64 SUM/AVG over it are
 * exact; FLOAT64 values need lastGamesAvg's fixed order.
 */
export function overLastGames(n: number): string {
  return `OVER (${PLAYER_ORDER} ROWS BETWEEN ${n - 1} PRECEDING AND CURRENT ROW)`;
}

/**
 * A player_log column's average over his last n games (overLastGames), NULLs
 * skipped and NULL without values, as AVG. A FLOAT64 column is added newest
 * first, this row then LAG 1, 2, …, each missing value as 0, and divided by the
 * count: the order orderedAvg adds in (games_ago 1 … n), fixed, where a windowed
 * SUM adds in an order that depends on the rows read.
 */
export function lastGamesAvg(column: PlayerLogColumn, n: number): string {
  if (!FLOAT_COLUMNS.has(column)) return `AVG(g.${column}) ${overLastGames(n)}`;
  const values = range(n).map((i) => `COALESCE(${i === 0 ? `g.${column}` : `LAG(g.${column}, ${i}) OVER (${PLAYER_ORDER})`}, 0)`);
  return `SAFE_DIVIDE(${values.join(' + ')}, COUNT(g.${column}) ${overLastGames(n)})`;
}

/**
 * After `team_dates`, for a Phase 3 team table (one row per team per game), two CTEs:
 *  - `<name>_log`: its games in the seasons of the requested dates, before the
 *    last of them, numbered oldest first per team and season, with the date of
 *    the team's next game;
 *  - `<name>_games`: for each team in team_dates, its last n games this season
 *    before the date (as_of_date, team_abbr, games_ago 1 = the latest, and the
 *    columns), reached from its latest game before the date by game number.
 * `logJoins` (LEFT JOINs, at most one row each per game of `t`) brings per-game
 * values from elsewhere onto the log, `joined` (name → expression) naming them:
 * joined once per game rather than once per date and game.
 *
 * Kept as rows joined and grouped, not window functions over the log as the
 * player figures are: a team log is small (about 2,400 rows a season), and in
 * DuckDB each window expression over it (15 LAGs per FLOAT64 average, one
 * framed SUM per column) cost more than the join. Tried with identical outputs:
 * team_defense_zone_analysis took about 45 % more CPU, team pace in
 * player_composite_factors no less.
 */
export function teamRecentGamesCtes(name: string, table: string, columns: string[], n: number, logJoins = '', joined: Record<string, string> = {}): string {
  const all = [...columns, ...Object.keys(joined)];
  const ordered = 'PARTITION BY t.team_abbr, t.season_year ORDER BY t.game_date, t.game_id';
  return `${name}_log AS (
  SELECT t.team_abbr, t.season_year, t.game_date, ${[...columns.map((c) => `t.${c}`), ...Object.entries(joined).map(([c, e]) => `${e} AS ${c}`)].join(', ')},
    ROW_NUMBER() OVER (${ordered}) AS game_index,
    LEAD(t.game_date) OVER (${ordered}) AS next_game_date
  FROM ${table} AS t${logJoins ? `\n  ${logJoins}` : ''}
  WHERE ${historyScope('t')}
),
${name}_games AS (
  SELECT td.game_date AS as_of_date, td.team_abbr, latest.game_index - g.game_index + 1 AS games_ago,
    ${all.map((c) => `g.${c}`).join(', ')}
  ${lastTeamGamesFrom({ log: `${name}_log`, index: 'game_index', next: 'next_game_date' }, n, 'g', 'wanted_index')}
)`;
}

/**
 * STDDEV_SAMP of an INT64 expression, from exact integer sums (so, like an INT64
 * AVG, independent of the order rows arrive in): √((n·Σx² − (Σx)²) / (n·(n − 1))),
 * NULL for fewer than two values. With `over` (e.g. overLastGames(n)), each
 * aggregate is that window function.
 */
export function stddevSampInt(expr: string, over = ''): string {
  const o = over ? ` ${over}` : '';
  const n = `COUNT(${expr})${o}`;
  const sum = `SUM(${expr})${o}`;
  return `CASE WHEN ${n} > 1 THEN SQRT((${n} * SUM((${expr}) * (${expr}))${o} - ${sum} * ${sum}) / (${n} * (${n} - 1))) END`;
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

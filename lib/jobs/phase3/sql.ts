/**
 * SQL building blocks the Phase 3 processors share. Everything here is BigQuery
 * Standard SQL text made of constants (no values: those are bound as @dates), so
 * an operator can paste a processor's statement into `bq query` as it stands.
 */
import { onDates } from '../dates.ts';
import type { TableDef } from '../../seed/schema.ts';

/** A table's full path, backticked because the project id may hold a hyphen. */
export function tablePath(project: string, table: string): string {
  return `\`${project}.${table}\``;
}

/** Phase 2 table path: `project.nba_raw.<name>`. */
export function raw(project: string, name: string): string {
  return tablePath(project, `nba_raw.${name}`);
}

/** About a season with its postseason (late October to mid June): what "this season so far" reads. */
export const SEASON_LOOKBACK_DAYS = 240;

/**
 * Which final games a query covers: those on the @dates asked for, or the games of
 * the seasons those dates fall in up to the last of them (history that reaches
 * back past the first date; nothing after the last date can count for it).
 */
export type GameScope = 'dates' | 'seasons_of_dates';

/**
 * `final_games`: one row per final game (game_status = 3) in scope. A scheduled,
 * live or postponed game has no box score to trust and is not history either.
 */
export function finalGamesCte(project: string, scope: GameScope): string {
  const schedule = raw(project, 'nbac_schedule');
  const inScope = scope === 'dates'
    ? onDates('game_date')
    : `season_year IN (SELECT season_year FROM ${schedule} WHERE ${onDates('game_date')})
    AND ${gameDateBounds('game_date', scope)}`;
  return `final_games AS (
  SELECT game_id, game_date, season_year, season_type, home_team_abbr, away_team_abbr, overtime_periods
  FROM ${schedule}
  WHERE game_status = 3
    AND ${inScope}
)`;
}

/**
 * The dates a scope's games can fall on, as constants (`insertParams`): a table read by
 * game id (a box score, the gamebook, the odds) filtered with them lets BigQuery
 * skip its other partitions, which a join to final_games does not. A season is
 * shorter than a year, so a season of the dates starts within 366 days of the first.
 */
export function gameDateBounds(column: string, scope: GameScope): string {
  return scope === 'dates'
    ? onDates(column)
    : `${column} <= @last_date AND ${column} >= DATE_SUB(@first_date, INTERVAL 366 DAY)`;
}

export interface InsertParts {
  /** Common table expressions, each `name AS (…)`. */
  ctes: string[];
  /** One SQL expression per output column, by column name. */
  select: Record<string, string>;
  /** FROM … [WHERE …]: the rest of the query. */
  from: string;
}

/**
 * `INSERT INTO table (every column) WITH … SELECT … FROM …`. The select list is
 * built in the table's column order from a name → expression map, so a column can
 * never land in the wrong place; a column missing from the map (or one the table
 * lacks) throws when the SQL is built, not when it runs.
 */
export function insertStatement(project: string, table: TableDef, parts: InsertParts): string {
  const columns = table.columns.map(([name]) => name);
  const missing = columns.filter((c) => !(c in parts.select));
  const extra = Object.keys(parts.select).filter((c) => !columns.includes(c));
  if (missing.length || extra.length) {
    throw new Error(`${table.name}: select list does not match the table (missing: ${missing.join(', ') || 'none'}; unknown: ${extra.join(', ') || 'none'})`);
  }
  const selectList = columns.map((c) => `  ${parts.select[c]} AS ${c}`).join(',\n');
  return `INSERT INTO ${tablePath(project, table.name)} (${columns.join(', ')})
WITH
${parts.ctes.join(',\n')}
SELECT
${selectList}
${parts.from}`;
}

/** Effective FG%: (FGM + 0.5·3PM) / FGA, NULL without attempts. */
export function effectiveFgPct(fgm: string, fg3m: string, fga: string): string {
  return `SAFE_DIVIDE(${fgm} + 0.5 * ${fg3m}, ${fga})`;
}

/** True shooting %: PTS / (2·(FGA + 0.44·FTA)), NULL without attempts. */
export function trueShootingPct(pts: string, fga: string, fta: string): string {
  return `SAFE_DIVIDE(${pts}, 2 * (${fga} + 0.44 * ${fta}))`;
}

/** Possessions estimate: FGA − ORB + TOV + 0.44·FTA, from columns named with a prefix. */
export function possessions(prefix = ''): string {
  return `(${prefix}fg_attempted - ${prefix}offensive_rebounds + ${prefix}turnovers + 0.44 * ${prefix}ft_attempted)`;
}

/**
 * `UNNEST([expr - offsets[0], expr - offsets[1], …]) AS alias`, joined to the row
 * holding `expr`: one row per number expr − offset, to expand each row into the
 * games before it and reach those with an equi-join on `alias` (e.g. a game number
 * in a player's log). Built from the row's own column (a correlated UNNEST), so
 * that join has a single key on each side and no engine pairs the row with the
 * whole log first.
 */
export function unnestBack(expr: string, offsets: number[], alias: string): string {
  return `UNNEST([${offsets.map((o) => `${expr} - ${o}`).join(', ')}]) AS ${alias}`;
}

/**
 * AVG(alias.column) over a window of recent games (alias.games_ago 1 … n), adding
 * the values in games_ago order. Floating-point addition depends on its order, and
 * a GROUP BY adds a group's rows in whatever order the engine's threads deliver
 * them, which changes with the other dates in the statement: in a fixed order, a
 * date's figures are the same however the dates are chunked. NULLs are skipped and
 * no values give NULL, as with AVG. For FLOAT64 columns (an INT64 sum is exact in
 * any order, so AVG serves).
 */
export function orderedAvg(alias: string, column: string, n: number): string {
  const value = (i: number) => `COALESCE(MAX(CASE WHEN ${alias}.games_ago = ${i} THEN ${alias}.${column} END), 0)`;
  const sum = Array.from({ length: n }, (_, i) => value(i + 1)).join(' + ');
  return `SAFE_DIVIDE(${sum}, COUNT(CASE WHEN ${alias}.games_ago <= ${n} THEN ${alias}.${column} END))`;
}

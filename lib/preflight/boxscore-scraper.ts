/**
 * The original's prerequisite "player boxscore scraper fixed", checked: the
 * second box-score source (nba_raw.bdl_player_boxscores, which the player
 * summary falls back on) has rows for the latest final game dates. If not, a
 * warning names the last date it has, so the scraper is fixed before the
 * backfill leans on it.
 */
import { p } from '../warehouse/params.ts';
import type { Query, StepContext } from '../notebook/steps.ts';
import { table } from '../queries/tables.ts';

/** How many of the latest final game dates the source must hold. */
export const RECENT_GAME_DATES = 3;
export const SCRAPER_TABLE = 'nba_raw.bdl_player_boxscores';

/** The latest final game dates up to the range's end, and whether the source has rows for each; plus its last date. */
export function scraperQuery(ctx: StepContext): Query {
  return {
    sql: `WITH recent AS (
  SELECT DISTINCT game_date
  FROM ${table(ctx.project, 'nba_raw.nbac_schedule')}
  WHERE game_status = 3 AND game_date <= @end_date
  ORDER BY game_date DESC
  LIMIT ${RECENT_GAME_DATES}
),
scraped AS (
  SELECT DISTINCT game_date FROM ${table(ctx.project, SCRAPER_TABLE)} WHERE game_date <= @end_date
)
SELECT
  r.game_date,
  s.game_date IS NOT NULL AS has_rows,
  (SELECT MAX(game_date) FROM scraped) AS last_scraped_date
FROM recent AS r
LEFT JOIN scraped AS s ON s.game_date = r.game_date
ORDER BY r.game_date`,
    params: { end_date: p.date(ctx.range.end) },
  };
}

export interface ScraperRow { game_date: string; has_rows: boolean; last_scraped_date: string | null }

export interface ScraperVerdict { ok: boolean; message: string }

/** ✔ when every one of the latest final game dates has rows; else a warning naming the last date the source has. */
export function scraperVerdict(rows: readonly ScraperRow[]): ScraperVerdict {
  if (!rows.length) return { ok: false, message: 'no final game dates up to the end of the range: nothing to check the box-score scraper against' };
  const missing = rows.filter((r) => !r.has_rows).map((r) => r.game_date);
  const dates = rows.map((r) => r.game_date).join(', ');
  if (!missing.length) return { ok: true, message: `player boxscore scraper fixed: ${SCRAPER_TABLE} has rows for the latest final game dates (${dates})` };
  const last = rows[0].last_scraped_date;
  return {
    ok: false,
    message: `player boxscore scraper not fixed? ${SCRAPER_TABLE} has no rows for ${missing.join(', ')} (latest final game dates: ${dates}); `
      + `the last date it has is ${last ?? 'none (the table is empty)'}. Fix the scraper and re-load those dates (Step 1.3) before relying on it.`,
  };
}

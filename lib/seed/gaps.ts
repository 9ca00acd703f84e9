/**
 * The Phase 2 gaps the seeded warehouse starts with, so that the runbook's Step 1
 * gate has a real decision to make:
 *
 *   nbac_team_boxscore          8 dates (6 recoverable)  → 98.8 %: the undecided 95–99 % band; 99.7 % after the fix
 *   nbac_gamebook_player_stats  5 dates (4 recoverable)  → 99.3 %; bdl has the unrecoverable date, for the fallback
 *   bdl_player_boxscores       45 dates (40 recoverable) → 93.3 %: an optional table, "document and proceed"
 *   nbac_schedule               none
 *
 * A recoverable gap is a load that failed at the time (the source still has the
 * data, so re-running the load fixes it); an unrecoverable one is data the source
 * never had. Every date is a final game date, fixed here rather than drawn, so
 * the plan reads the same in code, tests and the runbook.
 */
import type { Phase2Table } from './rows.ts';

export interface Gap {
  table: Phase2Table;
  date: string;
  recoverable: boolean;
}

const gaps = (table: Phase2Table, recoverable: boolean, dates: string[]): Gap[] =>
  dates.map((date) => ({ table, date, recoverable }));

export const GAP_PLAN: readonly Gap[] = [
  // A 404 from the NBA.com boxscore feed early in 2021-22 (past the bootstrap week), and one in 2022-23.
  ...gaps('nbac_team_boxscore', false, ['2021-11-17', '2023-02-03']),
  // Scraper timeouts and a processor crash: the feed still has these.
  ...gaps('nbac_team_boxscore', true, ['2021-12-29', '2022-03-08', '2022-05-03', '2022-11-30', '2023-12-12', '2024-03-19']),

  // Gamebook PDFs that NBA.com never published; balldontlie has the date.
  ...gaps('nbac_gamebook_player_stats', false, ['2022-01-19']),
  ...gaps('nbac_gamebook_player_stats', true, ['2021-10-27', '2023-01-11', '2023-11-15', '2024-11-13']),

  // balldontlie outages: the first week of November 2021 was never backfilled by the API.
  ...gaps('bdl_player_boxscores', false, ['2021-11-01', '2021-11-02', '2021-11-03', '2021-11-04', '2021-11-05']),
  ...gaps('bdl_player_boxscores', true, [
    '2021-11-06', '2021-11-07',
    '2022-01-02', '2022-01-03', '2022-01-04', '2022-01-05', '2022-01-06', '2022-01-07', '2022-01-08',
    '2022-04-23', '2022-04-24', '2022-04-25', '2022-04-26', '2022-04-27',
    '2022-12-05', '2022-12-06', '2022-12-07', '2022-12-08', '2022-12-09', '2022-12-10', '2022-12-11',
    '2023-03-13', '2023-03-14', '2023-03-15', '2023-03-16', '2023-03-17', '2023-03-18', '2023-03-19',
    '2023-11-27', '2023-11-28', '2023-11-29', '2023-11-30', '2023-12-01', '2023-12-02',
    '2024-02-05', '2024-02-06', '2024-02-07', '2024-02-08', '2024-02-09', '2024-02-10',
  ]),
];

export function gapFor(table: Phase2Table, date: string): Gap | undefined {
  return GAP_PLAN.find((g) => g.table === table && g.date === date);
}

/** The one line a failed re-load reports for data the source never had. */
export function unrecoverableReason(table: Phase2Table, games: number): string {
  const n = `${games} game${games === 1 ? '' : 's'}`;
  switch (table) {
    case 'nbac_team_boxscore': return `source has no data: NBA.com boxscore feed returned 404 for ${n}`;
    case 'nbac_gamebook_player_stats': return `source has no data: NBA.com published no gamebook PDF for ${n}`;
    case 'bdl_player_boxscores': return `source has no data: balldontlie /stats returned 0 rows for ${n}`;
    default: return `source has no data for ${n}`;
  }
}

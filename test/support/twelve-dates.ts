/**
 * The runner tests' league: twelve dates in November 2021 with two final games
 * each (LAL v GSW, BOS v NYK), team box scores on every date but 11-03, and an
 * output table `nba_analytics.t` for jobs made by the test (teamJob). Loading it
 * runs none of the runner: only DDL and appends.
 */
import { DuckDBWarehouse } from '../../lib/warehouse/duckdb.ts';
import { ensureBaseSchema } from '../../lib/warehouse/open.ts';
import { PHASE2_TABLES, createTableSql } from '../../lib/seed/schema.ts';
import type { RunnableJob } from '../../lib/backfill/runner.ts';

export const TWELVE_DATES = ['2021-11-01', '2021-11-02', '2021-11-03', '2021-11-04', '2021-11-05', '2021-11-06', '2021-11-08', '2021-11-09', '2021-11-10', '2021-11-11', '2021-11-12', '2021-11-13'];

/** A fresh in-memory warehouse holding the league. Close it after each test, passed or failed. */
export async function openTwelveDates(project: string): Promise<DuckDBWarehouse> {
  const w = new DuckDBWarehouse({ file: ':memory:', project });
  await ensureBaseSchema(w);
  for (const t of PHASE2_TABLES) await w.execute(createTableSql(t, project));
  const schedule: Record<string, unknown>[] = [];
  const box: Record<string, unknown>[] = [];
  for (const [i, d] of TWELVE_DATES.entries()) {
    for (const g of [0, 1]) {
      const [h, a] = g ? ['BOS', 'NYK'] : ['LAL', 'GSW'];
      schedule.push({ game_id: `g${i}-${g}`, game_date: d, game_status: 3, home_team_abbr: h, away_team_abbr: a });
      if (d !== '2021-11-03') for (const team of [h, a]) box.push({ game_id: `g${i}-${g}`, game_date: d, team_abbr: team, points: 100 });
    }
  }
  // Appended in one go each (a statement per row made this the slowest part of every test).
  for (const [name, rows] of [['nba_raw.nbac_schedule', schedule], ['nba_raw.nbac_team_boxscore', box]] as const) {
    const cols = PHASE2_TABLES.find((t) => t.name === name)!.columns.map(([c]) => c);
    await w.append(name, cols, rows.map((r) => cols.map((c) => r[c] ?? null)));
  }
  await w.execute(`CREATE TABLE IF NOT EXISTS \`${project}.nba_analytics.t\` (game_id STRING, team_abbr STRING, game_date DATE, points INT64)`);
  return w;
}

/** A job writing nba_analytics.t from `select` (`$P` stands for the project), keyed by game and team. */
export const teamJob = (select: string, extra: Partial<RunnableJob> = {}): RunnableJob => ({
  job: 'analytics/t', processorName: 'TProcessor', phase: 'phase_3_analytics',
  output: { name: 'nba_analytics.t', dateColumn: 'game_date', keys: ['game_id', 'team_abbr'] },
  dependencies: [{ table: 'nba_raw.nbac_team_boxscore', dateColumn: 'game_date', lookbackDays: 0, required: true }],
  insertSql: (pr) => `INSERT INTO \`${pr}.nba_analytics.t\` (game_id, team_abbr, game_date, points) ${select.replaceAll('$P', pr)}`,
  ...extra,
});

/** The box scores of the dates asked for, as they are. */
export const fromBox = 'SELECT game_id, team_abbr, game_date, points FROM `$P.nba_raw.nbac_team_boxscore` WHERE game_date IN UNNEST(@dates)';

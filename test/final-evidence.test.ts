/**
 * What Step 5 loads from the warehouse (lib/final/evidence.ts), in process, on
 * a small in-memory warehouse: the tables it checks, each table's expected and
 * actual figures, the quality figures per season and the re-run plan. The
 * checking itself is tested in test/final.test.ts; here, that the right facts
 * reach it. Expected values worked out by hand from the games placed below.
 *
 * 2021-22: regular season from 2021-10-19 (bootstrap to 10-25), postseason
 * from 2022-04-12. 2024-25 is in progress: its regular season ends at the as-of date.
 */
import { describe, expect, it } from 'vitest';
import { finalSources, loadOutcomes, loadQuality, verdictOf } from '../lib/final/evidence.ts';
import type { RunContext } from '../lib/notebook/steps.ts';
import { p } from '../lib/warehouse/params.ts';
import type { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { P3, P4, stateWarehouse, type GameAt } from './support/state-warehouse.ts';
import { errorText, type Attempt } from './support/small-warehouse.ts';

const AS_OF = '2024-11-29';
const PGS = 'PlayerGameSummaryProcessor';
const TDGS = 'TeamDefenseGameSummaryProcessor';
const PSZA = 'PlayerShotZoneAnalysisProcessor';

/**
 * Games: 2021-10-19 and 10-20 (bootstrap), 11-02 (the only props lines), 11-03
 * (no team box score: its load failed), 11-16, a playoff game on 2022-04-20,
 * and 2024-11-05 and 11-20 in the season in progress.
 */
const GAMES: GameAt[] = [
  { date: '2021-10-19' }, { date: '2021-10-20' }, { date: '2021-11-02', props: true }, { date: '2021-11-03', teamBox: false },
  { date: '2021-11-16' }, { date: '2022-04-20', playoffs: true }, { date: '2024-11-05' }, { date: '2024-11-20' },
];
const SEASON_2021 = ['2021-10-19', '2021-10-20', '2021-11-02', '2021-11-03', '2021-11-16', '2022-04-20'];

/**
 * player_game_summary holds every date (and ran the playoff game: the postseason
 * is in the scope run); team_defense_game_summary lacks 11-03 (DependencyError on
 * the team box score, whose re-load failed) and 04-20 (never run);
 * player_shot_zone_analysis holds 11-02 (2 records: 1 Good, 1 without zones) and
 * 11-16 (4 records: 3 Good, 1 without zones). Nothing else ran.
 */
async function league() {
  const dep = errorText('DependencyError', 'upstream data missing for the date: nba_raw.nbac_team_boxscore', { missing_dependencies: ['nba_raw.nbac_team_boxscore'] });
  const attempts: Attempt[] = [
    { processor: 'NbacTeamBoxscoreProcessor', phase: 'phase_2_raw', date: '2021-11-03', status: 'failed', errors: errorText('SourceUnavailable', 'source has no data') },
    { processor: PGS, phase: 'phase_3_analytics', date: '2022-04-20', status: 'success' },
    { processor: TDGS, phase: 'phase_3_analytics', date: '2021-11-03', status: 'failed', errors: dep, missing: ['nba_raw.nbac_team_boxscore'] },
  ];
  const { w, close } = await stateWarehouse({
    games: GAMES, attempts,
    rows: { [PGS]: SEASON_2021, [TDGS]: ['2021-10-19', '2021-10-20', '2021-11-02', '2021-11-16'] },
  });
  const shots: [string, number, string | null][] = [
    ['2021-11-02', 95, 'paint'], ['2021-11-02', 50, null],
    ['2021-11-16', 95, null], ['2021-11-16', 95, 'paint'], ['2021-11-16', 95, 'mid_range'], ['2021-11-16', 80, 'paint'],
  ];
  for (const [k, [d, pct, zone]] of shots.entries()) {
    await w.execute(`INSERT INTO \`${w.project}.nba_precompute.player_shot_zone_analysis\` (analysis_date, player_lookup, completeness_pct, primary_scoring_zone)
VALUES (@d, @player, @pct, @zone)`, { d: p.date(d), player: `p${k}`, pct: p.float(pct), zone: zone ?? p.null('STRING') });
  }
  return { w, close };
}

const ctxOf = (w: DuckDBWarehouse, range: { start: string; end: string }, asOf = AS_OF) =>
  ({ w, range, asOf, season: null, project: 'nba-props-platform' }) as unknown as RunContext;

async function withLeague<T>(run: (w: DuckDBWarehouse) => Promise<T>): Promise<T> {
  const { w, close } = await league();
  try { return await run(w); } finally { await close(); }
}

describe('Step 5 evidence from the warehouse', () => {
  it('checks every job’s table in run order: the raw loads, then Phase 3, then Phase 4', () => {
    expect(finalSources().map((s) => s.processorName)).toEqual([
      'NbacScheduleProcessor', 'NbacTeamBoxscoreProcessor', 'NbacGamebookProcessor', 'BdlBoxscoresProcessor', 'OddsApiPropsProcessor', 'NbacPlayByPlayProcessor',
      ...P3, ...P4,
    ]);
    expect(P4).toEqual(['TeamDefenseZoneAnalysisProcessor', PSZA, 'PlayerCompositeFactorsProcessor', 'PlayerDailyCacheProcessor', 'MLFeatureStoreProcessor']);
  });

  it('each table’s expected and actual dates; a gap whose raw load failed is unavailable at the source', async () => {
    const outcomes = await withLeague((w) => loadOutcomes(ctxOf(w, { start: '2021-10-01', end: '2022-06-30' })));
    // Phase 3: the 5 regular-season game dates and the playoff game (the player context: 11-02 only);
    // Phase 4: the same without the two bootstrap dates.
    expect(outcomes.map((o) => [o.row.table, o.expected.length, o.actual, o.met])).toEqual([
      ['player_game_summary', 6, 6, true],
      ['team_defense_game_summary', 6, 4, false],
      ['team_offense_game_summary', 6, 0, false],
      ['upcoming_player_game_context', 1, 0, false],
      ['upcoming_team_game_context', 6, 0, false],
      ['player_shot_zone_analysis', 4, 2, false],
      ['team_defense_zone_analysis', 4, 0, false],
      ['player_composite_factors', 4, 0, false],
      ['player_daily_cache', 4, 0, false],
      ['ml_feature_store', 4, 0, false],
    ]);
    const tdgs = outcomes[1];
    expect(tdgs.missing.map((m) => [m.date, m.missing, m.unavailable])).toEqual([
      ['2021-11-03', ['nba_raw.nbac_team_boxscore'], ['nba_raw.nbac_team_boxscore']],
      ['2022-04-20', [], []],
    ]);
    expect(outcomes[5].missing.map((m) => m.date)).toEqual(['2021-11-03', '2022-04-20']);
  });

  it('the season in progress counts to the as-of date', async () => {
    const outcomes = await withLeague((w) => loadOutcomes(ctxOf(w, { start: '2024-10-01', end: '2024-11-30' }, '2024-11-10')));
    expect(outcomes[0].expected).toEqual(['2024-11-05']);
  });

  it('the quality figures of each season in the range, from player_shot_zone_analysis', async () => {
    const [whole, early] = await withLeague(async (w) => [
      await loadQuality(ctxOf(w, { start: '2021-10-01', end: '2022-06-30' })),
      await loadQuality(ctxOf(w, { start: '2021-10-01', end: '2021-11-10' })),
    ]);
    // 11-02 is in week 3 (14 days after 10-19): 1 of 2 Good; 11-16 in week 5: 3 of 4; 2 of 6 without zones.
    expect(whole.map((q) => [q.kind, q.season, q.actual, q.status])).toEqual([
      ['early-degraded', '2021-22', '50% Good of 2 records', 'met'],
      ['good-after-week-3', '2021-22', '75% Good of 4 records', 'not met'],
      ['zones-null', 'all', '33.3% of 6 records without zones', 'not met'],
    ]);
    // To 11-10: only 11-02.
    expect(early.map((q) => q.actual)).toEqual(['50% Good of 2 records', 'no records', '50% of 2 records without zones']);
  });

  it('the re-run plan: a postseason a job never ran gets the postseason’s range; a gap the source cannot fill is listed apart', async () => {
    const verdict = await withLeague(async (w) => {
      const ctx = ctxOf(w, { start: '2021-10-01', end: '2022-06-30' });
      return verdictOf(ctx, await loadOutcomes(ctx), []);
    });
    const job = finalSources().find((s) => s.processorName === TDGS)!.job;
    expect(verdict.plan.steps.filter((s) => s.job === job).map((s) => s.command)).toEqual([`./bin/run_backfill.sh ${job} --start-date=2022-04-12 --end-date=2022-06-30`]);
    expect(verdict.plan.unrecoverable).toEqual([
      { job, tables: ['nba_raw.nbac_team_boxscore'], dates: ['2021-11-03'], why: 'the source has nothing for nba_raw.nbac_team_boxscore (its re-load already failed)' },
    ]);
    expect(verdict.outcomes).toHaveLength(10);
    expect(verdict.quality).toEqual([]);
  });

  it('no outcomes: an empty plan', () => {
    const ctx = ctxOf(null as unknown as DuckDBWarehouse, { start: '2021-10-01', end: '2022-06-30' });
    expect(verdictOf(ctx, [], [])).toEqual({ outcomes: [], quality: [], plan: { steps: [], unrecoverable: [] } });
  });
});

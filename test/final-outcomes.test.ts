/**
 * Step 5's expected outcomes on small facts, one table at a time, with every
 * line of the basis and of the difference written out by hand: the range's
 * edges, a Phase 4 table's bootstrap dates, the player context's props lines,
 * postseasons run, the partial season, and the kinds of extra dates.
 */
import { describe, expect, it } from 'vitest';
import { expectedOutcomes, outcomeRows } from '../lib/final/outcomes.ts';
import type { CoverageFacts, CoverageSource, TableFacts } from '../lib/calendar-view/facts.ts';
import type { LatestAttempt } from '../lib/calendar-view/states.ts';

const AS_OF = '2024-11-29';
const SOURCES = {
  pgs: { job: 'analytics/player_game_summary', processorName: 'PlayerGameSummaryProcessor', phase: 'phase_3_analytics', output: { name: 'nba_analytics.player_game_summary', dateColumn: 'game_date' } },
  upgc: {
    job: 'analytics/upcoming_player_game_context', processorName: 'UpcomingPlayerGameContextProcessor', phase: 'phase_3_analytics',
    output: { name: 'nba_analytics.upcoming_player_game_context', dateColumn: 'game_date' }, scope: { table: 'nba_raw.odds_api_player_points_props', dateColumn: 'game_date' },
  },
  raw: { job: 'raw/nbac_team_boxscore', processorName: 'NbacTeamBoxscoreProcessor', phase: 'phase_2_raw', output: { name: 'nba_raw.nbac_team_boxscore', dateColumn: 'game_date' } },
  tdgs: { job: 'analytics/team_defense_game_summary', processorName: 'TeamDefenseGameSummaryProcessor', phase: 'phase_3_analytics', output: { name: 'nba_analytics.team_defense_game_summary', dateColumn: 'game_date' } },
  tdza: { job: 'precompute/team_defense_zone_analysis', processorName: 'TeamDefenseZoneAnalysisProcessor', phase: 'phase_4_precompute', output: { name: 'nba_precompute.team_defense_zone_analysis', dateColumn: 'analysis_date' } },
  psza: { job: 'precompute/player_shot_zone_analysis', processorName: 'PlayerShotZoneAnalysisProcessor', phase: 'phase_4_precompute', output: { name: 'nba_precompute.player_shot_zone_analysis', dateColumn: 'analysis_date' } },
} satisfies Record<string, CoverageSource>;

/** Facts with one table: the game dates and the table's dates in the order given (sets keep it). */
function facts(range: { start: string; end: string }, games: string[], t: { source: CoverageSource; present: string[]; latest?: [string, LatestAttempt][]; outOfScope?: string[] }): CoverageFacts {
  const table: TableFacts = { source: t.source, present: new Set(t.present), latest: new Map(t.latest ?? []), outOfScope: new Set(t.outOfScope ?? []) };
  return { range, gameDates: new Set(games), tables: [table] };
}
const success: LatestAttempt = { status: 'success', skip_reason: null, missing_dependencies: null, errors: null };

describe('expected outcomes, line by line', () => {
  it('counts only the range’s game dates and rows, its first and last day included; an expected date missing and a date without a game are both said', () => {
    // 10-31 and 11-06 lie outside the range; 11-03 has no rows; 11-02 has rows but no game.
    const f = facts({ start: '2021-11-01', end: '2021-11-05' }, ['2021-11-05', '2021-11-06', '2021-11-03', '2021-10-31', '2021-11-01'],
      { source: SOURCES.pgs, present: ['2021-10-31', '2021-11-01', '2021-11-02', '2021-11-05', '2021-11-06'] });
    const outs = expectedOutcomes(f, { asOf: AS_OF });
    expect(outs).toHaveLength(1);
    expect(outs[0]).toMatchObject({
      expected: ['2021-11-01', '2021-11-03', '2021-11-05'], originalFromData: 3, actual: 3, met: false,
      basis: ['3 final game dates in 2021-11-01..2021-11-05', "regular seasons (the original's ranges): 3"],
      difference: ['1 date never run: 2021-11-03', 'dates without a final game that have rows: 1'],
    });
    expect(outcomeRows(outs)[0].difference).toBe('1 date never run: 2021-11-03; dates without a final game that have rows: 1');
  });

  it('a Phase 4 table: bootstrap dates noted once and not expected; its extra dates told apart, bootstrap or without a game', () => {
    const f = facts({ start: '2021-10-19', end: '2021-11-05' }, ['2021-10-19', '2021-11-01', '2021-11-03'],
      { source: SOURCES.psza, present: ['2021-10-20', '2021-11-01', '2021-11-02', '2021-11-03'] });
    const [o] = expectedOutcomes(f, { asOf: AS_OF });
    expect(o).toMatchObject({
      expected: ['2021-11-01', '2021-11-03'], originalFromData: 2, actual: 4, met: true,
      basis: ['3 final game dates in 2021-10-19..2021-11-05', "regular seasons (the original's ranges): 3", 'bootstrap dates (first 7 days of each season): 1'],
      difference: ['bootstrap dates with rows (expected none): 1', 'dates without a final game that have rows: 1'],
    });
  });

  it('the player context: game dates without props lines noted once and not expected; rows on one of them said so', () => {
    const f = facts({ start: '2021-11-01', end: '2021-11-05' }, ['2021-11-01', '2021-11-03', '2021-11-05'],
      { source: SOURCES.upgc, present: ['2021-11-01', '2021-11-03', '2021-11-05'], outOfScope: ['2021-11-01'] });
    const [o] = expectedOutcomes(f, { asOf: AS_OF });
    expect(o).toMatchObject({
      expected: ['2021-11-03', '2021-11-05'], originalFromData: 2, met: true,
      basis: ['3 final game dates in 2021-11-01..2021-11-05', "regular seasons (the original's ranges): 3", 'game dates without props lines: 1'],
      difference: ['dates without props lines that have rows: 1'],
    });
  });

  it('postseasons a job ran are expected and listed as run, season by season; none is listed as left out', () => {
    const f = facts({ start: '2021-10-19', end: '2023-06-30' }, ['2021-10-19', '2022-04-20', '2022-10-18', '2023-04-20'],
      { source: SOURCES.pgs, present: ['2021-10-19', '2022-04-20', '2022-10-18', '2023-04-20'], latest: [['2022-04-20', success], ['2023-04-20', success]] });
    const [o] = expectedOutcomes(f, { asOf: AS_OF });
    expect(o.basis).toEqual(['4 final game dates in 2021-10-19..2023-06-30', "regular seasons (the original's ranges): 2", 'postseasons run: 2 (2021-22: 1, 2022-23: 1)']);
    expect(o.expected).toHaveLength(4);
  });

  it('the season in progress is said to be counted to the as-of date only when the range reaches it', () => {
    const reaching = facts({ start: '2024-10-22', end: '2024-12-31' }, ['2024-10-22', '2024-11-01'], { source: SOURCES.pgs, present: ['2024-10-22', '2024-11-01'] });
    expect(expectedOutcomes(reaching, { asOf: AS_OF })[0].basis).toEqual([
      '2 final game dates in 2024-10-22..2024-12-31', "regular seasons (the original's ranges): 2", '2024-25 counted to the as-of date 2024-11-29',
    ]);
    const before = facts({ start: '2024-10-22', end: '2024-11-10' }, ['2024-10-22', '2024-11-01'], { source: SOURCES.pgs, present: ['2024-10-22', '2024-11-01'] });
    expect(expectedOutcomes(before, { asOf: AS_OF })[0].basis).toEqual(['2 final game dates in 2024-10-22..2024-11-10', "regular seasons (the original's ranges): 2"]);
  });

  it('a missing date’s unavailable inputs are the Phase 2 tables whose re-load failed, never a failed Phase 3 table', () => {
    const failed = (errors: string, missing: string[] | null = null): LatestAttempt => ({ status: 'failed', skip_reason: null, missing_dependencies: missing, errors });
    const table = (source: CoverageSource, latest: LatestAttempt): TableFacts => ({ source, present: new Set(['2021-11-01']), latest: new Map([['2021-11-03', latest]]), outOfScope: new Set() });
    const f: CoverageFacts = {
      range: { start: '2021-11-01', end: '2021-11-05' }, gameDates: new Set(['2021-11-01', '2021-11-03']),
      tables: [
        table(SOURCES.raw, failed('{"error_type":"SourceUnavailable"}')),
        table(SOURCES.tdgs, failed('{"error_type":"DependencyError"}', ['nba_raw.nbac_team_boxscore'])),
        table(SOURCES.tdza, failed('{"error_type":"DependencyError"}', ['nba_analytics.team_defense_game_summary'])),
      ],
    };
    expect(expectedOutcomes(f, { asOf: AS_OF }).map((o) => [o.row.table, o.missing])).toEqual([
      ['team_defense_game_summary', [{ date: '2021-11-03', why: 'DependencyError (nba_raw.nbac_team_boxscore)', missing: ['nba_raw.nbac_team_boxscore'], unavailable: ['nba_raw.nbac_team_boxscore'] }]],
      ['team_defense_zone_analysis', [{ date: '2021-11-03', why: 'DependencyError (nba_analytics.team_defense_game_summary)', missing: ['nba_analytics.team_defense_game_summary'], unavailable: [] }]],
    ]);
  });
});

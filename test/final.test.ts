/**
 * Step 5's arithmetic on a fixture with known gaps: expected figures from the
 * schedule, the per-season ranges, the bootstrap rule and the odds feed; each
 * difference in words; the re-run plan; the quality expectations; the gate.
 */
import { describe, expect, it, beforeEach } from 'vitest';
import type { CoverageFacts, CoverageSource, TableFacts } from '../lib/calendar-view/facts.ts';
import type { LatestAttempt } from '../lib/calendar-view/states.ts';
import { expectedOutcomes, outcomeRows, type TableOutcome } from '../lib/final/outcomes.ts';
import { planFor } from '../lib/final/plan.ts';
import { backfillRanges } from '../lib/final/ranges.ts';
import { scopeRanges } from '../lib/final/scope.ts';
import { qualityExpectations, type QualityDay } from '../lib/final/quality.ts';
import { acceptanceGate } from '../lib/final/acceptance.ts';
import { rerunPlan } from '../lib/final/rerun.ts';
import { SEASONS, addDays, eachDate } from '../lib/seasons/calendar.ts';
import { seasonParts } from '../lib/backfill/season-status.ts';

const AS_OF = '2024-11-29';
const RANGE = { start: '2021-10-01', end: '2022-06-30' };

function src(job: string, table: string, phase: CoverageSource['phase'], scope = false): CoverageSource {
  return {
    job, processorName: `${table}Processor`, phase, output: { name: table, dateColumn: 'game_date' },
    ...(scope ? { scope: { table: 'nba_raw.odds_api_player_points_props', dateColumn: 'game_date' } } : {}),
  };
}

/** In run order, as the registry lists them. */
const SOURCES = {
  raw: src('raw/nbac_team_boxscore', 'nba_raw.nbac_team_boxscore', 'phase_2_raw'),
  pgs: src('analytics/player_game_summary', 'nba_analytics.player_game_summary', 'phase_3_analytics'),
  tdgs: src('analytics/team_defense_game_summary', 'nba_analytics.team_defense_game_summary', 'phase_3_analytics'),
  togs: src('analytics/team_offense_game_summary', 'nba_analytics.team_offense_game_summary', 'phase_3_analytics'),
  utgc: src('analytics/upcoming_team_game_context', 'nba_analytics.upcoming_team_game_context', 'phase_3_analytics'),
  upgc: src('analytics/upcoming_player_game_context', 'nba_analytics.upcoming_player_game_context', 'phase_3_analytics', true),
  tdza: src('precompute/team_defense_zone_analysis', 'nba_precompute.team_defense_zone_analysis', 'phase_4_precompute'),
  psza: src('precompute/player_shot_zone_analysis', 'nba_precompute.player_shot_zone_analysis', 'phase_4_precompute'),
  pcf: src('precompute/player_composite_factors', 'nba_precompute.player_composite_factors', 'phase_4_precompute'),
  pdc: src('precompute/player_daily_cache', 'nba_precompute.player_daily_cache', 'phase_4_precompute'),
  mfs: src('precompute/ml_feature_store', 'nba_predictions.ml_feature_store', 'phase_4_precompute'),
};
const ORDER = Object.values(SOURCES);

/** Ten regular-season game dates (the first five in the bootstrap week), three playoff dates. */
const REGULAR = ['2021-10-19', '2021-10-20', '2021-10-22', '2021-10-24', '2021-10-25', '2021-10-27', '2021-10-29', '2021-11-01', '2021-11-03', '2021-11-05'];
const BOOTSTRAP = REGULAR.slice(0, 5);
const AFTER = REGULAR.slice(5);
const PLAYOFFS = ['2022-04-16', '2022-04-18', '2022-04-20'];
const ODDS = ['2021-10-29', '2021-11-01', '2021-11-03', '2021-11-05'];

const dependency = (missing: string): LatestAttempt => ({ status: 'failed', skip_reason: null, missing_dependencies: [missing], errors: '{"error_type":"DependencyError"}' });
const processorError: LatestAttempt = { status: 'failed', skip_reason: null, missing_dependencies: null, errors: '{"error":"ProcessorError: connection reset","error_type":"ProcessorError"}' };
const bootstrapSkip: LatestAttempt = { status: 'skipped', skip_reason: 'bootstrap', missing_dependencies: null, errors: null };
const sourceEmpty: LatestAttempt = { status: 'failed', skip_reason: null, missing_dependencies: null, errors: '{"error_type":"SourceUnavailable"}' };
const without = (dates: string[], ...gone: string[]) => dates.filter((d) => !gone.includes(d));

/** A table's dates with rows, and the latest attempts worth saying. */
interface Spec { present: string[]; latest?: [string, LatestAttempt][] }
type Key = keyof typeof SOURCES;

function facts(over: Partial<Record<Key, Spec>> = {}): CoverageFacts {
  const base: Record<Key, Spec> = {
    // 10-27's team box score is gone at the source (its re-load failed); 11-03's was never re-loaded.
    raw: { present: without(REGULAR, '2021-10-27', '2021-11-03'), latest: [['2021-10-27', sourceEmpty]] },
    pgs: { present: [...REGULAR, '2022-04-16'] },
    tdgs: { present: without(REGULAR, '2021-10-27', '2021-11-03'), latest: [['2021-10-27', dependency('nba_raw.nbac_team_boxscore')], ['2021-11-03', dependency('nba_raw.nbac_team_boxscore')]] },
    togs: { present: without(REGULAR, '2021-11-05') },
    utgc: { present: without(REGULAR, '2021-10-19'), latest: [['2021-10-19', bootstrapSkip]] },
    upgc: { present: without(ODDS, '2021-11-05'), latest: [['2021-11-05', processorError]] },
    tdza: { present: without(AFTER, '2021-10-27', '2021-11-03'), latest: [['2021-10-27', dependency('nba_analytics.team_defense_game_summary')], ['2021-11-03', dependency('nba_analytics.team_defense_game_summary')], ...BOOTSTRAP.map((d): [string, LatestAttempt] => [d, bootstrapSkip])] },
    psza: { present: AFTER },
    pcf: { present: [...AFTER, '2021-10-25'] },
    pdc: { present: AFTER },
    mfs: { present: AFTER },
  };
  const gameDates = [...REGULAR, ...PLAYOFFS];
  return {
    range: RANGE,
    gameDates: new Set(gameDates),
    tables: (Object.keys(SOURCES) as Key[]).map((k): TableFacts => {
      const f = over[k] ?? base[k];
      const s = SOURCES[k];
      return {
        source: s, present: new Set(f.present), latest: new Map(f.latest ?? []),
        outOfScope: new Set(s.scope ? gameDates.filter((d) => !ODDS.includes(d)) : []),
      };
    }),
  };
}

const byTable = (outs: TableOutcome[]) => Object.fromEntries(outs.map((o) => [o.row.table, o]));

describe('the backfilled ranges', () => {
  it('are the regular seasons cut to the range, the partial one ending at the as-of date', () => {
    expect(backfillRanges(RANGE, AS_OF)).toEqual([{ title: '2021-22', start: '2021-10-19', end: '2022-04-10' }]);
    expect(backfillRanges({ start: '2021-10-01', end: '2024-11-29' }, '2024-11-15').map((r) => `${r.title} ${r.start}..${r.end}`)).toEqual([
      '2021-22 2021-10-19..2022-04-10', '2022-23 2022-10-18..2023-04-09', '2023-24 2023-10-24..2024-04-14', '2024-25 2024-10-22..2024-11-15',
    ]);
  });
});

describe('expected outcomes', () => {
  // Computed per test, not in the describe body: mutation testing switches a
  // mutant on after the test files are collected (docs/TESTING.md).
  let outs: ReturnType<typeof byTable>;
  beforeEach(() => { outs = byTable(expectedOutcomes(facts(), { asOf: AS_OF })); });

  it('has a row per table of the original (and the feature store), with its approximate figure', () => {
    expect(Object.keys(outs)).toEqual([
      'player_game_summary', 'team_defense_game_summary', 'team_offense_game_summary', 'upcoming_player_game_context', 'upcoming_team_game_context',
      'player_shot_zone_analysis', 'team_defense_zone_analysis', 'player_composite_factors', 'player_daily_cache', 'ml_feature_store',
    ]);
    expect(outcomeRows(Object.values(outs)).map((r) => r.original)).toEqual(['~650', '~650', '~650', '~270', '~650', '~620', '~620', '~620', '~620', '—']);
  });

  it('derives the expected figures: game dates in the per-season ranges, minus bootstrap for Phase 4, with props lines for the player context', () => {
    expect(outs.player_game_summary.expected).toEqual(REGULAR);
    expect(outs.team_defense_zone_analysis.expected).toEqual(AFTER);
    expect(outs.upcoming_player_game_context.expected).toEqual(ODDS);
    expect(outs.player_game_summary.basis).toEqual([
      '13 final game dates in 2021-10-01..2022-06-30', "regular seasons (the original's ranges): 10", 'postseasons left out (not expected): 3 (2021-22: 3)',
    ]);
    expect(outs.player_shot_zone_analysis.basis).toContain('bootstrap dates (first 7 days of each season): 5');
    expect(outs.upcoming_player_game_context.basis).toContain('game dates without props lines: 6');
  });

  it('marks met or not, and explains each difference from the run history', () => {
    const status = Object.fromEntries(Object.values(outs).map((o) => [o.row.table, [o.expected.length, o.actual, o.met]]));
    expect(status).toEqual({
      player_game_summary: [10, 11, true],
      team_defense_game_summary: [10, 8, false],
      team_offense_game_summary: [10, 9, false],
      upcoming_player_game_context: [4, 3, false],
      upcoming_team_game_context: [10, 9, false],
      player_shot_zone_analysis: [5, 5, true],
      team_defense_zone_analysis: [5, 3, false],
      player_composite_factors: [5, 6, true],
      player_daily_cache: [5, 5, true],
      ml_feature_store: [5, 5, true],
    });
    expect(outs.player_game_summary.difference).toEqual(['dates outside the scope run also present (not required): 1']);
    expect(outs.team_defense_game_summary.difference).toEqual(['2 dates failed with DependencyError (nba_raw.nbac_team_boxscore): 2021-10-27, 2021-11-03']);
    expect(outs.team_offense_game_summary.difference).toEqual(['1 date never run: 2021-11-05']);
    expect(outs.upcoming_player_game_context.difference).toEqual(['1 date failed (ProcessorError): 2021-11-05']);
    expect(outs.upcoming_team_game_context.difference).toEqual(['1 date skipped: bootstrap: 2021-10-19']);
    expect(outs.team_defense_zone_analysis.difference).toEqual(['2 dates failed with DependencyError (nba_analytics.team_defense_game_summary): 2021-10-27, 2021-11-03']);
    expect(outs.player_composite_factors.difference).toEqual(['bootstrap dates with rows (expected none): 1']);
    expect(outs.player_daily_cache.difference).toEqual(['none: every expected date is present']);
    expect(outcomeRows([outs.team_defense_game_summary])[0].status).toBe('NOT MET (2 missing)');
  });

  it('says which missing dates the source cannot fill', () => {
    expect(outs.team_defense_game_summary.missing).toEqual([
      { date: '2021-10-27', why: 'DependencyError (nba_raw.nbac_team_boxscore)', missing: ['nba_raw.nbac_team_boxscore'], unavailable: ['nba_raw.nbac_team_boxscore'] },
      { date: '2021-11-03', why: 'DependencyError (nba_raw.nbac_team_boxscore)', missing: ['nba_raw.nbac_team_boxscore'], unavailable: [] },
    ]);
  });

  it('counts the partial season to the as-of date', () => {
    const late = { ...facts(), range: { start: '2024-10-01', end: '2024-12-31' }, gameDates: new Set(['2024-10-22', '2024-11-20', '2024-12-10']) };
    const o = byTable(expectedOutcomes(late, { asOf: '2024-11-29' })).player_game_summary;
    expect(o.expected).toEqual(['2024-10-22', '2024-11-20']);
    expect(o.basis).toContain('2024-25 counted to the as-of date 2024-11-29');
    // After the as-of date: not final, so not expected; said so, with the command for later.
    expect(o.scope.leftOut).toEqual([{
      what: '2024-25 after 2024-11-29', games: 0, why: 'the season is in progress: its later games are not final on the as-of date',
      command: './runbook/04-remaining-seasons.mts --seasons 2024-25 --as-of <a later date>',
    }]);
  });

  it('met means every expected date is present: extra dates never make up for a missing one (issue 16)', () => {
    // 12 dates present against 10 expected, yet 2021-11-05 is missing.
    const o = byTable(expectedOutcomes(facts({ pgs: { present: [...without(REGULAR, '2021-11-05'), ...PLAYOFFS] } }), { asOf: AS_OF })).player_game_summary;
    expect([o.expected.length, o.actual, o.met]).toEqual([10, 12, false]);
    expect(o.missing.map((m) => m.date)).toEqual(['2021-11-05']);
    expect(outcomeRows([o])[0].status).toBe('NOT MET (1 missing)');
  });
});

describe("Step 4's season parts", () => {
  it("--regular-season-only is the original's four ranges exactly; by default each postseason follows its regular season", () => {
    // The original's Step 2-4 ranges, written out by hand.
    const original = ['2021-22 2021-10-19..2022-04-10', '2022-23 2022-10-18..2023-04-09', '2023-24 2023-10-24..2024-04-14', '2024-25 2024-10-22..2024-11-29'];
    const show = (ps: { id: string; start: string; end: string; part: string }[]) => ps.map((x) => `${x.id}${x.part === 'regular' ? '' : ` ${x.part}`} ${x.start}..${x.end}`);
    expect(show(seasonParts(SEASONS, AS_OF, { postseason: false }))).toEqual(original);
    expect(show(seasonParts(SEASONS, AS_OF, { postseason: true }))).toEqual([
      original[0], '2021-22 postseason 2022-04-12..2022-06-30', original[1], '2022-23 postseason 2023-04-11..2023-06-30',
      original[2], '2023-24 postseason 2024-04-16..2024-06-30', original[3],
    ]);
  });
});

describe('expected outcomes with and without the postseason', () => {
  const ran: LatestAttempt = { status: 'success', skip_reason: null, missing_dependencies: null, errors: null };
  /** Every table complete for the regular season (as the fixture's "all" case); the postseason as given. */
  const complete = (post: Partial<Record<Key, Spec>>) => facts({
    tdgs: { present: REGULAR }, togs: { present: REGULAR }, utgc: { present: REGULAR }, upgc: { present: ODDS }, tdza: { present: AFTER }, ...post,
  });

  it('without: the postseason is left out, said so with the command that fills it, and not expected', () => {
    const outs = expectedOutcomes(complete({ pgs: { present: REGULAR } }), { asOf: AS_OF });
    const scope = outs[0].scope;
    expect(scope.label).toBe("regular seasons only (the original's ranges)");
    expect(scope.leftOut).toEqual([{
      what: '2021-22 postseason', games: 3, why: "play-in and playoffs are outside the original's per-season ranges, and no Phase 3/4 job has run them",
      command: './runbook/02-phase3.mts --season 2021-22 --part postseason && ./runbook/03-phase4.mts --season 2021-22 --part postseason',
    }]);
    const t = byTable(outs);
    expect([t.player_game_summary.expected.length, t.player_game_summary.originalFromData, t.player_game_summary.met]).toEqual([10, 13, true]);
    // Phase 4: the original's figure in this data drops the 5 bootstrap dates only.
    expect([t.player_shot_zone_analysis.expected.length, t.player_shot_zone_analysis.originalFromData]).toEqual([5, 8]);
    expect(outs.every((o) => o.met)).toBe(true);
  });

  it('with: a postseason any Phase 3/4 job ran is expected in full, for every table, and a table without it is not met', () => {
    // Phase 3's player summary ran the three playoff dates; nothing else did.
    const outs = byTable(expectedOutcomes(complete({ pgs: { present: [...REGULAR, ...PLAYOFFS], latest: PLAYOFFS.map((d): [string, LatestAttempt] => [d, ran]) } }), { asOf: AS_OF }));
    expect(outs.player_game_summary.scope.label).toBe('regular seasons + 1 postseason');
    expect(outs.player_game_summary.scope.leftOut).toEqual([]);
    expect(outs.player_game_summary.basis).toContain('postseasons run: 3 (2021-22: 3)');
    expect([outs.player_game_summary.expected.length, outs.player_game_summary.met]).toEqual([13, true]);
    // No bootstrap in the postseason: Phase 4 expects all three playoff dates.
    expect(outs.player_shot_zone_analysis.expected).toEqual([...AFTER, ...PLAYOFFS]);
    expect(outs.team_offense_game_summary.met).toBe(false);
    expect(outs.team_offense_game_summary.difference).toEqual(['3 dates never run: 2022-04-16, 2022-04-18, 2022-04-20']);
    // The player context still needs props lines: the playoff dates have none here.
    expect(outs.upcoming_player_game_context.expected).toEqual(ODDS);
    // A job that never ran the postseason gets its range, not a list of dates.
    const plan = planFor(Object.values(outs), ORDER, scopeRanges(outs.player_game_summary.scope));
    expect(plan.steps.find((s) => s.job === 'analytics/team_offense_game_summary')?.command)
      .toBe('./bin/run_backfill.sh analytics/team_offense_game_summary --start-date=2022-04-12 --end-date=2022-06-30');
  });
});

describe('what to re-run', () => {
  let outcomes: TableOutcome[];
  let plan: ReturnType<typeof planFor>;
  beforeEach(() => {
    outcomes = expectedOutcomes(facts(), { asOf: AS_OF });
    plan = planFor(outcomes, ORDER, backfillRanges(RANGE, AS_OF));
  });

  it('lists the exact commands in an order that works: Phase 2 loads, Phase 3, Phase 4', () => {
    expect(plan.steps.map((s) => s.command)).toEqual([
      './bin/run_backfill.sh raw/nbac_team_boxscore --dates=2021-11-03',
      './bin/run_backfill.sh analytics/team_defense_game_summary --dates=2021-11-03',
      './bin/run_backfill.sh analytics/team_offense_game_summary --dates=2021-11-05',
      './bin/run_backfill.sh analytics/upcoming_team_game_context --dates=2021-10-19',
      './bin/run_backfill.sh analytics/upcoming_player_game_context --dates=2021-11-05',
      './bin/run_backfill.sh precompute/team_defense_zone_analysis --dates=2021-11-03',
    ]);
    expect(plan.steps[0].why).toBe('load the missing nbac_team_boxscore');
  });

  it('sets apart what a re-run cannot fill: no source data, or an input that cannot be filled', () => {
    expect(plan.unrecoverable).toEqual([
      { job: 'analytics/team_defense_game_summary', tables: ['nba_raw.nbac_team_boxscore'], dates: ['2021-10-27'], why: 'the source has nothing for nba_raw.nbac_team_boxscore (its re-load already failed)' },
      { job: 'precompute/team_defense_zone_analysis', tables: ['nba_analytics.team_defense_game_summary'], dates: ['2021-10-27'], why: 'its input nba_analytics.team_defense_game_summary cannot be filled either' },
    ]);
  });

  it('gives a season a job never ran its range instead of a list of dates', () => {
    const never = expectedOutcomes(facts({ togs: { present: [] } }), { asOf: AS_OF });
    const step = planFor(never, ORDER, backfillRanges(RANGE, AS_OF)).steps.find((s) => s.job === 'analytics/team_offense_game_summary')!;
    expect(step.command).toBe('./bin/run_backfill.sh analytics/team_offense_game_summary --start-date=2021-10-19 --end-date=2022-04-10');
    expect(step.dates).toHaveLength(10);
  });

  it('adds the upstream job when a Phase 4 date lacks a Phase 3 table a re-run can fill', () => {
    const p = rerunPlan([{ job: 'precompute/x', date: '2021-11-01', missing: ['nba_analytics.y'], why: 'DependencyError' }], {
      jobOrder: ['analytics/y', 'precompute/x'], jobForTable: (t) => (t === 'nba_analytics.y' ? 'analytics/y' : undefined), sourceUnavailable: () => false,
    });
    expect(p.steps.map((s) => [s.job, s.why])).toEqual([['analytics/y', 'upstream of precompute/x'], ['precompute/x', 'DependencyError']]);
  });
});

describe('quality expectations', () => {
  let season: ReturnType<typeof backfillRanges>;
  beforeEach(() => { season = backfillRanges(RANGE, AS_OF); });
  /** 100 records a day from week 2 on; Good share per week given; 70 of 100 without zones. */
  function days(goodByWeek: (week: number) => number): QualityDay[] {
    return eachDate(addDays('2021-10-19', 7), '2021-12-13').map((d) => {
      const week = Math.floor((Date.parse(d) - Date.parse('2021-10-19')) / (7 * 86_400_000)) + 1;
      return { analysis_date: d, records: 100, good: goodByWeek(week), zones_null: 70 };
    });
  }

  it('are met when weeks 2-3 are degraded, later weeks 80%+ Good and most zones NULL', () => {
    const checks = qualityExpectations(days((w) => (w <= 3 ? 30 : 90)), season);
    expect(checks.map((c) => [c.kind, c.status, c.actual])).toEqual([
      ['early-degraded', 'met', '30% Good of 1400 records'],
      ['good-after-week-3', 'met', '90% Good of 3500 records'],
      ['zones-null', 'met', '70% of 4900 records without zones'],
    ]);
  });

  it('are not met when later weeks fall below 80% (the weeks are named) or early weeks look too good', () => {
    const checks = qualityExpectations(days((w) => (w <= 3 ? 95 : w === 5 ? 40 : 85)), season);
    expect(checks[0]).toMatchObject({ status: 'not met' });
    expect(checks[0].explanation).toMatch(/read only games before their date/);
    expect(checks[1]).toMatchObject({ status: 'not met', actual: '76% Good of 3500 records' });
    expect(checks[1].explanation).toMatch(/below 80% in weeks 5 \(40%\)/);
  });

  it('say n/a where there are no records', () => {
    expect(qualityExpectations([], season).map((c) => c.status)).toEqual(['n/a', 'n/a', 'n/a']);
  });
});

describe('the acceptance gate', () => {
  let gate: ReturnType<typeof acceptanceGate>;
  let quality: ReturnType<typeof qualityExpectations>;
  beforeEach(() => {
    gate = acceptanceGate();
    quality = qualityExpectations([], backfillRanges(RANGE, AS_OF));
  });
  const verdict = (f: CoverageFacts) => {
    const outcomes = expectedOutcomes(f, { asOf: AS_OF });
    return { outcomes, quality, plan: planFor(outcomes, ORDER, backfillRanges(RANGE, AS_OF)) };
  };

  it('recommends re-running while a re-run can fill something', () => {
    const d = gate.decide(verdict(facts()));
    expect(d.recommendation).toBe('rerun');
    expect(d.reason).toMatch(/^5 tables short of expected \(team_defense_game_summary, team_offense_game_summary, upcoming_player_game_context, upcoming_team_game_context, team_defense_zone_analysis\): 6 commands re-run 6 job-dates/);
  });

  it('recommends documenting when only dates the source cannot provide are missing', () => {
    const rest = facts({
      tdgs: { present: without(REGULAR, '2021-10-27'), latest: [['2021-10-27', dependency('nba_raw.nbac_team_boxscore')]] },
      togs: { present: REGULAR }, utgc: { present: REGULAR }, upgc: { present: ODDS },
      tdza: { present: without(AFTER, '2021-10-27'), latest: [['2021-10-27', dependency('nba_analytics.team_defense_game_summary')]] },
    });
    const d = gate.decide(verdict(rest));
    expect(d).toEqual({ recommendation: 'document', reason: 'the 1 missing date (2021-10-27) lack Phase 2 data the source cannot provide (their re-load already failed): document them and accept' });
  });

  it('accepts when every table holds its expected dates', () => {
    const all = facts({ tdgs: { present: REGULAR }, togs: { present: REGULAR }, utgc: { present: REGULAR }, upgc: { present: ODDS }, tdza: { present: AFTER } });
    expect(gate.decide(verdict(all))).toEqual({ recommendation: 'accept', reason: 'every table holds its expected dates; quality as expected' });
    expect(gate.evidence(verdict(all))[0]).toEqual({ check: 'player_game_summary dates', expected: 10, actual: 11, status: 'met' });
  });
});

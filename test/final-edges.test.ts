/**
 * Step 5's pure pieces at their edges, on inputs small enough to work out by
 * hand: the re-run plan's order across jobs and dates, its joined reasons, a
 * season's range next to loose dates, the ranges' first and last days, the
 * quality explanations with several weeks or seasons, a difference of two
 * parts on screen. (Mutation testing showed each of these untold.)
 */
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { rerunPlan, type PlanOptions } from '../lib/final/rerun.ts';
import { planFor } from '../lib/final/plan.ts';
import { backfillRanges, inRanges } from '../lib/final/ranges.ts';
import { qualityExpectations, type QualityDay } from '../lib/final/quality.ts';
import { showOutcomes } from '../lib/final/show.ts';
import type { TableOutcome } from '../lib/final/outcomes.ts';
import type { CoverageSource } from '../lib/calendar-view/facts.ts';
import type { Output } from '../lib/notebook/output.ts';

const cmd = (job: string, dates: string) => `./bin/run_backfill.sh ${job} --dates=${dates}`;

describe('the re-run plan, job by job and date by date', () => {
  const options = (over: Partial<PlanOptions> = {}): PlanOptions => ({
    jobOrder: ['raw/a', 'raw/b', 'analytics/y', 'precompute/x'],
    jobForTable: (t) => (t === 'nba_analytics.y' ? 'analytics/y' : undefined),
    sourceUnavailable: () => false,
    ...over,
  });

  it('runs loads, then Phase 3, then Phase 4, whatever order the gaps come in; each job’s reasons joined once each', () => {
    const plan = rerunPlan([
      { job: 'precompute/x', date: '2021-11-02', missing: [], why: 'ProcessorError' },
      { job: 'analytics/y', date: '2021-11-03', missing: [], why: 'ProcessorError' },
      { job: 'precompute/x', date: '2021-11-01', missing: ['nba_analytics.y', 'nba_raw.b'], why: 'DependencyError' },
      { job: 'analytics/y', date: '2021-11-01', missing: ['nba_raw.a'], why: 'DependencyError' },
    ], options());
    // By rank then date: y 11-01 (load a), y 11-03, x 11-01 (load b, y upstream), x 11-02.
    expect(plan.steps).toEqual([
      { job: 'raw/a', dates: ['2021-11-01'], why: 'load the missing a', command: cmd('raw/a', '2021-11-01') },
      { job: 'raw/b', dates: ['2021-11-01'], why: 'load the missing b', command: cmd('raw/b', '2021-11-01') },
      { job: 'analytics/y', dates: ['2021-11-01', '2021-11-03'], why: 'DependencyError; ProcessorError; upstream of precompute/x', command: cmd('analytics/y', '2021-11-01,2021-11-03') },
      { job: 'precompute/x', dates: ['2021-11-01', '2021-11-02'], why: 'DependencyError; ProcessorError', command: cmd('precompute/x', '2021-11-01,2021-11-02') },
    ]);
    expect(plan.unrecoverable).toEqual([]);
  });

  it('a load a Phase 4 gap needs comes before the Phase 3 job met first', () => {
    const plan = rerunPlan([
      { job: 'analytics/y', date: '2021-11-05', missing: [], why: 'ProcessorError' },
      { job: 'precompute/x', date: '2021-11-01', missing: ['nba_raw.a'], why: 'DependencyError' },
    ], options());
    expect(plan.steps.map((s) => s.job)).toEqual(['raw/a', 'analytics/y', 'precompute/x']);
  });

  it('a Phase 3 date the source cannot fill makes its Phase 4 date stuck too, whichever gap is listed first; stuck dates in date order', () => {
    const plan = rerunPlan([
      { job: 'precompute/x', date: '2021-11-01', missing: ['nba_analytics.y'], why: 'DependencyError' },
      { job: 'analytics/y', date: '2021-11-03', missing: ['nba_raw.a', 'nba_raw.b'], why: 'DependencyError' },
      { job: 'analytics/y', date: '2021-11-01', missing: ['nba_raw.a', 'nba_raw.b'], why: 'DependencyError' },
    ], options({ sourceUnavailable: () => true }));
    expect(plan.steps).toEqual([]);
    expect(plan.unrecoverable).toEqual([
      { job: 'analytics/y', tables: ['nba_raw.a', 'nba_raw.b'], dates: ['2021-11-01', '2021-11-03'], why: 'the source has nothing for nba_raw.a, nba_raw.b (its re-load already failed)' },
      { job: 'precompute/x', tables: ['nba_analytics.y'], dates: ['2021-11-01'], why: 'its input nba_analytics.y cannot be filled either' },
    ]);
  });

  it('loads only the tables the source still has; an upstream no job writes is not run', () => {
    const plan = rerunPlan([{ job: 'precompute/x', date: '2021-11-01', missing: ['nba_raw.a', 'nba_raw.b', 'nba_static.z'], why: 'DependencyError' }],
      options({ sourceUnavailable: (t) => t === 'nba_raw.a' }));
    expect(plan.steps.map((s) => [s.job, s.why])).toEqual([['raw/b', 'load the missing b'], ['precompute/x', 'DependencyError']]);
  });

  it('a season whose every expected date is missing gets its range, first and last day included; the other dates stay a list', () => {
    const seasons = [{ start: '2021-10-19', end: '2022-04-10' }, { start: '2022-10-18', end: '2023-04-09' }];
    const plan = rerunPlan(['2022-10-18', '2022-04-10', '2022-04-16', '2021-10-19'].map((date) => ({ job: 'analytics/y', date, missing: [], why: 'never run' })),
      options({ seasons: { ranges: seasons, expected: (job) => (job === 'analytics/y' ? ['2021-10-19', '2022-04-10', '2022-10-18', '2022-10-19'] : []) } }));
    expect(plan.steps).toEqual([
      { job: 'analytics/y', dates: ['2021-10-19', '2022-04-10'], why: 'never run', command: './bin/run_backfill.sh analytics/y --start-date=2021-10-19 --end-date=2022-04-10' },
      { job: 'analytics/y', dates: ['2022-04-16', '2022-10-18'], why: 'never run', command: cmd('analytics/y', '2022-04-16,2022-10-18') },
    ]);
  });
});

describe('the re-run plan: each command gives its own dates\' reasons', () => {
  it('a season never run and two DependencyError dates of another season: the range says "never run", the list says DependencyError', () => {
    const seasons = [{ start: '2021-10-19', end: '2022-04-10' }, { start: '2023-10-24', end: '2024-04-14' }];
    const plan = rerunPlan([
      { job: 'analytics/y', date: '2021-10-19', missing: [], why: 'never run' },
      { job: 'analytics/y', date: '2022-04-10', missing: [], why: 'never run' },
      { job: 'analytics/y', date: '2023-12-12', missing: ['nba_raw.a'], why: 'DependencyError (nba_raw.a)' },
      { job: 'analytics/y', date: '2024-03-19', missing: ['nba_raw.a'], why: 'DependencyError (nba_raw.a)' },
    ], { jobOrder: ['raw/a', 'analytics/y'], jobForTable: () => undefined, sourceUnavailable: () => false,
      seasons: { ranges: seasons, expected: (job) => (job === 'analytics/y' ? ['2021-10-19', '2022-04-10', '2023-12-11', '2023-12-12', '2024-03-19'] : []) } });
    expect(plan.steps.map((s) => [s.job, s.dates, s.why])).toEqual([
      ['raw/a', ['2023-12-12', '2024-03-19'], 'load the missing a'],
      ['analytics/y', ['2021-10-19', '2022-04-10'], 'never run'],
      ['analytics/y', ['2023-12-12', '2024-03-19'], 'DependencyError (nba_raw.a)'],
    ]);
  });
});

describe('the re-run plan: what the first run of mutation testing on it left', () => {
  const jobOrder = ['raw/a', 'analytics/y1', 'analytics/y2', 'precompute/x'];
  const jobForTable = (t: string) => ({ 'nba_analytics.y1': 'analytics/y1', 'nba_analytics.y2': 'analytics/y2' } as Record<string, string>)[t];

  it('a Phase 4 date blocked by two stuck inputs names both', () => {
    const plan = rerunPlan([
      { job: 'precompute/x', date: '2021-11-01', missing: ['nba_analytics.y1', 'nba_analytics.y2'], why: 'DependencyError' },
      { job: 'analytics/y2', date: '2021-11-01', missing: ['nba_raw.a'], why: 'DependencyError' },
      { job: 'analytics/y1', date: '2021-11-01', missing: ['nba_raw.a'], why: 'DependencyError' },
    ], { jobOrder, jobForTable, sourceUnavailable: () => true });
    expect(plan.unrecoverable.map((u) => [u.job, u.why])).toEqual([
      ['analytics/y1', 'the source has nothing for nba_raw.a (its re-load already failed)'],
      ['analytics/y2', 'the source has nothing for nba_raw.a (its re-load already failed)'],
      ['precompute/x', 'its input nba_analytics.y1, nba_analytics.y2 cannot be filled either'],
    ]);
  });

  it('a job’s dates in date order, also when a later job adds an earlier one', () => {
    const plan = rerunPlan([
      { job: 'analytics/y1', date: '2021-11-03', missing: [], why: 'ProcessorError' },
      { job: 'precompute/x', date: '2021-11-01', missing: ['nba_analytics.y1'], why: 'DependencyError' },
    ], { jobOrder, jobForTable, sourceUnavailable: () => false });
    expect(plan.steps[0]).toMatchObject({ job: 'analytics/y1', dates: ['2021-11-01', '2021-11-03'], command: cmd('analytics/y1', '2021-11-01,2021-11-03') });
  });

  it('a date before a season given its range stays in the list', () => {
    const seasons = { ranges: [{ start: '2021-10-19', end: '2022-04-10' }, { start: '2022-10-18', end: '2023-04-09' }], expected: () => ['2021-11-01', '2021-11-02', '2022-10-18'] };
    const plan = rerunPlan(['2021-11-01', '2022-10-18'].map((date) => ({ job: 'analytics/y1', date, missing: [], why: 'never run' })),
      { jobOrder, jobForTable, sourceUnavailable: () => false, seasons });
    expect(plan.steps.map((s) => [s.dates, s.command])).toEqual([
      [['2022-10-18'], './bin/run_backfill.sh analytics/y1 --start-date=2022-10-18 --end-date=2023-04-09'],
      [['2021-11-01'], cmd('analytics/y1', '2021-11-01')],
    ]);
  });
});

describe('planFor: the plan from Step 5’s outcomes', () => {
  const source = (job: string, table: string): CoverageSource => ({ job, processorName: 'P', phase: 'phase_3_analytics', output: { name: table, dateColumn: 'game_date' } });
  const outcome = (job: string, table: string, expected: string[], missing: { date: string; missing?: string[]; unavailable?: string[] }[]) => ({
    source: source(job, table), expected,
    missing: missing.map((m) => ({ date: m.date, why: 'never run', missing: m.missing ?? [], unavailable: m.unavailable ?? [] })),
  }) as unknown as TableOutcome;

  it('orders by the sources, gives each job its own expected dates, and leaves out an upstream no source writes', () => {
    const sources = [source('raw/a', 'nba_raw.a'), source('analytics/y', 'nba_analytics.y'), source('precompute/x', 'nba_precompute.x')];
    const outs = [
      outcome('precompute/x', 'nba_precompute.x', ['2021-11-01', '2021-11-02'], [{ date: '2021-11-01', missing: ['nba_analytics.y', 'nba_static.z'] }]),
      outcome('analytics/y', 'nba_analytics.y', ['2021-11-01'], [{ date: '2021-11-01' }]),
    ];
    const plan = planFor(outs, sources, [{ start: '2021-10-19', end: '2022-04-10' }]);
    // y misses its one expected date of the season: the season's range. x misses one of two: a list.
    expect(plan.steps.map((s) => s.command)).toEqual([
      './bin/run_backfill.sh analytics/y --start-date=2021-10-19 --end-date=2022-04-10',
      cmd('precompute/x', '2021-11-01'),
    ]);
  });

  it('a date whose Phase 2 re-load failed is set apart, for that table and date only', () => {
    const sources = [source('raw/a', 'nba_raw.a'), source('analytics/y', 'nba_analytics.y')];
    const outs = [outcome('analytics/y', 'nba_analytics.y', [], [
      { date: '2021-11-01', missing: ['nba_raw.a'], unavailable: ['nba_raw.a'] },
      { date: '2021-11-02', missing: ['nba_raw.a'] },
    ])];
    const plan = planFor(outs, sources);
    expect(plan.steps.map((s) => s.command)).toEqual([cmd('raw/a', '2021-11-02'), cmd('analytics/y', '2021-11-02')]);
    expect(plan.unrecoverable.map((u) => u.dates)).toEqual([['2021-11-01']]);
  });
});

describe('the backfilled ranges at their edges', () => {
  it('a range starting mid-season starts there; a one-day range is one day', () => {
    expect(backfillRanges({ start: '2021-11-01', end: '2021-12-31' }, '2024-11-29')).toEqual([{ title: '2021-22', start: '2021-11-01', end: '2021-12-31' }]);
    expect(backfillRanges({ start: '2021-11-01', end: '2021-11-01' }, '2024-11-29')).toEqual([{ title: '2021-22', start: '2021-11-01', end: '2021-11-01' }]);
  });

  it('a date is in a range from its first day to its last, not before', () => {
    const r = [{ start: '2021-10-19', end: '2021-10-25' }];
    expect(['2021-10-18', '2021-10-19', '2021-10-25', '2021-10-26'].map((d) => inRanges(d, r))).toEqual([false, true, true, false]);
  });
});

describe('quality explanations with several weeks and seasons', () => {
  const SEASONS = [{ title: '2021-22', start: '2021-10-19', end: '2022-04-10' }, { title: '2022-23', start: '2022-10-18', end: '2023-04-09' }];
  /** 100 records a day, weeks 2-8 of 2021-22 (10-26 .. 12-13), 70 without zones; Good per week given. */
  const days = (good: (week: number) => number): QualityDay[] => {
    const out: QualityDay[] = [];
    for (let i = 7; i <= 55; i++) {
      const d = new Date(Date.parse('2021-10-19T00:00:00Z') + i * 86_400_000).toISOString().slice(0, 10);
      out.push({ analysis_date: d, records: 100, good: good(Math.floor(i / 7) + 1), zones_null: 70 });
    }
    return out;
  };

  it('met overall with two weeks below the bar names both; below it, names every low week', () => {
    // Weeks 4-8: 700 records each. 70+70+100+100+100 → 3080 of 3500 = 88 %.
    const met = qualityExpectations(days((w) => (w <= 3 ? 30 : w <= 5 ? 70 : 100)), SEASONS.slice(0, 1));
    expect(met[1]).toMatchObject({ status: 'met', explanation: 'met overall, but weeks below 80%: 4 (70%), 5 (70%)', lowWeeks: ['4 (70%)', '5 (70%)'] });
    // 50+50+50+100+100 → 2450 of 3500 = 70 %.
    const low = qualityExpectations(days((w) => (w <= 3 ? 30 : w <= 6 ? 50 : 100)), SEASONS.slice(0, 1));
    expect(low[1].explanation).toBe("below 80% in weeks 4 (50%), 5 (50%), 6 (50%): their records' lookback windows lack Phase 3 rows (see 3.3.2 of the season for the missing dates)");
  });

  it('NULL zones by season name only the seasons with records', () => {
    const checks = qualityExpectations(days(() => 90), SEASONS);
    expect(checks.at(-1)!.explanation).toBe('as expected: play-by-play is sparse (NULL by season: 2021-22: 70%)');
  });
});

describe('the screen: a difference of several parts', () => {
  it('joins them with "; " on the difference line', () => {
    const calls: [string, unknown][] = [];
    const say = (kind: string) => (text: unknown) => { calls.push([kind, text]); };
    const out = { c: new Chalk({ level: 0 }), info: say('info'), warn: say('warn'), ok: say('ok'), code: say('code'), table: () => {} } as unknown as Output;
    const o = {
      row: { phase: 'Phase 3', table: 'player_game_summary', original: '~650', notes: '' }, met: false, expected: ['2021-11-01', '2021-11-02'], actual: 1,
      missing: [{ date: '2021-11-02', why: 'never run', missing: [], unavailable: [] }], originalFromData: 2,
      basis: ['2 final game dates'], difference: ['never run: 1', 'dates without a final game that have rows: 1'],
    } as unknown as TableOutcome;
    showOutcomes(out, [o]);
    expect(calls.filter(([, t]) => String(t).startsWith('    difference'))).toEqual([['info', '    difference: never run: 1; dates without a final game that have rows: 1']]);
  });
});

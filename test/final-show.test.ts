/**
 * Step 5 in process, on inputs built by hand here: the screen (lib/final/show.ts:
 * which lines, in which order, with which marks, for outcomes, quality checks
 * and the re-run plan), the words for a missing date, the acceptance gate and
 * the quality expectations. The Output is a recorder: each call and its text,
 * colour off.
 */
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { showOutcomes, showPlan, showQuality, qualityMark } from '../lib/final/show.ts';
import type { TableOutcome } from '../lib/final/outcomes.ts';
import type { QualityCheck } from '../lib/final/quality.ts';
import { backfillScope, scopeRanges, type BackfillScope } from '../lib/final/scope.ts';
import type { CoverageFacts } from '../lib/calendar-view/facts.ts';
import { brief, gapReason } from '../lib/final/gaps.ts';
import { acceptanceGate } from '../lib/final/acceptance.ts';
import { qualityExpectations, qualityRows } from '../lib/final/quality.ts';
import { backfillRanges, inRanges } from '../lib/final/ranges.ts';
import type { LatestAttempt } from '../lib/calendar-view/states.ts';
import type { Output } from '../lib/notebook/output.ts';

function recorder() {
  const calls: [string, unknown][] = [];
  const say = (kind: string) => (text: unknown) => { calls.push([kind, text]); };
  const out = {
    c: new Chalk({ level: 0 }),
    info: say('info'), warn: say('warn'), ok: say('ok'), code: say('code'),
    table: (columns: string[], rows: unknown[]) => { calls.push(['table', { columns, rows }]); },
  };
  return { out: out as unknown as Output, calls };
}

const SCOPE: BackfillScope = {
  parts: [],
  label: 'regular seasons only (the original\'s ranges)',
  leftOut: [
    { what: '2021-22 postseason', games: 3, why: 'left out by --regular-season-only', command: './runbook/02-phase3.mts --season 2021-22 --part postseason' },
    { what: '2024-25 after 2024-11-29', games: 0, why: 'not played yet', command: './runbook/04-remaining-seasons.mts' },
    { what: '2022-23 postseason', games: 1, why: 'left out by --regular-season-only', command: './runbook/02-phase3.mts --season 2022-23 --part postseason' },
  ],
};

function outcome(table: string, o: Partial<TableOutcome>): TableOutcome {
  return {
    row: { phase: 'Phase 3', table, original: '~650', notes: '' }, source: {} as TableOutcome['source'],
    expected: ['2021-10-19', '2021-10-20'], originalFromData: 2, actual: 2, met: true, missing: [],
    basis: ['2 final game dates in 2021-10-01..2022-06-30'], difference: ['none: every expected date is present'], scope: SCOPE, ...o,
  };
}
const MET = outcome('player_game_summary', {});
const EXTRA = outcome('team_defense_game_summary', { actual: 3, difference: ['dates outside the scope run also present (not required): 1'] });
const SHORT = outcome('ml_feature_store', {
  row: { phase: 'Phase 4', table: 'ml_feature_store', original: '—', notes: '' }, expected: ['a', 'b', 'c'], originalFromData: 3, actual: 1, met: false,
  missing: [{ date: 'b', why: 'never run', missing: [], unavailable: [] }, { date: 'c', why: 'never run', missing: [], unavailable: [] }],
  basis: ['3 final game dates', 'bootstrap dates: 0'], difference: ['never run: 2 dates: b, c'],
});

describe('Step 5 on screen: the outcomes', () => {
  it('the scope, the table, what was left out with the command that fills it, each table with its mark and basis, then the verdict', () => {
    const { out, calls } = recorder();
    showOutcomes(out, [MET, EXTRA, SHORT]);
    expect(calls).toEqual([
      ['info', 'Scope run: regular seasons only (the original\'s ranges). "original_in_data": what the original\'s figure counts here (every final game date, postseason included); "expected": the scope run.'],
      ['table', {
        columns: ['phase', 'table_name', 'original', 'original_in_data', 'expected', 'actual', 'status'],
        rows: [
          { phase: 'Phase 3', table_name: 'player_game_summary', original: '~650', original_in_data: 2, expected: 2, actual: 2, status: 'met', expected_because: '2 final game dates in 2021-10-01..2022-06-30', difference: 'none: every expected date is present' },
          { phase: 'Phase 3', table_name: 'team_defense_game_summary', original: '~650', original_in_data: 2, expected: 2, actual: 3, status: 'met', expected_because: '2 final game dates in 2021-10-01..2022-06-30', difference: 'dates outside the scope run also present (not required): 1' },
          { phase: 'Phase 4', table_name: 'ml_feature_store', original: '—', original_in_data: '—', expected: 3, actual: 1, status: 'NOT MET (2 missing)', expected_because: '3 final game dates; bootstrap dates: 0', difference: 'never run: 2 dates: b, c' },
        ],
      }],
      ['warn', 'left out: 2021-22 postseason (3 final game dates) — left out by --regular-season-only; fill it with:'],
      ['code', '$ ./runbook/02-phase3.mts --season 2021-22 --part postseason'],
      ['warn', 'left out: 2024-25 after 2024-11-29 — not played yet; fill it with:'],
      ['code', '$ ./runbook/04-remaining-seasons.mts'],
      ['warn', 'left out: 2022-23 postseason (1 final game date) — left out by --regular-season-only; fill it with:'],
      ['code', '$ ./runbook/02-phase3.mts --season 2022-23 --part postseason'],
      ['info', '✔ player_game_summary: expected 2 = 2 final game dates in 2021-10-01..2022-06-30'],
      ['info', '✔ team_defense_game_summary: expected 2 = 2 final game dates in 2021-10-01..2022-06-30'],
      ['info', '    difference: dates outside the scope run also present (not required): 1'],
      ['info', '✘ ml_feature_store: expected 3 = 3 final game dates; bootstrap dates: 0'],
      ['info', '    difference: never run: 2 dates: b, c'],
      ['warn', '1 table short of expected: ml_feature_store'],
    ]);
  });

  it('two tables short are named together; all met says so; nothing at all shows no scope line', () => {
    const two = recorder();
    showOutcomes(two.out, [SHORT, outcome('player_daily_cache', { met: false, actual: 0 })]);
    expect(two.calls.at(-1)).toEqual(['warn', '2 tables short of expected: ml_feature_store, player_daily_cache']);
    const all = recorder();
    showOutcomes(all.out, [MET]);
    expect(all.calls.at(-1)).toEqual(['ok', 'every table holds every expected date']);
    const none = recorder();
    showOutcomes(none.out, []);
    expect(none.calls).toEqual([
      ['table', { columns: ['phase', 'table_name', 'original', 'original_in_data', 'expected', 'actual', 'status'], rows: [] }],
      ['ok', 'every table holds every expected date'],
    ]);
  });
});

describe('Step 5 on screen: quality and the re-run plan', () => {
  const check = (status: QualityCheck['status'], lowWeeks?: string[]): QualityCheck =>
    ({ kind: 'good-after-week-3', expectation: 'after week 3: 80%+ Good', season: '2021-22', actual: '85% Good of 100 records', status, explanation: `why ${status}`, lowWeeks });

  it('each check with its mark: ✔ met, ! met with weeks below the bar, ✘ not met, - n/a; then how many are not met', () => {
    const { out, calls } = recorder();
    showQuality(out, [check('met'), check('met', ['5 (70%)']), check('not met'), check('n/a'), check('met', [])]);
    expect(calls).toEqual([
      ['table', { columns: ['season', 'expectation', 'actual', 'status'], rows: ['met', 'met', 'not met', 'n/a', 'met'].map((status) => ({ expectation: 'after week 3: 80%+ Good', season: '2021-22', actual: '85% Good of 100 records', status, explanation: `why ${status}` })) }],
      ['info', '✔ 2021-22 after week 3: 80%+ Good: why met'],
      ['info', '! 2021-22 after week 3: 80%+ Good: why met'],
      ['info', '✘ 2021-22 after week 3: 80%+ Good: why not met'],
      ['info', '- 2021-22 after week 3: 80%+ Good: why n/a'],
      ['info', '✔ 2021-22 after week 3: 80%+ Good: why met'],
      ['warn', '1 quality expectation not met'],
    ]);
    const two = recorder();
    showQuality(two.out, [check('not met'), check('not met')]);
    expect(two.calls.at(-1)).toEqual(['warn', '2 quality expectations not met']);
    const fine = recorder();
    showQuality(fine.out, [check('met')]);
    expect(fine.calls.at(-1)).toEqual(['ok', 'quality as the original expects']);
    expect(qualityMark({ c: new Chalk({ level: 0 }) }, check('met', ['4 (79%)']))).toBe('!');
  });

  it('the plan: nothing; the commands in order with their dates; what no re-run can fill', () => {
    const empty = recorder();
    showPlan(empty.out, { steps: [], unrecoverable: [] });
    expect(empty.calls).toEqual([['ok', 'nothing to re-run']]);
    const { out, calls } = recorder();
    showPlan(out, {
      steps: [
        { job: 'raw/nbac_team_boxscore', dates: ['2021-11-03'], why: 'missing in Phase 2', command: './bin/run_backfill.sh raw/nbac_team_boxscore --dates=2021-11-03' },
        { job: 'analytics/team_defense_game_summary', dates: ['2021-11-03', '2021-11-10'], why: 'failed', command: './bin/run_backfill.sh analytics/team_defense_game_summary --dates=2021-11-03,2021-11-10' },
      ],
      unrecoverable: [{ job: 'analytics/player_game_summary', tables: ['nba_raw.nbac_gamebook_player_stats'], dates: ['2021-11-17', '2021-12-01'], why: 'the Phase 2 re-load failed' }],
    });
    expect(calls).toEqual([
      ['info', 'Re-run, in this order (Phase 2 loads, then Phase 3, then Phase 4 in its order):'],
      ['info', '• raw/nbac_team_boxscore, 1 date: missing in Phase 2'],
      ['code', '$ ./bin/run_backfill.sh raw/nbac_team_boxscore --dates=2021-11-03'],
      ['info', '• analytics/team_defense_game_summary, 2 dates: failed'],
      ['code', '$ ./bin/run_backfill.sh analytics/team_defense_game_summary --dates=2021-11-03,2021-11-10'],
      ['warn', 'analytics/player_game_summary: 2021-11-17, 2021-12-01 cannot be filled by a re-run: the Phase 2 re-load failed; document them'],
    ]);
    const only = recorder();
    showPlan(only.out, { steps: [], unrecoverable: [{ job: 'j', tables: [], dates: ['2021-11-17'], why: 'w' }] });
    expect(only.calls).toEqual([['warn', 'j: 2021-11-17 cannot be filled by a re-run: w; document them']]);
  });
});

describe("Step 5's words for a missing date, and cut lists", () => {
  const attempt = (o: Partial<LatestAttempt>): LatestAttempt => ({ status: 'failed', skip_reason: null, missing_dependencies: null, errors: null, ...o });
  const said = (latest: LatestAttempt | undefined, n = '2 dates') => { const g = gapReason(latest); return { key: g.key, words: g.words(n), missing: g.missing }; };

  it('from the latest attempt: never run, DependencyError (with or without the tables), failed with its error type, skipped, running, empty success', () => {
    expect(said(undefined)).toEqual({ key: 'never run', words: '2 dates never run', missing: [] });
    expect(said(attempt({ missing_dependencies: ['nba_raw.a', 'nba_raw.b'] }), '1 date'))
      .toEqual({ key: 'DependencyError (nba_raw.a, nba_raw.b)', words: '1 date failed with DependencyError (nba_raw.a, nba_raw.b)', missing: ['nba_raw.a', 'nba_raw.b'] });
    expect(said(attempt({ errors: '{"error_type":"DependencyError"}' }), '3 dates'))
      .toEqual({ key: 'DependencyError', words: '3 dates failed with DependencyError', missing: [] });
    expect(said(attempt({}), '1 date')).toEqual({ key: 'failed: no error recorded', words: '1 date failed (no error recorded)', missing: [] });
    expect(said(attempt({ missing_dependencies: [], errors: '{"error_type":"ProcessorError","message":"x"}' })).key).toBe('failed: ProcessorError');
    expect(said(attempt({ errors: '{"message":"connection reset by peer while reading the response body"}' })).words).toBe('2 dates failed (connection reset by peer while reading t)');
    expect(said(attempt({ errors: '{}' })).key).toBe('failed: error');
    expect(said(attempt({ errors: 'not json: a plain text error message that is long' })).key).toBe('failed: not json: a plain text error message tha');
    expect(said(attempt({ status: 'skipped', skip_reason: 'bootstrap', missing_dependencies: ['x'] })))
      .toEqual({ key: 'skipped: bootstrap', words: '2 dates skipped: bootstrap', missing: [] });
    expect(said(attempt({ status: 'skipped' }), '1 date')).toEqual({ key: 'skipped: null', words: '1 date skipped: no reason given', missing: [] });
    expect(said(attempt({ status: 'running', missing_dependencies: ['x'] }), '1 date')).toEqual({ key: 'running', words: '1 date still running (or abandoned by a killed run)', missing: [] });
    expect(said(attempt({ status: 'success', missing_dependencies: ['x'] }), '1 date')).toEqual({ key: 'empty success', words: '1 date succeeded but wrote no rows', missing: [] });
  });

  it('a list longer than the cell is cut after its last whole item', () => {
    expect(brief('a, b, c', 7)).toBe('a, b, c');
    expect(brief('aaaa, bbbb, cccc', 11)).toBe('aaaa, …');
    expect(brief('aaaa, bbbb, cccc, dddd', 15)).toBe('aaaa, bbbb, …');
  });
});

describe("Step 5's acceptance gate on hand-made verdicts", () => {
  const o = (table: string, expected: number, actual: number, met: boolean) =>
    ({ row: { phase: 'Phase 3', table, original: '~650', notes: '' }, expected: Array.from({ length: expected }, (_, i) => `d${i}`), actual, met }) as unknown as TableOutcome;
  const q = (kind: QualityCheck['kind'], status: QualityCheck['status'], season: string, actual: string, expectation: string): QualityCheck =>
    ({ kind, status, season, actual, expectation, explanation: '' });
  const early = q('early-degraded', 'not met', '2021-22', '95% Good of 1400 records', 'weeks 1-3: degraded');
  const low = (season: string, actual: string) => q('good-after-week-3', 'not met', season, actual, 'after week 3: 80%+ Good');
  const none = { steps: [], unrecoverable: [] };

  it('its question and choices: accept, accept with a note, or re-run first (a stop)', () => {
    const gate = acceptanceGate();
    expect(gate.question).toBe('Accept the backfill?');
    expect(gate.choices).toEqual([
      { value: 'accept', label: 'Accept the backfill', effect: 'proceed' },
      { value: 'document', label: 'Accept and document what is missing', effect: 'proceed', needsNote: true },
      { value: 'rerun', label: 'Re-run the listed dates first (stops here)', effect: 'stop' },
    ]);
  });

  it('its decision table', () => {
    expect(acceptanceGate().table().map((r) => [r.when, r.choice, r.action])).toEqual([
      ['every table holds its expected dates; quality as expected', 'accept', 'Accept the backfill'],
      ['dates missing that a re-run can fill (failed, never run, Phase 2 still loadable)', 'rerun', 'Run the listed ./bin/run_backfill.sh commands, then Step 5 again'],
      ['dates missing only where the Phase 2 re-load already failed (the source has nothing)', 'document', 'Accept and document them'],
      ['quality below 80% Good after week 3, no dates missing', null, 'Investigate the inputs (lookback coverage) before accepting'],
    ]);
  });

  it('its evidence: each table\'s dates, then each quality check by season', () => {
    expect(acceptanceGate().evidence({ outcomes: [o('a', 2, 2, true), o('b', 3, 1, false)], quality: [early, low('2022-23', '76% Good of 3500 records'), q('zones-null', 'n/a', '2021-22', 'no records', 'zones mostly NULL')], plan: none })).toEqual([
      { check: 'a dates', expected: 2, actual: 2, status: 'met' },
      { check: 'b dates', expected: 3, actual: 1, status: 'NOT MET' },
      { check: 'weeks 1-3: degraded (2021-22)', expected: '', actual: '95% Good of 1400 records', status: 'NOT MET' },
      { check: 'after week 3: 80%+ Good (2022-23)', expected: '', actual: '76% Good of 3500 records', status: 'NOT MET' },
      { check: 'zones mostly NULL (2021-22)', expected: '', actual: 'no records', status: 'n/a' },
    ]);
  });

  it('no recommendation when every date is there but the Good share after week 3 is low (each season named)', () => {
    expect(acceptanceGate().decide({ outcomes: [o('a', 2, 2, true)], quality: [low('2022-23', '76% Good of 3500 records'), low('2023-24', '70% Good of 10 records')], plan: none })).toEqual({
      recommendation: null, reason: 'every expected date is present, but quality is below 80% Good after week 3 in 2022-23 (76% Good of 3500 records), 2023-24 (70% Good of 10 records)',
    });
  });

  it('other quality expectations not met are said, but do not hold back acceptance; nor a re-run', () => {
    expect(acceptanceGate().decide({ outcomes: [o('a', 2, 2, true)], quality: [early, q('zones-null', 'not met', '2022-23', '10% of 9 records without zones', 'zones mostly NULL')], plan: none })).toEqual({
      recommendation: 'accept', reason: 'every table holds its expected dates; quality not as expected: weeks 1-3: degraded (2021-22: 95% Good of 1400 records), zones mostly NULL (2022-23: 10% of 9 records without zones)',
    });
    const plan = { steps: [{ job: 'j1', dates: ['x'], why: '', command: '' }, { job: 'j2', dates: ['x', 'y'], why: '', command: '' }], unrecoverable: [] };
    expect(acceptanceGate().decide({ outcomes: [o('a', 2, 2, true), o('b', 3, 1, false), o('c', 3, 2, false)], quality: [early], plan })).toEqual({
      recommendation: 'rerun', reason: '2 tables short of expected (b, c): 2 commands re-run 3 job-dates; quality not as expected: weeks 1-3: degraded (2021-22: 95% Good of 1400 records)',
    });
  });

  it('documenting lists each date the source cannot provide once, in order', () => {
    const plan = { steps: [], unrecoverable: [{ job: 'j', tables: [], dates: ['2021-11-17', '2021-10-27'], why: '' }, { job: 'k', tables: [], dates: ['2021-10-27'], why: '' }] };
    expect(acceptanceGate().decide({ outcomes: [o('b', 3, 1, false)], quality: [], plan })).toEqual({
      recommendation: 'document', reason: 'the 2 missing dates (2021-10-27, 2021-11-17) lack Phase 2 data the source cannot provide (their re-load already failed): document them and accept',
    });
  });
});

describe("Step 5's quality expectations, season by season, on hand-made days", () => {
  const S1 = { title: '2021-22', start: '2021-10-19', end: '2021-11-29' };
  const S2 = { title: '2022-23', start: '2022-10-18', end: '2022-11-28' };
  const day = (analysis_date: string, records: number, good: number, zones_null: number) => ({ analysis_date, records, good, zones_null });

  it('each season\'s own days (its first and last included), weeks counted from its start; zones over every day', () => {
    const days = [
      day('2021-10-18', 1000, 1000, 0), // the day before 2021-22: in no season, but in the zones total
      day('2021-10-19', 100, 20, 60), // week 1
      day('2021-11-08', 100, 40, 60), // 20 days in: week 3
      day('2021-11-09', 100, 80, 80), // 21 days in: week 4, at 80% exactly (not low)
      day('2021-11-29', 100, 70, 80), // the last day: week 6
      day('2022-11-14', 100, 50, 10), // 27 days into 2022-23: week 4
      day('2022-11-28', 200, 190, 20), // its last day: week 6
    ];
    // 2021-22: early 60/200 = 30%; later 150/200 = 75%, week 6 at 70%. 2022-23: no early day; later 240/300 = 80%, week 4 at 50%.
    // Zones: 310 of 1700 = 18.2%; 2021-22 280/400 = 70%, 2022-23 30/300 = 10%.
    expect(qualityExpectations(days, [S1, S2])).toEqual([
      { kind: 'early-degraded', expectation: 'First 2-3 weeks degraded', season: '2021-22', actual: '30% Good of 200 records', status: 'met', explanation: 'as expected: too few earlier games for a full lookback (week 1 is bootstrap)' },
      { kind: 'good-after-week-3', expectation: '80%+ Good after week 3', season: '2021-22', actual: '75% Good of 200 records', status: 'not met', explanation: "below 80% in weeks 6 (70%): their records' lookback windows lack Phase 3 rows (see 3.3.2 of the season for the missing dates)", lowWeeks: ['6 (70%)'] },
      { kind: 'early-degraded', expectation: 'First 2-3 weeks degraded', season: '2022-23', actual: 'no records', status: 'n/a', explanation: 'no records in weeks 1-3 (week 1 is bootstrap)' },
      { kind: 'good-after-week-3', expectation: '80%+ Good after week 3', season: '2022-23', actual: '80% Good of 300 records', status: 'met', explanation: 'met overall, but weeks below 80%: 4 (50%)', lowWeeks: ['4 (50%)'] },
      { kind: 'zones-null', expectation: 'Shot zones mostly NULL', season: 'all', actual: '18.2% of 1700 records without zones', status: 'not met', explanation: 'more zones than expected: play-by-play covers more games than the original assumed (NULL by season: 2021-22: 70%, 2022-23: 10%)' },
    ]);
  });

  it('at the bars: early weeks at 80% are not degraded; zones NULL at exactly 50% are not "mostly"; 51% are', () => {
    expect(qualityExpectations([day('2021-10-19', 100, 80, 50), day('2021-11-09', 100, 90, 50)], [S1])).toEqual([
      { kind: 'early-degraded', expectation: 'First 2-3 weeks degraded', season: '2021-22', actual: '80% Good of 100 records', status: 'not met', explanation: 'Good this early needs history the season does not have yet: check that rows read only games before their date' },
      { kind: 'good-after-week-3', expectation: '80%+ Good after week 3', season: '2021-22', actual: '90% Good of 100 records', status: 'met', explanation: 'every week after week 3 is 80%+ Good', lowWeeks: [] },
      { kind: 'zones-null', expectation: 'Shot zones mostly NULL', season: 'all', actual: '50% of 200 records without zones', status: 'not met', explanation: 'more zones than expected: play-by-play covers more games than the original assumed (NULL by season: 2021-22: 50%)' },
    ]);
    expect(qualityExpectations([day('2021-11-09', 100, 90, 51)], [S1])[2])
      .toEqual({ kind: 'zones-null', expectation: 'Shot zones mostly NULL', season: 'all', actual: '51% of 100 records without zones', status: 'met', explanation: 'as expected: play-by-play is sparse (NULL by season: 2021-22: 51%)' });
    expect(qualityExpectations([], [S1])[2]).toEqual({ kind: 'zones-null', expectation: 'Shot zones mostly NULL', season: 'all', actual: 'no records', status: 'n/a', explanation: 'no player_shot_zone_analysis records' });
    expect(qualityExpectations([], [S1])[1]).toMatchObject({ actual: 'no records', status: 'n/a', explanation: 'the range has no week after week 3' });
  });

  it('the table rows carry each check\'s words', () => {
    const [first] = qualityExpectations([day('2021-10-19', 100, 20, 60)], [S1]);
    expect(qualityRows([first])).toEqual([{ expectation: 'First 2-3 weeks degraded', season: '2021-22', actual: '20% Good of 100 records', status: 'met', explanation: 'as expected: too few earlier games for a full lookback (week 1 is bootstrap)' }]);
  });
});

describe('the scope Step 5 checks: the season parts in the range, which postseasons were run, what was left out', () => {
  const table = (phase: 'phase_2_raw' | 'phase_3_analytics', attempted: string[]) => ({
    source: { job: 'x/y', processorName: 'P', phase, output: { name: 'ds.t', dateColumn: 'd' } }, present: new Set<string>(), outOfScope: new Set<string>(),
    latest: new Map(attempted.map((d) => [d, { status: 'success', skip_reason: null, missing_dependencies: null, errors: null } as LatestAttempt])),
  });
  const facts = (start: string, end: string, games: string[], tables: ReturnType<typeof table>[]) => ({ range: { start, end }, gameDates: new Set(games), tables }) as CoverageFacts;
  const parts = (s: BackfillScope) => s.parts.map(({ title, start, end, part, gameDates, inScope }) => ({ title, start, end, part, gameDates, inScope }));

  it('cut to the range, ends included; a postseason only Phase 2 touched is left out, with the command that fills it', () => {
    // 2021-22: regular 2021-10-19..2022-04-10, postseason 2022-04-12..2022-06-30 (the calendar).
    const scope = backfillScope(facts('2021-11-01', '2022-05-01', ['2022-05-01', '2021-10-25', '2022-04-12', '2021-11-01', '2022-04-10', '2022-05-02'], [table('phase_2_raw', ['2022-04-12'])]), '2024-11-29');
    expect(parts(scope)).toEqual([
      { title: '2021-22', start: '2021-11-01', end: '2022-04-10', part: 'regular', gameDates: ['2021-11-01', '2022-04-10'], inScope: true },
      { title: '2021-22 postseason', start: '2022-04-12', end: '2022-05-01', part: 'postseason', gameDates: ['2022-04-12', '2022-05-01'], inScope: false },
    ]);
    expect(scope.leftOut).toEqual([{
      what: '2021-22 postseason', games: 2, why: "play-in and playoffs are outside the original's per-season ranges, and no Phase 3/4 job has run them",
      command: './runbook/02-phase3.mts --season 2021-22 --part postseason && ./runbook/03-phase4.mts --season 2021-22 --part postseason',
    }]);
    expect(scope.label).toBe("regular seasons only (the original's ranges)");
    expect(scopeRanges(scope)).toEqual([{ title: '2021-22', start: '2021-11-01', end: '2022-04-10' }]);
  });

  it('a one-day part counts; a postseason with any Phase 3/4 attempt is in scope', () => {
    const scope = backfillScope(facts('2022-04-12', '2022-04-13', ['2022-04-12', '2022-04-13'], [table('phase_3_analytics', ['2022-04-12'])]), '2024-11-29');
    expect(parts(scope)).toEqual([{ title: '2021-22 postseason', start: '2022-04-12', end: '2022-04-13', part: 'postseason', gameDates: ['2022-04-12', '2022-04-13'], inScope: true }]);
    expect(scope.leftOut).toEqual([]);
    expect(scope.label).toBe('regular seasons + 1 postseason');
    expect(parts(backfillScope(facts('2022-04-12', '2022-04-12', ['2022-04-12'], []), '2024-11-29')).map((p) => p.title)).toEqual(['2021-22 postseason']);
  });

  it('the season in progress is left out after the as-of date only when the range reaches the as-of date and the season has begun', () => {
    const after = { what: '2024-25 after 2024-11-29', games: 0, why: 'the season is in progress: its later games are not final on the as-of date', command: './runbook/04-remaining-seasons.mts --seasons 2024-25 --as-of <a later date>' };
    expect(backfillScope(facts('2024-10-22', '2024-11-29', [], []), '2024-11-29').leftOut).toEqual([after]);
    expect(backfillScope(facts('2024-11-29', '2024-11-29', [], []), '2024-11-29').leftOut).toEqual([after]);
    expect(backfillScope(facts('2024-12-01', '2024-12-31', [], []), '2024-11-29').leftOut).toEqual([]);
    expect(backfillScope(facts('2024-09-01', '2024-10-30', [], []), '2024-10-01').leftOut).toEqual([]);
    expect(backfillScope(facts('2024-09-01', '2024-10-30', [], []), '2024-10-22').leftOut.map((l) => l.what)).toEqual(['2024-25 after 2024-10-22']);
  });
});

describe('small cases mutation testing found unread: one-day ranges, range ends, two-item lists, absent kinds', () => {
  it('the backfilled ranges: a one-day range; a range from one season\'s last day to the next one\'s first; dates on a range\'s ends', () => {
    expect(backfillRanges({ start: '2021-11-01', end: '2021-11-01' }, '2024-11-29')).toEqual([{ title: '2021-22', start: '2021-11-01', end: '2021-11-01' }]);
    // 2021-22's regular season ends 2022-04-10; 2022-23's begins 2022-10-18 (the calendar).
    expect(backfillRanges({ start: '2022-04-10', end: '2022-10-18' }, '2024-11-29')).toEqual([
      { title: '2021-22', start: '2022-04-10', end: '2022-04-10' }, { title: '2022-23', start: '2022-10-18', end: '2022-10-18' },
    ]);
    const r = [{ start: '2021-11-01', end: '2021-11-05' }];
    expect(['2021-10-31', '2021-11-01', '2021-11-05', '2021-11-06'].map((d) => inRanges(d, r))).toEqual([false, true, true, false]);
  });

  it('a difference of two kinds is shown joined', () => {
    const { out, calls } = recorder();
    showOutcomes(out, [outcome('player_game_summary', { met: false, actual: 1, difference: ['never run: 1 date: a', 'dates without a final game that have rows: 1'] })]);
    expect(calls).toContainEqual(['info', '    difference: never run: 1 date: a; dates without a final game that have rows: 1']);
  });

  it('quality: two low weeks are joined, in both explanations; a season without days has no zones figure', () => {
    const S1 = { title: '2021-22', start: '2021-10-19', end: '2021-11-29' };
    const S2 = { title: '2022-23', start: '2022-10-18', end: '2022-11-28' };
    const day = (analysis_date: string, records: number, good: number) => ({ analysis_date, records, good, zones_null: 60 });
    // Weeks 4 and 5 of 2021-22 at 70% and 75%, week 6 at 100%: 245/300 = 81.7%, met overall.
    const met = qualityExpectations([day('2021-11-09', 100, 70), day('2021-11-16', 100, 75), day('2021-11-23', 100, 100)], [S1, S2]);
    expect(met[1].explanation).toBe('met overall, but weeks below 80%: 4 (70%), 5 (75%)');
    expect(met[4].explanation).toBe('as expected: play-by-play is sparse (NULL by season: 2021-22: 60%)');
    const low = qualityExpectations([day('2021-11-09', 100, 70), day('2021-11-16', 100, 75)], [S1]);
    expect(low[1].explanation).toBe("below 80% in weeks 4 (70%), 5 (75%): their records' lookback windows lack Phase 3 rows (see 3.3.2 of the season for the missing dates)");
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, phase2Gate, type CoverageRow, type MissingLoad } from '../lib/gates/phase2-ready.ts';
import { qualityGate, type Phase3Gap, type QualityEvidence, type WeekQuality } from '../lib/gates/quality.ts';
import { MAX_TRANSIENT_ATTEMPTS, failureGate, remedyOf, type FailureCase, type FailureEvidence, type FailureState } from '../lib/gates/failures.ts';
import { confirmRunGate } from '../lib/gates/confirm-run.ts';
import { jobFailedGate } from '../lib/gates/job-failed.ts';
import type { JobPreview } from '../lib/backfill/preview.ts';
import type { DateOutcome, RunSummary } from '../lib/backfill/runner.ts';

const row = (table_name: string, pct: number): CoverageRow => ({ table_name, pct, actual_dates: Math.round(pct * 6), expected: 600 });
const all = (team: number, gamebook: number, bdl: number, schedule = 100) => [
  row('nbac_schedule', schedule), row('nbac_team_boxscore', team), row('nbac_gamebook_player_stats', gamebook), row('bdl_player_boxscores', bdl),
];

describe('1.2 gate: the original decision table, with the run history deciding the 95-99% band', () => {
  let gate: ReturnType<typeof phase2Gate>;
  beforeEach(() => { gate = phase2Gate(); }); // per test, not in the describe body: see docs/TESTING.md
  /** Coverage only: no missing date has a load attempt. */
  const cov = (coverage: CoverageRow[], missing: MissingLoad[] = []) => ({ coverage, missing });
  const miss = (table_name: string, last_load: MissingLoad['last_load'], missing_date = '2022-01-05'): MissingLoad => ({ table_name, missing_date, last_load });
  it.each([
    ['everything 99%+', cov(all(100, 99.5, 99)), 'proceed'],
    ['exactly at the 99% bar', cov(all(99, 99, 99)), 'proceed'],
    ['a critical table below 95%, its dates never re-loaded', cov(all(94.9, 100, 100), [miss('nbac_team_boxscore', 'none')]), 'fix'],
    ['a critical table below 95% even if optional is low too', cov(all(100, 90, 50), [miss('nbac_gamebook_player_stats', 'success')]), 'fix'],
    ['a critical table below 95% whose every re-load failed: fixing cannot help', cov(all(94.9, 100, 100), [miss('nbac_team_boxscore', 'failed')]), 'stop'],
    ['only the optional table low', cov(all(100, 100, 93.1), [miss('bdl_player_boxscores', 'none')]), 'document'],
    ['critical in the 95–99% band, a missing date never re-loaded', cov(all(98.8, 100, 100), [miss('nbac_team_boxscore', 'failed', '2021-11-17'), miss('nbac_team_boxscore', 'none')]), 'fix'],
    ['critical in the band, a re-load that succeeded but the date is missing again', cov(all(98.8, 100, 100), [miss('nbac_team_boxscore', 'success')]), 'fix'],
    ['critical in the band, every missing date\'s re-load failed', cov(all(98.8, 100, 100), [miss('nbac_team_boxscore', 'failed', '2021-11-17'), miss('nbac_team_boxscore', 'failed')]), 'document'],
    ['critical at exactly 95% is in the band, not below it', cov(all(95, 100, 100), [miss('nbac_team_boxscore', 'failed')]), 'document'],
    ['the band judges only its own tables\' dates (bdl not re-loaded does not matter)', cov(all(98.8, 100, 100), [miss('nbac_team_boxscore', 'failed'), miss('bdl_player_boxscores', 'none')]), 'document'],
    ['no figures at all never proceeds', cov([]), 'stop'],
  ])('%s', (_name, evidence, expected) => {
    expect(gate.decide(evidence).recommendation).toBe(expected);
  });

  it('says which tables drove the decision', () => {
    expect(gate.decide(cov(all(94, 100, 100), [miss('nbac_team_boxscore', 'none')])).reason).toContain('nbac_team_boxscore 94%');
    const band = gate.decide(cov(all(98.8, 100, 100), [miss('nbac_team_boxscore', 'failed', '2021-11-17'), miss('nbac_team_boxscore', 'none', '2022-03-08')]));
    expect(band.reason).toMatch(/between 95% and 99%/);
    expect(band.reason).toContain('1 missing date of 2 not yet re-loaded from the source (2022-03-08)');
  });

  it('names the truly lowest table when proceeding, optional ones included', () => {
    // After the default seed's fix: bdl 99.3% (optional) is lower than the team box score at 99.7%.
    const rows = [row('nbac_schedule', 100), { ...row('nbac_team_boxscore', 99.7), actual_dates: 669, expected: 671 },
      { ...row('nbac_gamebook_player_stats', 99.9), actual_dates: 670, expected: 671 }, { ...row('bdl_player_boxscores', 99.3), actual_dates: 666, expected: 671 }];
    const d = gate.decide(cov(rows));
    expect(d.recommendation).toBe('proceed');
    expect(d.reason).toContain('lowest: bdl_player_boxscores 99.3% (666/671)');
  });

  it('recommends fixing when a critical table has no figure at all', () => {
    expect(gate.decide(cov(all(100, 100, 100).filter((r) => r.table_name !== 'nbac_gamebook_player_stats'))).recommendation).toBe('fix');
  });

  it('generates its decision table from the thresholds it decides with', () => {
    const strict = phase2Gate({ ...DEFAULT_POLICY, proceedPct: 99.5, fixBelowPct: 97 });
    expect(strict.table().map((r) => r.when).join('\n')).toContain('99.5%+');
    expect(strict.table().map((r) => r.when).join('\n')).toContain('< 97%');
    expect(strict.decide(cov(all(99.2, 100, 100), [miss('nbac_team_boxscore', 'failed')])).recommendation).toBe('document');
    expect(strict.decide(cov(all(96, 100, 100), [miss('nbac_team_boxscore', 'none')])).recommendation).toBe('fix');
  });

  it('treats a table listed as optional by configuration as optional', () => {
    const lenient = phase2Gate({ ...DEFAULT_POLICY, critical: ['nbac_schedule', 'nbac_team_boxscore'], optional: ['nbac_gamebook_player_stats', 'bdl_player_boxscores'] });
    expect(lenient.decide(cov(all(100, 90, 100))).recommendation).toBe('document');
  });

  it('shows per table how many missing dates were re-loaded without success and how many were not tried', () => {
    const rows = gate.evidence(cov(all(98.8, 100, 100), [miss('nbac_team_boxscore', 'failed', '2021-11-17'), miss('nbac_team_boxscore', 'none')]));
    expect(rows.find((r) => r.table_name === 'nbac_team_boxscore')).toMatchObject({ reload_failed: 1, not_reloaded: 1, verdict: '95-99%' });
  });
});

describe('3.3.2 quality gate', () => {
  const wk = (week: number, good_pct: number, records = 100): WeekQuality => ({ week, week_start: '', records, good: Math.round(good_pct * records / 100), good_pct });
  let gate: ReturnType<typeof qualityGate>;
  beforeEach(() => { gate = qualityGate(); }); // per test, not in the describe body: see docs/TESTING.md
  const ev = (weeks: WeekQuality[], gaps: Phase3Gap[] = [], gameDates = 152): QualityEvidence => ({ weeks, gameDates, gaps, phase3Command: './runbook/02-phase3.mts --season 2021-22' });
  const gap = (missing_date: string, low_records: number, in_range = true): Phase3Gap => ({ missing_date, low_records, in_range });
  it.each([
    ['the first three weeks are not judged', ev([wk(1, 0), wk(2, 10), wk(3, 40), wk(4, 85), wk(5, 95)]), 'continue'],
    ['after week 3 exactly at 80%', ev([wk(4, 80), wk(5, 80)]), 'continue'],
    ['after week 3 just under 80%', ev([wk(4, 79.9, 1000)]), 'stop'],
    ['weeks are weighed by their records', ev([wk(4, 50, 10), wk(5, 90, 90)]), 'continue'],
    ['early weeks only, with records', ev([wk(2, 10), wk(3, 40)]), 'continue'],
    ['no records at all, Phase 3 missing: never go on', ev([], Array.from({ length: 152 }, (_, i) => gap(`2021-11-${String((i % 28) + 1).padStart(2, '0')}`, 0))), 'stop'],
    ['no records at all, Phase 3 complete', ev([]), 'stop'],
    ['weeks listed but every one empty', ev([wk(4, 0, 0)]), 'stop'],
  ] as [string, QualityEvidence, string][])('%s', (_name, e, expected) => {
    expect(gate.decide(e).recommendation).toBe(expected);
  });

  it('stops below 80% and names the Phase 3 dates missing from the low records\' windows', () => {
    const d = gate.decide(ev([wk(1, 0), wk(4, 60), wk(5, 70)], [gap('2021-11-17', 130), gap('2021-12-01', 0)]));
    expect(d.recommendation).toBe('stop');
    // (60 + 70) / 200 = 65%.
    expect(d.reason).toBe("only 65% Good after week 3 (< 80%); low weeks: 4 (60%), 5 (70%); Phase 3 dates missing from the low records' windows: 2021-11-17 (130 low records)");
  });

  it('says so when no Phase 3 date explains the low records, instead of guessing', () => {
    expect(gate.decide(ev([wk(4, 60)])).reason).toMatch(/no Phase 3 date is missing from the low records' windows/);
  });

  it('over zero records names Phase 3 as what is missing, with the command', () => {
    const missing = Array.from({ length: 152 }, (_, i) => gap(`d${i}`, 0));
    expect(gate.decide(ev([], missing)).reason).toBe('no Phase 4 records to judge: Phase 3 (player_game_summary) lacks 152 of the 152 game dates in the range (all of them): run Phase 3 first (./runbook/02-phase3.mts --season 2021-22)');
    expect(gate.decide(ev([])).reason).toMatch(/Phase 3 holds every game date: run Phase 4 \(3\.1\) first/);
  });
});

describe('failures gate: each failed date judged by its cause', () => {
  let gate: ReturnType<typeof failureGate>;
  beforeEach(() => { gate = failureGate(); }); // per test, not in the describe body: see docs/TESTING.md
  const ev = (failures: FailureCase[]): FailureEvidence => ({ failures, next: 'continue with Step 3', phase3Command: './runbook/02-phase3.mts --season 2021-22' });
  const fc = (state: FailureState, o: Partial<FailureCase> = {}): FailureCase => ({
    data_date: '2021-11-03', processor_name: 'TeamOffenseGameSummaryProcessor', error_preview: '{"error":"DependencyError: missing Phase 2: nba_raw.nbac_team_boxscore"',
    missing_dependencies: ['nba_raw.nbac_team_boxscore'], state, failed_attempts: 1, reload_tables: [], phase3_missing: [], ...o,
  });
  const transient = (n: number) => fc('transient', { error_preview: '{"error":"Interrupted: stopped by the operator', missing_dependencies: [], failed_attempts: n });
  it.each([
    ['no failed dates', [], 'continue'],
    ['Phase 2 missing, never re-loaded since the date failed', [fc('phase2-not-reloaded', { reload_tables: ['nba_raw.nbac_team_boxscore'] })], 'fix-phase2'],
    ['Phase 2 re-load failed: the source has nothing', [fc('phase2-unavailable')], 'document'],
    ['a data check the re-loaded data still fails', [fc('phase2-reload-did-not-help')], 'document'],
    ['the data it lacked is there now', [fc('upstream-fixed')], 'rerun'],
    ['the upstream job ran on the date and wrote nothing: a re-run fails the same way', [fc('upstream-empty', { processor_name: 'PlayerDailyCacheProcessor', missing_dependencies: ['nba_precompute.player_shot_zone_analysis'] })], 'document'],
    ['a re-run beside an empty upstream', [fc('upstream-empty'), transient(1)], 'rerun'],
    ['transient, first failure', [transient(1)], 'rerun'],
    [`transient, ${MAX_TRANSIENT_ATTEMPTS - 1} failures in a row (just under the bound)`, [transient(MAX_TRANSIENT_ATTEMPTS - 1)], 'rerun'],
    [`transient, ${MAX_TRANSIENT_ATTEMPTS} failures in a row (at the bound)`, [transient(MAX_TRANSIENT_ATTEMPTS)], 'stop'],
    ['a Phase 4 date lacking Phase 3 that Step 2 can produce', [fc('phase3-missing', { phase3_missing: ['nba_analytics.player_game_summary'] })], 'stop'],
    ['a Phase 4 date lacking Phase 3 whose Phase 2 source has nothing', [fc('phase3-unavailable', { phase3_missing: ['nba_analytics.team_defense_game_summary'] })], 'document'],
    ['duplicate keys: a re-run writes the same rows', [fc('processor-check', { error_preview: '{"error":"DataCheckError: keys unique: …' })], 'stop'],
    ['in-place repairs come first: fix beside a stop', [fc('phase3-missing'), fc('phase2-not-reloaded')], 'fix-phase2'],
    ['a re-run beside documented dates', [fc('phase2-unavailable'), transient(1)], 'rerun'],
    ['a stop beats documenting', [fc('phase2-unavailable'), fc('phase3-missing')], 'stop'],
  ] as [string, FailureCase[], string][])('%s', (_name, failures, expected) => {
    expect(gate.decide(ev(failures)).recommendation).toBe(expected);
  });

  it('documents a date whose upstream job succeeded with no rows, naming the table', () => {
    const d = gate.decide(ev([fc('upstream-empty', { data_date: '2021-12-01', processor_name: 'PlayerDailyCacheProcessor', missing_dependencies: ['nba_precompute.player_shot_zone_analysis'] })]));
    expect(d.reason).toBe('1 date(s) (2021-12-01) need nba_precompute.player_shot_zone_analysis, whose job succeeded on them and wrote no rows: a re-run fails the same way: document them and continue with Step 3');
  });

  it('names Phase 3, not Phase 2, when Phase 4 dates lack Phase 3 data, with the command that produces it', () => {
    const d = gate.decide(ev([fc('phase3-missing', { data_date: '2021-10-26', phase3_missing: ['nba_analytics.player_game_summary', 'nba_analytics.team_defense_game_summary'] })]));
    expect(d.reason).toBe('1 date(s) (2021-10-26) lack Phase 3 data (nba_analytics.player_game_summary, nba_analytics.team_defense_game_summary): run Phase 3 for them first (./runbook/02-phase3.mts --season 2021-22)');
    expect(d.reason).not.toMatch(/Phase 2/);
  });

  it('names the Phase 2 tables it will re-load, and says what comes afterwards', () => {
    const d = gate.decide(ev([fc('phase2-not-reloaded', { reload_tables: ['nba_raw.nbac_team_boxscore'] }), fc('phase2-unavailable', { data_date: '2021-11-17' })]));
    expect(d.reason).toBe('1 date(s) (2021-11-03) lack Phase 2 data (nba_raw.nbac_team_boxscore) that has not been re-loaded since they failed: re-load them with the Phase 2 job, then re-run them; 1 more failed processor-date(s) to document afterwards');
  });

  it('each cause maps to one remedy', () => {
    expect(remedyOf(fc('phase2-not-reloaded'))).toBe('fix-phase2');
    expect(remedyOf(transient(MAX_TRANSIENT_ATTEMPTS + 5))).toBe('stop');
  });
});

describe('2.1.1 confirm the commands: the rule table', () => {
  let gate: ReturnType<typeof confirmRunGate>;
  beforeEach(() => { gate = confirmRunGate('the five Phase 3 backfills'); }); // per test, not in the describe body: see docs/TESTING.md
  const job = (o: Partial<JobPreview>): JobPreview => ({ job: 'analytics/player_game_summary', game_dates: 166, to_process: 166, skipped: 0, dependency_gaps: 0, gap_dates: '', skip_reason: '', scope_starts: '', ...o });
  const context = (o: Partial<JobPreview>) => job({ job: 'analytics/upcoming_player_game_context', ...o });
  it.each([
    ['every job has dates', [job({}), context({ to_process: 40, skipped: 126, skip_reason: 'no_props_lines' })], 'run'],
    ['the player context skips every date before the odds data starts', [job({}), context({ to_process: 0, skipped: 166, skip_reason: 'no_props_lines', scope_starts: '2023-05-07' })], 'run'],
    ['a job whose every date lacks upstream data', [job({ to_process: 0, dependency_gaps: 166 }), context({ to_process: 0, skipped: 166, skip_reason: 'no_props_lines' })], 'stop'],
    ['a job with no game dates at all', [job({ game_dates: 0, to_process: 0 })], 'stop'],
    ['one date left to process is enough', [job({ to_process: 1, dependency_gaps: 165 })], 'run'],
  ] as [string, JobPreview[], string][])('%s', (_name, rows, expected) => {
    expect(gate.decide(rows).recommendation).toBe(expected);
  });

  it('says why the player context has nothing to process instead of contradicting its rule', () => {
    const d = gate.decide([job({ to_process: 165, dependency_gaps: 1, gap_dates: '2021-11-17' }), context({ to_process: 0, skipped: 166, skip_reason: 'no_props_lines', scope_starts: '2023-05-07' })]);
    expect(d.reason).toBe('165 job-dates to process; analytics/upcoming_player_game_context has nothing to process by design: no props lines in this range (the odds data starts 2023-05-07), so its 166 dates are recorded as skipped, not failed; analytics/player_game_summary will record 1 DependencyError date(s) (2021-11-17)');
    expect(gate.table().find((r) => r.choice === 'run' && /props lines/.test(r.when))).toBeTruthy();
  });
});

describe('3.1.6 a Phase 4 job has failed dates: the rule table', () => {
  let gate: ReturnType<typeof jobFailedGate>;
  beforeEach(() => { gate = jobFailedGate(); }); // per test, not in the describe body: see docs/TESTING.md
  const summary = (outcomes: DateOutcome[]): RunSummary => ({ job: 'precompute/team_defense_zone_analysis', runId: 'r', total: outcomes.length, done: outcomes.length, failed: 0, skipped: 0, records: 0, statements: 0, interrupted: false, outcomes, ms: 0 });
  const ok = (date: string): DateOutcome => ({ date, status: 'success' });
  const dep = (date: string, missing = ['nba_analytics.team_defense_game_summary']): DateOutcome => ({ date, status: 'failed', reason: 'DependencyError', missing });
  it.each([
    ['failed dates lack upstream data, others succeeded', [ok('2021-11-16'), dep('2021-11-17')], 'continue'],
    ['an interrupted date', [ok('2021-11-16'), { date: '2021-11-18', status: 'failed', reason: 'interrupted' }], 'rerun'],
    ['a failed data check', [ok('2021-11-16'), { date: '2021-11-18', status: 'failed', reason: 'data check "keys unique" failed on 2021-11-18: …' }], 'stop'],
    ['no date succeeded (no Phase 3 at all)', [dep('2021-10-26'), dep('2021-10-27')], 'stop'],
  ] as [string, DateOutcome[], string][])('%s', (_name, outcomes, expected) => {
    expect(gate.decide(summary(outcomes)).recommendation).toBe(expected);
  });

  it('names the phase whose data is missing', () => {
    const d = gate.decide(summary([dep('2021-10-26'), dep('2021-10-27')]));
    expect(d.reason).toContain('lacking Phase 3: nba_analytics.team_defense_game_summary');
  });
});

// ---- Every gate, decision by decision: what mutation testing showed untested ----------------

import { phase3CompleteGate } from '../lib/gates/phase3-complete.ts';

describe('every gate is well-formed: what the operator reads is never blank, and each table row names a real choice', () => {
  const make = () => ({
    phase2: phase2Gate(), quality: qualityGate(), failures: failureGate(),
    phase3Complete: phase3CompleteGate(), jobFailed: jobFailedGate(), confirmRun: confirmRunGate('the jobs'),
  });
  it.each(Object.keys(make()) as (keyof ReturnType<typeof make>)[])('%s', (name) => {
    const gate = make()[name]; // built in the test: see docs/TESTING.md
    expect(gate.question.trim()).not.toBe('');
    expect(gate.question.endsWith('?')).toBe(true);
    const values = gate.choices.map((c) => c.value);
    expect(new Set(values).size).toBe(values.length);
    for (const c of gate.choices) {
      expect(c.value).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(c.label.trim().length).toBeGreaterThan(3);
      expect(['proceed', 'stop', 'repair']).toContain(c.effect);
    }
    // Someone can always stop, and someone can always go on.
    expect(gate.choices.some((c) => c.effect === 'stop')).toBe(true);
    expect(gate.choices.some((c) => c.effect === 'proceed')).toBe(true);
    expect(gate.table().length).toBeGreaterThanOrEqual(2);
    for (const row of gate.table()) {
      expect(row.when.trim().length).toBeGreaterThan(5);
      expect(row.action.trim().length).toBeGreaterThan(5);
      if (row.choice !== null) expect(values).toContain(row.choice);
    }
  });

  it('a "document" choice asks for a note; no other choice does', () => {
    for (const gate of Object.values(make())) {
      for (const c of gate.choices) expect(!!c.needsNote, `${gate.question} ${c.value}`).toBe(c.value === 'document');
    }
  });
});

describe('4.2.1 Phase 3 complete gate', () => {
  let gate: ReturnType<typeof phase3CompleteGate>;
  beforeEach(() => { gate = phase3CompleteGate(); }); // per test, not in the describe body: see docs/TESTING.md
  const t = (table_name: string, dates: number, expected: number, explanation = 'explained') => ({ table_name, dates, expected, explanation });

  it('stops when a table holds less than 98% of its expected dates, naming it with its share', () => {
    // 50 of 100 is 50%: the bug "pct < minPct / 100" would let it through.
    expect(gate.decide([t('player_game_summary', 100, 100), t('team_offense_game_summary', 50, 100, '50 box scores missing')])).toEqual({
      recommendation: 'stop', reason: 'below 98%: team_offense_game_summary 50% (50 box scores missing)',
    });
    // 979/1000 is 97.9%: just below the bar.
    expect(gate.decide([t('a', 979, 1000, 'x')])).toEqual({ recommendation: 'stop', reason: 'below 98%: a 97.9% (x)' });
    expect(gate.decide([t('a', 0, 166, 'never run'), t('b', 97, 100, 'gaps')]).reason).toBe('below 98%: a 0% (never run); b 97% (gaps)');
  });

  it('proceeds at exactly 98%, and lists the explained shortfalls', () => {
    expect(gate.decide([t('a', 98, 100, 'two dates lack box scores'), t('b', 100, 100)])).toEqual({
      recommendation: 'proceed', reason: 'every table ≥ 98%; small shortfalls explained: a: two dates lack box scores',
    });
    expect(gate.decide([t('a', 166, 166), t('b', 170, 166)])).toEqual({ recommendation: 'proceed', reason: 'every table holds every expected date' });
  });

  it('a table that expects no dates counts as complete', () => {
    expect(gate.decide([t('upcoming_player_game_context', 0, 0)])).toEqual({ recommendation: 'proceed', reason: 'every table holds every expected date' });
    expect(gate.evidence([t('u', 0, 0, 'no props lines')])).toEqual([{ table_name: 'u', dates: 0, expected: 0, pct: 100, explanation: 'no props lines' }]);
  });

  it('shows each table with its share to one decimal', () => {
    expect(gate.evidence([t('a', 163, 166, 'three dates missing')])).toEqual([{ table_name: 'a', dates: 163, expected: 166, pct: 98.2, explanation: 'three dates missing' }]);
  });

  it('decides and describes itself with the same threshold', () => {
    const strict = phase3CompleteGate(99.5);
    expect(strict.decide([t('a', 99, 100)]).recommendation).toBe('stop');
    expect(strict.table().map((r) => [r.when, r.choice])).toEqual([
      ['every Phase 3 table holds 99.5%+ of its expected dates', 'proceed'],
      ['a Phase 3 table below 99.5%', 'stop'],
    ]);
  });
});

describe('3.1.6 a Phase 4 job has failed dates', () => {
  let gate: ReturnType<typeof jobFailedGate>;
  beforeEach(() => { gate = jobFailedGate(); }); // per test, not in the describe body: see docs/TESTING.md
  const summary = (outcomes: RunSummary['outcomes']): RunSummary => ({
    job: 'precompute/player_shot_zone_analysis', runId: 'r', total: outcomes.length, done: outcomes.length, failed: 0, skipped: 0, records: 0,
    statements: 0, interrupted: false, ms: 0, outcomes,
  });
  const dep = (date: string, missing: string[]) => ({ date, status: 'failed' as const, reason: 'DependencyError', missing });

  it('continues when every failed date lacks upstream data, naming the missing tables once', () => {
    const s = summary([
      { date: '2021-11-01', status: 'success' },
      dep('2021-11-02', ['nba_precompute.team_defense_zone_analysis']),
      dep('2021-11-03', ['nba_precompute.team_defense_zone_analysis']),
    ]);
    expect(gate.decide(s)).toEqual({
      recommendation: 'continue',
      reason: 'all 2 failed date(s) lack upstream data (Phase 4: nba_precompute.team_defense_zone_analysis); the next jobs run the other 1 date(s)',
    });
  });

  it('re-runs when some dates failed for another reason, saying which reasons', () => {
    const s = summary([
      { date: '2021-11-01', status: 'success' },
      dep('2021-11-02', ['x']),
      { date: '2021-11-03', status: 'failed', reason: 'abandoned' },
      { date: '2021-11-04', status: 'failed', reason: 'abandoned' },
      { date: '2021-11-05', status: 'failed', reason: 'interrupted' },
    ]);
    expect(gate.decide(s)).toEqual({
      recommendation: 'rerun',
      reason: '3 date(s) failed for a reason other than missing upstream data (abandoned; interrupted)',
    });
  });

  it('stops on a failed data check: a re-run would write the same rows', () => {
    const s = summary([
      { date: '2021-11-01', status: 'success' },
      { date: '2021-11-03', status: 'failed', reason: 'data check "keys not NULL" failed on 2021-11-03: 2 row(s) with a NULL key (game_id, player_lookup)' },
      { date: '2021-11-05', status: 'failed', reason: 'interrupted' },
    ]);
    expect(gate.decide(s)).toEqual({
      recommendation: 'stop',
      reason: '1 date(s) failed a data check (data check "keys not NULL" failed on 2021-11-03: 2 row(s) with a NULL key (game_id, player_lookup)): a re-run writes the same rows; investigate',
    });
  });

  it('cuts a long list of reasons to 120 characters', () => {
    const long = 'x'.repeat(200);
    expect(gate.decide(summary([{ date: '2021-11-01', status: 'success' }, { date: '2021-11-03', status: 'failed', reason: long }])).reason)
      .toBe(`1 date(s) failed for a reason other than missing upstream data (${'x'.repeat(120)})`);
  });

  it('shows only the failed dates, with why', () => {
    const s = summary([
      { date: '2021-11-01', status: 'success' }, { date: '2021-11-09', status: 'skipped', reason: 'bootstrap' },
      dep('2021-11-02', ['a', 'b']), { date: '2021-11-03', status: 'failed', reason: 'boom' }, { date: '2021-11-04', status: 'failed' },
    ]);
    expect(gate.evidence(s)).toEqual([
      { job: 'precompute/player_shot_zone_analysis', data_date: '2021-11-02', reason: 'DependencyError: upstream: a, b' },
      { job: 'precompute/player_shot_zone_analysis', data_date: '2021-11-03', reason: 'boom' },
      { job: 'precompute/player_shot_zone_analysis', data_date: '2021-11-04', reason: '' },
    ]);
  });
});

describe('2.1.1 confirm the commands', () => {
  let gate: ReturnType<typeof confirmRunGate>;
  beforeEach(() => { gate = confirmRunGate('the five Phase 3 backfills'); }); // per test, not in the describe body: see docs/TESTING.md
  const job = (name: string, game_dates: number, to_process: number, skipped = 0, dependency_gaps = 0, gap_dates = '', skip_reason = ''): JobPreview =>
    ({ job: name, game_dates, to_process, skipped, dependency_gaps, gap_dates, skip_reason, scope_starts: '' });

  it('asks about what it runs', () => {
    expect(gate.question).toBe('Run the five Phase 3 backfills now?');
    expect(gate.choices.map((c) => [c.value, c.effect])).toEqual([['run', 'proceed'], ['stop', 'stop']]);
  });

  it('runs, adding up the job-dates, when every upstream has data', () => {
    expect(gate.decide([job('a', 166, 166), job('b', 166, 160, 6)])).toEqual({
      recommendation: 'run', reason: '326 job-dates to process; every upstream table has data for every date',
    });
  });

  it('runs, and says which DependencyError dates it will record', () => {
    expect(gate.decide([job('a', 166, 166), job('b', 166, 164, 0, 2, '2021-10-27, 2021-11-03'), job('c', 166, 165, 0, 1, '2021-11-03')])).toEqual({
      recommendation: 'run',
      reason: '495 job-dates to process; b will record 2 DependencyError date(s) (2021-10-27, 2021-11-03); c will record 1 DependencyError date(s) (2021-11-03)',
    });
  });

  it('stops when a job would process nothing in the range for no documented reason', () => {
    expect(gate.decide([job('a', 166, 166), job('b', 166, 0, 0, 166), job('c', 10, 0, 3)])).toEqual({
      recommendation: 'stop', reason: 'b would process no date (166 of 166 game dates lack upstream data); c would process no date (0 of 10 game dates lack upstream data): check the range or the upstream data first',
    });
  });

  it('a job whose dates are all skipped for its documented reason (no props lines) is not idle; one without games is', () => {
    expect(gate.decide([job('upcoming', 166, 0, 166, 0, '', 'no_props_lines')]).recommendation).toBe('run');
    expect(gate.decide([job('upcoming', 166, 0, 166)]).recommendation).toBe('stop');
    expect(gate.decide([job('empty', 0, 0, 0)]).recommendation).toBe('stop');
  });

  it('shows the figures without the long list of gap dates', () => {
    expect(gate.evidence([job('b', 166, 164, 0, 2, '2021-10-27, 2021-11-03')])).toEqual([{ job: 'b', game_dates: 166, to_process: 164, skipped: 0, dependency_gaps: 2 }]);
    // The skip reason as a column only when a job has one, then for every job.
    expect(gate.evidence([job('b', 166, 166), job('upcoming', 166, 40, 126, 0, '', 'no_props_lines')])).toEqual([
      { job: 'b', game_dates: 166, to_process: 166, skipped: 0, dependency_gaps: 0, skip_reason: '' },
      { job: 'upcoming', game_dates: 166, to_process: 40, skipped: 126, dependency_gaps: 0, skip_reason: 'no_props_lines' },
    ]);
  });
});

// ---- Reasons word for word: each expected text worked out by hand from the inputs -----------
// (mutation testing showed these branches decided right but said it wrong unnoticed)

describe('failures gate: the reason of each recommendation, word for word', () => {
  const F = (state: FailureState, o: Partial<FailureCase> = {}): FailureCase => ({
    data_date: '2021-11-03', processor_name: 'TeamOffenseGameSummaryProcessor', error_preview: null,
    missing_dependencies: null, state, failed_attempts: 1, reload_tables: [], phase3_missing: [], ...o,
  });
  const ev = (failures: FailureCase[]): FailureEvidence => ({ failures, next: 'continue with Step 3', phase3Command: './runbook/02-phase3.mts --season 2021-22' });

  it('nothing failed: continue, saying what comes next', () => {
    expect(failureGate().decide(ev([]))).toEqual({ recommendation: 'continue', reason: 'no failed dates; continue with Step 3' });
  });

  it('fix Phase 2 first: the dates sorted, each table once, then what is left for afterwards, in order', () => {
    const d = failureGate().decide(ev([
      F('phase2-not-reloaded', { data_date: '2021-11-03', reload_tables: ['nba_raw.nbac_team_boxscore'] }),
      F('phase2-not-reloaded', { data_date: '2021-11-02', reload_tables: ['nba_raw.nbac_team_boxscore', 'nba_raw.nbac_gamebook_player_stats'] }),
      F('upstream-fixed', { data_date: '2021-11-04' }),
      F('phase3-missing', { data_date: '2021-11-05' }),
      F('phase3-missing', { data_date: '2021-11-06' }),
    ]));
    expect(d).toEqual({
      recommendation: 'fix-phase2',
      reason: '2 date(s) (2021-11-02, 2021-11-03) lack Phase 2 data (nba_raw.nbac_team_boxscore, nba_raw.nbac_gamebook_player_stats) that has not been re-loaded since they failed: re-load them with the Phase 2 job, then re-run them; 1 more failed processor-date(s) to rerun afterwards, 2 more failed processor-date(s) to stop afterwards',
    });
  });

  it('re-run: the fixed dates (once each, sorted, whatever their count of failures) and the transient ones (job, error type)', () => {
    const d = failureGate().decide(ev([
      F('upstream-fixed', { data_date: '2021-11-05' }),
      F('upstream-fixed', { data_date: '2021-11-03', failed_attempts: 3 }),
      F('upstream-fixed', { data_date: '2021-11-05', processor_name: 'TeamDefenseGameSummaryProcessor' }),
      F('transient', { data_date: '2021-11-03', error_preview: '{"error":"Interrupted: stopped by the operator"}' }),
      F('transient', { data_date: '2021-11-04', processor_name: 'PlayerGameSummaryProcessor', error_preview: '{"error_type":"Abandoned"}', failed_attempts: 2 }),
      F('transient', { data_date: '2021-11-06', processor_name: 'PlayerGameSummaryProcessor', error_preview: null }),
      F('phase2-unavailable', { data_date: '2021-11-20' }),
      F('phase2-unavailable', { data_date: '2021-11-21' }),
    ]));
    expect(d).toEqual({
      recommendation: 'rerun',
      reason: '2 date(s) (2021-11-03, 2021-11-05) now have the data they lacked; 3 failure(s) are transient (TeamOffenseGameSummary, PlayerGameSummary; Interrupted, Abandoned, error), none repeated 3 times: re-running just those dates should clear them; 2 more failed processor-date(s) to document afterwards',
    });
  });

  it('stop: Phase 3 to produce, a failure that keeps repeating, and data checks the processor causes (each cut to 60 characters)', () => {
    const long = '{"error":"DataCheckError: keys unique: 2 rows for game 0022100123 and player lebronjames on 2021-11-10"}';
    const d = failureGate().decide(ev([
      F('phase3-missing', { data_date: '2021-10-27', phase3_missing: ['nba_analytics.player_game_summary'] }),
      F('phase3-missing', { data_date: '2021-10-26', phase3_missing: ['nba_analytics.player_game_summary', 'nba_analytics.team_offense_game_summary'] }),
      F('transient', { data_date: '2021-11-09', error_preview: '{"error":"Abandoned: the process running this date ended"}', failed_attempts: 3 }),
      F('processor-check', { data_date: '2021-11-10', error_preview: long }),
      F('processor-check', { data_date: '2021-11-11', error_preview: '{"error":"DataCheckError: NULL keys: player_lookup"}' }),
      F('phase2-unavailable', { data_date: '2021-11-12' }),
      F('upstream-empty', { data_date: '2021-11-13', missing_dependencies: ['nba_precompute.player_shot_zone_analysis'] }),
    ]));
    // The first 60 characters after '{"error":"', counted by hand: "DataCheckError: keys unique: 2 rows for game 0022100123 and " is 60.
    expect(d).toEqual({
      recommendation: 'stop',
      reason: '2 date(s) (2021-10-26, 2021-10-27) lack Phase 3 data (nba_analytics.player_game_summary, nba_analytics.team_offense_game_summary): run Phase 3 for them first (./runbook/02-phase3.mts --season 2021-22)'
        + '; 1 date(s) (2021-11-09) failed 3+ times in a row (Abandoned): another re-run will not help; investigate (./runbook/troubleshoot.mts)'
        + '; 2 date(s) (2021-11-10, 2021-11-11) fail a data check the processor itself causes (DataCheckError: keys unique: 2 rows for game 0022100123 and ; DataCheckError: NULL keys: player_lookup"}): a re-run writes the same rows'
        + '; 2 more failed processor-date(s) to document afterwards',
    });
  });

  it('stop on a data check with no error text: empty parentheses, not a crash', () => {
    expect(failureGate().decide(ev([F('processor-check', { data_date: '2021-11-10' })])).reason)
      .toBe('1 date(s) (2021-11-10) fail a data check the processor itself causes (): a re-run writes the same rows');
  });

  it('document: six dates are listed in full, a seventh becomes "…"; each upstream table once', () => {
    const days = (month: string, from: number, n: number) => Array.from({ length: n }, (_, i) => `2021-${month}-${String(from + i).padStart(2, '0')}`);
    const d = failureGate().decide(ev([
      ...days('11', 1, 5).map((data_date) => F('phase2-unavailable', { data_date })),
      F('phase2-reload-did-not-help', { data_date: '2021-11-06' }),
      ...days('12', 1, 7).map((data_date, i) => F('phase3-unavailable', { data_date, phase3_missing: [i === 3 ? 'nba_analytics.player_game_summary' : 'nba_analytics.team_defense_game_summary'] })),
      F('upstream-empty', { data_date: '2021-12-10', missing_dependencies: ['nba_precompute.player_shot_zone_analysis', 'nba_precompute.team_defense_zone_analysis'] }),
      F('upstream-empty', { data_date: '2021-12-09', missing_dependencies: null }),
    ]));
    expect(d).toEqual({
      recommendation: 'document',
      reason: '6 date(s) (2021-11-01, 2021-11-02, 2021-11-03, 2021-11-04, 2021-11-05, 2021-11-06) lack Phase 2 data the source cannot provide (their re-load failed, or the re-loaded data still fails the check)'
        + '; 7 date(s) (2021-12-01, 2021-12-02, 2021-12-03, 2021-12-04, 2021-12-05, 2021-12-06, …) lack Phase 3 data (nba_analytics.team_defense_game_summary, nba_analytics.player_game_summary) that Step 2 could not produce: its Phase 2 source has nothing for them'
        + '; 2 date(s) (2021-12-09, 2021-12-10) need nba_precompute.player_shot_zone_analysis, nba_precompute.team_defense_zone_analysis, whose job succeeded on them and wrote no rows: a re-run fails the same way'
        + ': document them and continue with Step 3',
    });
  });

  it('each part of a reason only when its kind is there; two error types joined', () => {
    expect(failureGate().decide(ev([F('upstream-fixed', { data_date: '2021-11-05' })])).reason)
      .toBe('1 date(s) (2021-11-05) now have the data they lacked: re-running just those dates should clear them');
    expect(failureGate().decide(ev([F('transient', { error_preview: '{"error":"Interrupted: x"}' })])).reason)
      .toBe('1 failure(s) are transient (TeamOffenseGameSummary; Interrupted), none repeated 3 times: re-running just those dates should clear them');
    expect(failureGate().decide(ev([
      F('transient', { data_date: '2021-11-09', error_preview: '{"error":"Abandoned: x"}', failed_attempts: 3 }),
      F('transient', { data_date: '2021-11-10', error_preview: '{"error":"Interrupted: x"}', failed_attempts: 4 }),
    ])).reason).toBe('2 date(s) (2021-11-09, 2021-11-10) failed 3+ times in a row (Abandoned, Interrupted): another re-run will not help; investigate (./runbook/troubleshoot.mts)');
    expect(failureGate().decide(ev([F('phase2-unavailable', { data_date: '2021-11-12' })])).reason)
      .toBe('1 date(s) (2021-11-12) lack Phase 2 data the source cannot provide (their re-load failed, or the re-loaded data still fails the check): document them and continue with Step 3');
  });

  it('shows each failed date with its cause and its missing tables as text', () => {
    expect(failureGate().evidence(ev([
      F('upstream-empty', { missing_dependencies: ['a.b', 'c.d'], error_preview: '{"error":"DependencyError"}' }),
      F('transient', { data_date: '2021-11-04', failed_attempts: 2 }),
    ]))).toEqual([
      { data_date: '2021-11-03', processor_name: 'TeamOffenseGameSummaryProcessor', cause: 'upstream-empty', failed_attempts: 1, error_preview: '{"error":"DependencyError"}', missing_dependencies: 'a.b, c.d' },
      { data_date: '2021-11-04', processor_name: 'TeamOffenseGameSummaryProcessor', cause: 'transient', failed_attempts: 2, error_preview: null, missing_dependencies: '' },
    ]);
  });
});

describe('1.2 gate: the reason of each recommendation, word for word', () => {
  // row(t, pct) has actual_dates = round(pct × 6) of 600: 94 → 564, 93 → 558, 98.8 → 593, 93.1 → 559.
  const cov = (coverage: CoverageRow[], missing: MissingLoad[] = []) => ({ coverage, missing });
  const miss = (table_name: string, last_load: MissingLoad['last_load'], missing_date = '2022-01-05'): MissingLoad => ({ table_name, missing_date, last_load });

  it('no figures; critical tables without a figure, named', () => {
    expect(phase2Gate().decide(cov([])).reason).toBe('no coverage figures at all: the raw tables could not be counted');
    expect(phase2Gate().decide(cov([row('nbac_schedule', 100), row('bdl_player_boxscores', 100)])))
      .toEqual({ recommendation: 'fix', reason: 'no coverage figure for critical table(s) nbac_team_boxscore, nbac_gamebook_player_stats' });
  });

  it('below 95%: every low critical table, and the missing dates of any of them not yet re-loaded (one or several)', () => {
    const one = phase2Gate().decide(cov(all(94, 93, 100), [miss('nbac_team_boxscore', 'none')]));
    expect(one).toEqual({ recommendation: 'fix', reason: 'critical table(s) below 95%: nbac_team_boxscore 94% (564/600), nbac_gamebook_player_stats 93% (558/600); 1 missing date not yet re-loaded' });
    const two = phase2Gate().decide(cov(all(94, 100, 100), [miss('nbac_team_boxscore', 'none'), miss('nbac_team_boxscore', 'success', '2022-01-06')]));
    expect(two.reason).toBe('critical table(s) below 95%: nbac_team_boxscore 94% (564/600); 2 missing dates not yet re-loaded');
    const gone = phase2Gate().decide(cov(all(94, 93, 100), [miss('nbac_team_boxscore', 'failed'), miss('nbac_gamebook_player_stats', 'failed')]));
    expect(gone).toEqual({ recommendation: 'stop', reason: "critical table(s) below 95%: nbac_team_boxscore 94% (564/600), nbac_gamebook_player_stats 93% (558/600), and every missing date's re-load has already failed: the source has nothing more; ask the data provider" });
  });

  it('in the 95-99% band: up to five dates not yet re-loaded are listed, a sixth becomes "…"', () => {
    const band = (n: number) => phase2Gate().decide(cov(all(98, 97, 100), [
      miss('nbac_team_boxscore', 'failed', '2021-12-31'),
      ...Array.from({ length: n }, (_, i) => miss(i < 4 ? 'nbac_team_boxscore' : 'nbac_gamebook_player_stats', 'none', `2022-01-0${i + 1}`)),
    ]));
    expect(band(6)).toEqual({ recommendation: 'fix', reason: 'critical table(s) between 95% and 99%: nbac_team_boxscore 98% (588/600), nbac_gamebook_player_stats 97% (582/600); 6 missing dates of 7 not yet re-loaded from the source (2022-01-01, 2022-01-02, 2022-01-03, 2022-01-04, 2022-01-05, …): a re-load (1.3) may recover them' });
    expect(band(5).reason).toBe('critical table(s) between 95% and 99%: nbac_team_boxscore 98% (588/600), nbac_gamebook_player_stats 97% (582/600); 5 missing dates of 6 not yet re-loaded from the source (2022-01-01, 2022-01-02, 2022-01-03, 2022-01-04, 2022-01-05): a re-load (1.3) may recover them');
  });

  it('in the band: the dates are listed in calendar order across tables, the earliest five', () => {
    // The missing rows come table by table; an operator reads the dates as a calendar.
    const rows = [
      miss('nbac_team_boxscore', 'none', '2021-11-17'), miss('nbac_team_boxscore', 'none', '2022-03-08'),
      miss('nbac_gamebook_player_stats', 'none', '2021-10-27'), miss('nbac_gamebook_player_stats', 'none', '2022-01-19'),
      miss('nbac_gamebook_player_stats', 'none', '2021-10-20'), miss('nbac_team_boxscore', 'none', '2021-12-29'),
    ];
    expect(phase2Gate().decide(cov(all(98, 97, 100), rows)).reason)
      .toContain('6 missing dates of 6 not yet re-loaded from the source (2021-10-20, 2021-10-27, 2021-11-17, 2021-12-29, 2022-01-19, …)');
    const failed = rows.map((r) => ({ ...r, last_load: 'failed' as const }));
    expect(phase2Gate().decide(cov(all(98, 97, 100), failed)).reason)
      .toContain("every missing date's re-load has failed (2021-10-20, 2021-10-27, 2021-11-17, 2021-12-29, 2022-01-19, 2022-03-08)");
  });

  it('in the band with every re-load failed: document, listing the dates', () => {
    expect(phase2Gate().decide(cov(all(98.8, 100, 100), [miss('nbac_team_boxscore', 'failed', '2021-11-17'), miss('nbac_team_boxscore', 'failed')])))
      .toEqual({ recommendation: 'document', reason: "critical table(s) between 95% and 99%: nbac_team_boxscore 98.8% (593/600); every missing date's re-load has failed (2021-11-17, 2022-01-05): the source has nothing more, document them and proceed" });
  });

  it('in the band with every re-load failed, two tables: both named', () => {
    expect(phase2Gate().decide(cov(all(98, 97, 100), [miss('nbac_team_boxscore', 'failed'), miss('nbac_gamebook_player_stats', 'failed', '2022-01-06')])).reason)
      .toBe("critical table(s) between 95% and 99%: nbac_team_boxscore 98% (588/600), nbac_gamebook_player_stats 97% (582/600); every missing date's re-load has failed (2022-01-05, 2022-01-06): the source has nothing more, document them and proceed");
  });

  it('only optional or unclassified tables low: document, naming them', () => {
    expect(phase2Gate().decide(cov([...all(100, 100, 93.1), row('odds_api_props', 90)])))
      .toEqual({ recommendation: 'document', reason: 'all critical tables are 99%+; only optional table(s) are low: bdl_player_boxscores 93.1% (559/600), odds_api_props 90% (540/600)' });
  });

  it('proceed: the lowest table, and the missing table-dates the source could not re-load (none, one, two)', () => {
    const rows = all(99.5, 100, 99);
    expect(phase2Gate().decide(cov(rows)).reason).toBe('all tables are 99%+ (lowest: bdl_player_boxscores 99% (594/600))');
    expect(phase2Gate().decide(cov(rows, [miss('nbac_team_boxscore', 'failed'), miss('nbac_team_boxscore', 'none', '2022-01-06')])).reason)
      .toBe('all tables are 99%+ (lowest: bdl_player_boxscores 99% (594/600)); 1 missing table-date the source could not re-load');
    expect(phase2Gate().decide(cov(rows, [miss('nbac_team_boxscore', 'failed'), miss('bdl_player_boxscores', 'failed', '2022-01-06')])))
      .toEqual({ recommendation: 'proceed', reason: 'all tables are 99%+ (lowest: bdl_player_boxscores 99% (594/600)); 2 missing table-dates the source could not re-load' });
  });

  it('evidence: each table with its role, its verdict at the bars (99 is ok, 95 is in the band) and its missing dates by re-load', () => {
    const rows = phase2Gate().evidence(cov(
      [row('nbac_schedule', 100), row('nbac_team_boxscore', 95), row('nbac_gamebook_player_stats', 94.9), row('bdl_player_boxscores', 99), row('odds_api_props', 98.9)],
      [miss('nbac_team_boxscore', 'failed', '2022-01-01'), miss('nbac_team_boxscore', 'none', '2022-01-02'), miss('nbac_team_boxscore', 'success', '2022-01-03'), miss('nbac_gamebook_player_stats', 'failed', '2022-01-04')],
    ));
    expect(rows).toEqual([
      { table_name: 'nbac_schedule', role: 'critical', actual_dates: 600, expected: 600, pct: 100, verdict: 'ok', reload_failed: 0, not_reloaded: 0 },
      { table_name: 'nbac_team_boxscore', role: 'critical', actual_dates: 570, expected: 600, pct: 95, verdict: '95-99%', reload_failed: 1, not_reloaded: 2 },
      { table_name: 'nbac_gamebook_player_stats', role: 'critical', actual_dates: 569, expected: 600, pct: 94.9, verdict: 'below 95%', reload_failed: 1, not_reloaded: 0 },
      { table_name: 'bdl_player_boxscores', role: 'optional', actual_dates: 594, expected: 600, pct: 99, verdict: 'ok', reload_failed: 0, not_reloaded: 0 },
      { table_name: 'odds_api_props', role: 'unclassified', actual_dates: 593, expected: 600, pct: 98.9, verdict: '95-99%', reload_failed: 0, not_reloaded: 0 },
    ]);
    expect(phase2Gate().question).toBe('Phase 2 coverage: how do you want to go on?');
  });
});

describe('3.3.2 quality gate: the reason of each recommendation, word for word', () => {
  const wk = (week: number, good_pct: number, records = 100): WeekQuality => ({ week, week_start: '', records, good: Math.round(good_pct * records / 100), good_pct });
  const ev = (weeks: WeekQuality[], gaps: Phase3Gap[] = [], gameDates = 152): QualityEvidence => ({ weeks, gameDates, gaps, phase3Command: './runbook/02-phase3.mts --season 2021-22' });
  const gap = (missing_date: string, low_records: number, in_range = true): Phase3Gap => ({ missing_date, low_records, in_range });

  it('no records: Phase 3 lacks some dates (listed) — only gaps in the range count', () => {
    expect(qualityGate().decide(ev([], [gap('2021-11-01', 0), gap('2021-11-02', 0), gap('2021-10-01', 0, false)])).reason)
      .toBe('no Phase 4 records to judge: Phase 3 (player_game_summary) lacks 2 of the 152 game dates in the range (2021-11-01, 2021-11-02): run Phase 3 first (./runbook/02-phase3.mts --season 2021-22)');
    expect(qualityGate().decide(ev([], [gap('2021-10-01', 0, false)])).reason)
      .toBe('no Phase 4 records to judge although Phase 3 holds every game date: run Phase 4 (3.1) first');
  });

  it('early weeks only: continue, and say why', () => {
    expect(qualityGate().decide(ev([wk(2, 10), wk(3, 40)])).reason).toBe('the range has no week after week 3 yet; early weeks are expected to be degraded');
  });

  it('continue at or above 80%: nothing more to say, or the weeks below 80% (80% itself is not below) and the diagnosis', () => {
    expect(qualityGate().decide(ev([wk(4, 95)])).reason).toBe('95% Good after week 3 (≥ 80%)');
    // (80 + 95 + 70 + 75) / 400 = 80%.
    expect(qualityGate().decide(ev([wk(4, 80), wk(5, 95), wk(6, 70), wk(7, 75)]))).toEqual({
      recommendation: 'continue',
      reason: "80% Good after week 3 (≥ 80%); weeks below: 6 (70%), 7 (75%); no Phase 3 date is missing from the low records' windows: they are players with few games of data for their team (new arrivals, trades, absences the gamebook did not record)",
    });
  });

  it('names at most eight Phase 3 dates, then how many in all', () => {
    const gaps = (n: number) => Array.from({ length: n }, (_, i) => gap(`2021-11-1${i}`, i + 1));
    const eight = qualityGate().decide(ev([wk(4, 60)], gaps(8))).reason;
    expect(eight).toBe("only 60% Good after week 3 (< 80%); low weeks: 4 (60%); Phase 3 dates missing from the low records' windows: 2021-11-10 (1 low records), 2021-11-11 (2 low records), 2021-11-12 (3 low records), 2021-11-13 (4 low records), 2021-11-14 (5 low records), 2021-11-15 (6 low records), 2021-11-16 (7 low records), 2021-11-17 (8 low records)");
    const nine = qualityGate().decide(ev([wk(4, 60)], gaps(9))).reason;
    expect(nine).toBe("only 60% Good after week 3 (< 80%); low weeks: 4 (60%); Phase 3 dates missing from the low records' windows: 2021-11-10 (1 low records), 2021-11-11 (2 low records), 2021-11-12 (3 low records), 2021-11-13 (4 low records), 2021-11-14 (5 low records), 2021-11-15 (6 low records), 2021-11-16 (7 low records), 2021-11-17 (8 low records), … (9 in all)");
  });

  it('evidence: each week judged only after week 3, ok at 80% exactly', () => {
    expect(qualityGate().evidence(ev([wk(3, 10), wk(4, 80), wk(5, 79.9, 1000)]))).toEqual([
      { week: 3, week_start: '', records: 100, good: 10, good_pct: 10, judged: 'early (expected degraded)' },
      { week: 4, week_start: '', records: 100, good: 80, good_pct: 80, judged: 'ok' },
      { week: 5, week_start: '', records: 1000, good: 799, good_pct: 79.9, judged: 'LOW' },
    ]);
  });
});

describe('2.1.1, 3.1.6 and 4.2.1: the reason of each recommendation, word for word', () => {
  const job = (name: string, game_dates: number, to_process: number, skipped = 0, skip_reason = ''): JobPreview =>
    ({ job: name, game_dates, to_process, skipped, dependency_gaps: 0, gap_dates: '', skip_reason, scope_starts: '' });

  it('2.1.1: nothing to preview stops; a range without game dates says so; a skip by design without a known start', () => {
    expect(confirmRunGate('x').decide([])).toEqual({ recommendation: 'stop', reason: 'no job to preview' });
    expect(confirmRunGate('x').decide([job('empty', 0, 0, 0, 'no_props_lines')]))
      .toEqual({ recommendation: 'stop', reason: 'empty would process no date (no game dates in the range): check the range or the upstream data first' });
    expect(confirmRunGate('x').decide([job('upcoming', 166, 0, 166, 'no_props_lines')]))
      .toEqual({ recommendation: 'run', reason: '0 job-dates to process; upcoming has nothing to process by design: no props lines in this range, so its 166 dates are recorded as skipped, not failed' });
  });

  const summary = (outcomes: DateOutcome[]): RunSummary => ({ job: 'precompute/player_shot_zone_analysis', runId: 'r', total: outcomes.length, done: outcomes.length, failed: 0, skipped: 0, records: 0, statements: 0, interrupted: false, outcomes, ms: 0 });
  const ok: DateOutcome = { date: '2021-11-01', status: 'success' };

  it('3.1.6: no failed date continues; no date succeeded without upstream names nothing missing', () => {
    expect(jobFailedGate().decide(summary([ok]))).toEqual({ recommendation: 'continue', reason: 'no failed dates' });
    expect(jobFailedGate().decide(summary([{ date: '2021-11-02', status: 'failed', reason: 'interrupted' }])))
      .toEqual({ recommendation: 'stop', reason: 'no date of precompute/player_shot_zone_analysis succeeded: all 1 failed; the next jobs would have nothing to read: fix that first' });
  });

  it('3.1.6: data checks, each once, joined, cut to 160 characters', () => {
    const a = 'data check "keys unique" failed on 2021-11-03';
    const b = 'data check "keys not NULL" failed on 2021-11-04';
    expect(jobFailedGate().decide(summary([ok, { date: '2021-11-03', status: 'failed', reason: a }, { date: '2021-11-05', status: 'failed', reason: a }, { date: '2021-11-04', status: 'failed', reason: b }])).reason)
      .toBe(`3 date(s) failed a data check (${a}; ${b}): a re-run writes the same rows; investigate`);
    const long = `data check ${'y'.repeat(200)}`;
    expect(jobFailedGate().decide(summary([ok, { date: '2021-11-03', status: 'failed', reason: long }])).reason)
      .toBe(`1 date(s) failed a data check (data check ${'y'.repeat(149)}): a re-run writes the same rows; investigate`);
  });

  it('4.2.1: the evidence with each table\'s share (100% when nothing is expected), and every small shortfall explained', () => {
    expect(phase3CompleteGate().evidence([
      { table_name: 'a', dates: 979, expected: 1000, explanation: 'x', other: 1 },
      { table_name: 'b', dates: 0, expected: 0, explanation: 'none expected' },
    ])).toEqual([
      { table_name: 'a', dates: 979, expected: 1000, pct: 97.9, explanation: 'x' },
      { table_name: 'b', dates: 0, expected: 0, pct: 100, explanation: 'none expected' },
    ]);
    expect(phase3CompleteGate().decide([{ table_name: 'a', dates: 990, expected: 1000, explanation: 'two postponed games' }, { table_name: 'b', dates: 995, expected: 1000, explanation: 'a source gap' }]))
      .toEqual({ recommendation: 'proceed', reason: 'every table ≥ 98%; small shortfalls explained: a: two postponed games; b: a source gap' });
  });
});

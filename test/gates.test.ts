import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, phase2Gate, type CoverageRow } from '../lib/gates/phase2-ready.ts';
import { qualityGate, type WeekQuality } from '../lib/gates/quality.ts';
import { failureGate } from '../lib/gates/failures.ts';

const row = (table_name: string, pct: number): CoverageRow => ({ table_name, pct, actual_dates: Math.round(pct * 6), expected: 600 });
const all = (team: number, gamebook: number, bdl: number, schedule = 100) => [
  row('nbac_schedule', schedule), row('nbac_team_boxscore', team), row('nbac_gamebook_player_stats', gamebook), row('bdl_player_boxscores', bdl),
];

describe('1.2 gate: the original decision table', () => {
  const gate = phase2Gate();
  it.each([
    ['everything 99%+', all(100, 99.5, 99), 'proceed'],
    ['exactly at the 99% bar', all(99, 99, 99), 'proceed'],
    ['a critical table below 95%', all(94.9, 100, 100), 'fix'],
    ['a critical table below 95% even if optional is low too', all(100, 90, 50), 'fix'],
    ['only the optional table low', all(100, 100, 93.1), 'document'],
    ['critical in the 95–99% band: the original has no rule', all(98.8, 100, 100), null],
    ['critical at exactly 95% is in the band, not below it', all(95, 100, 100), null],
  ])('%s', (_name, rows, expected) => {
    expect(gate.decide(rows).recommendation).toBe(expected);
  });

  it('says which tables drove the decision', () => {
    expect(gate.decide(all(94, 100, 100)).reason).toContain('nbac_team_boxscore 94%');
    expect(gate.decide(all(98.8, 100, 100)).reason).toMatch(/between 95% and 99%/);
  });

  it('recommends fixing when a critical table has no figure at all', () => {
    expect(gate.decide(all(100, 100, 100).filter((r) => r.table_name !== 'nbac_gamebook_player_stats')).recommendation).toBe('fix');
  });

  it('generates its decision table from the thresholds it decides with', () => {
    const strict = phase2Gate({ ...DEFAULT_POLICY, proceedPct: 99.5, fixBelowPct: 97 });
    expect(strict.table().map((r) => r.when).join('\n')).toContain('99.5%+');
    expect(strict.table().map((r) => r.when).join('\n')).toContain('< 97%');
    expect(strict.decide(all(99.2, 100, 100)).recommendation).toBeNull();
    expect(strict.decide(all(96, 100, 100)).recommendation).toBe('fix');
  });

  it('treats a table listed as optional by configuration as optional', () => {
    const lenient = phase2Gate({ ...DEFAULT_POLICY, critical: ['nbac_schedule', 'nbac_team_boxscore'], optional: ['nbac_gamebook_player_stats', 'bdl_player_boxscores'] });
    expect(lenient.decide(all(100, 90, 100)).recommendation).toBe('document');
  });
});

describe('3.3 quality gate', () => {
  const wk = (week: number, good_pct: number, records = 100): WeekQuality => ({ week, week_start: '', records, good: Math.round(good_pct * records / 100), good_pct });
  const gate = qualityGate();
  it('does not judge the first three weeks', () => {
    expect(gate.decide([wk(1, 0), wk(2, 10), wk(3, 40), wk(4, 85), wk(5, 95)]).recommendation).toBe('continue');
  });
  it('stops when the weeks after week 3 are below 80% Good', () => {
    const d = gate.decide([wk(1, 0), wk(4, 60), wk(5, 70)]);
    expect(d.recommendation).toBe('stop');
    expect(d.reason).toContain('65% Good');
  });
  it('weighs weeks by their records', () => {
    expect(gate.decide([wk(4, 50, 10), wk(5, 90, 90)]).recommendation).toBe('continue');
  });
});

describe('failures gate', () => {
  const gate = failureGate();
  const base = { unrecoverable: new Set<string>(), fixCommand: 'fix', next: 'next' };
  const dep = (d: string) => ({ data_date: d, processor_name: 'TeamOffenseGameSummaryProcessor', error_preview: '{"error_type":"DependencyError"', missing_dependencies: ['nba_raw.nbac_team_boxscore'] });
  it('continues without failures', () => expect(gate.decide({ ...base, failures: [] }).recommendation).toBe('continue'));
  it('re-runs transient failures', () => {
    expect(gate.decide({ ...base, failures: [{ ...dep('2021-11-03'), error_preview: '{"error_type":"Abandoned"}', missing_dependencies: [] }] }).recommendation).toBe('rerun');
  });
  it('sends dependency errors to Phase 2 when their load was not retried', () => {
    expect(gate.decide({ ...base, failures: [dep('2021-11-03')] }).recommendation).toBe('fix-phase2');
  });
  it('documents dependency errors the source cannot fill', () => {
    expect(gate.decide({ ...base, unrecoverable: new Set(['2021-11-03']), failures: [dep('2021-11-03')] }).recommendation).toBe('document');
  });
});

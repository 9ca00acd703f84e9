/**
 * The state model in process, beyond test/decisions.test.ts: what counts for a
 * season (its dates, its leases, its decisions — not another season's or
 * phase's), Phase 4 and its quality gate, which decisions document a failure,
 * and the words a state is shown with. Every expected value is worked out by
 * hand from the facts built here; no warehouse.
 */
import { describe, expect, it } from 'vitest';
import { describeState, expectedFor, isComplete, phaseState, seasonKey, stateCell, type PhaseState } from '../lib/state/model.ts';
import type { Attempt, Facts } from '../lib/state/facts.ts';
import type { StoredDecision } from '../lib/decisions/store.ts';
import type { LeaseRow } from '../lib/lease/lease.ts';
import { PHASE3_JOBS, PHASE4_JOBS } from '../lib/jobs/registry.ts';
import type { Season } from '../lib/seasons/calendar.ts';

// 2021-22 cut to six weeks: 2021-10-19 is a bootstrap date (the season's first 7 days), 2021-11-02 is not.
const SEASON: Season = { id: '2021-22', year: 2021, start: '2021-10-19', end: '2021-11-30', part: 'regular', regular: { start: '2021-10-19', end: '2021-11-30' }, postseason: null, bootstrapEnd: '2021-10-25', partial: false };
const GAMES = ['2021-10-19', '2021-11-02'];
const OUTSIDE = ['2021-10-18', '2021-12-01']; // a day before the start, a day after the end
const PROPS = new Set(['2021-11-02']);
const JOBS = [...PHASE3_JOBS, ...PHASE4_JOBS];
const PGS = 'PlayerGameSummaryProcessor';
const ODDS = 'nba_raw.odds_api_player_points_props';

/** Every job holds every date it expects (Phase 4: not the bootstrap date; the player context: only props dates). */
function facts(o: { present?: Record<string, string[]>; latest?: Record<string, Record<string, Partial<Attempt>>>; decisions?: Partial<StoredDecision>[]; leases?: Partial<LeaseRow>[] } = {}): Facts {
  const full = Object.fromEntries(JOBS.map((j) => [j.processorName, GAMES.filter((d) => (!j.scope || PROPS.has(d)) && (j.phase !== 'phase_4_precompute' || d !== '2021-10-19'))]));
  const present = { ...full, ...o.present };
  return {
    gameDates: [OUTSIDE[0], ...GAMES, OUTSIDE[1]],
    scopeDates: new Map([[ODDS, PROPS]]),
    present: new Map(JOBS.map((j) => [j.processorName, new Set(present[j.processorName] ?? [])])),
    latest: new Map(JOBS.map((j) => [j.processorName, new Map(Object.entries(o.latest?.[j.processorName] ?? {}).map(([d, a]) => [d, { status: 'success', errors: null, skip_reason: null, started_at: '2024-01-01T10:00:00.000Z', ...a } as Attempt]))])),
    decisions: (o.decisions ?? []).map((d, k) => ({ season: '2021-22', gate: '2.4.1', gate_title: 'Failures Decision', effect: 'proceed', answer: 'document', note: 'gone at the source', operator: 'ana', answered_by: 'operator', recommendation: 'document', reason: 'r', evidence_digest: `d${k}`, decided_at: `2024-01-01T11:0${k}:00.000Z`, ...d }) as StoredDecision),
    leases: (o.leases ?? []).map((l) => ({ season: '2021-22', phase: 'phase3', run_id: 'r1', script: '02-phase3', operator: 'bo', host: 'h1', pid: 7, since: '', heartbeat: '', age_ms: 0, ...l }) as LeaseRow),
    isStale: () => false,
  };
}
const job = (name: string) => JOBS.find((j) => j.processorName === name)!;
const failedOn = (d: string, errors: string, started_at = '2024-01-01T10:30:00.000Z') => ({ [PGS]: { [d]: { status: 'failed', errors, started_at } } });
const withoutPgs = (d: string) => ({ [PGS]: GAMES.filter((x) => x !== d) });

describe('what a season expects', () => {
  it('its own game dates (not the days just outside it); Phase 4 without bootstrap; the player context only with props lines', () => {
    expect(expectedFor(job(PGS), SEASON, facts())).toEqual(GAMES);
    expect(expectedFor(job('PlayerShotZoneAnalysisProcessor'), SEASON, facts())).toEqual(['2021-11-02']);
    expect(expectedFor(job('UpcomingPlayerGameContextProcessor'), SEASON, facts())).toEqual(['2021-11-02']);
    expect(expectedFor(job('UpcomingPlayerGameContextProcessor'), SEASON, { ...facts(), scopeDates: new Map() })).toEqual([]);
    expect(expectedFor(job(PGS), { ...SEASON, end: '2021-11-01' }, facts())).toEqual(['2021-10-19']);
    expect(expectedFor(job(PGS), { ...SEASON, end: '2021-11-02' }, facts())).toEqual(GAMES); // a game on the season's last day
  });

  it('a season part has its own key: the regular season by id, a postseason with its part', () => {
    expect(seasonKey(SEASON)).toBe('2021-22');
    expect(seasonKey({ ...SEASON, part: 'postseason' })).toBe('2021-22 postseason');
    expect(seasonKey({ ...SEASON, part: undefined as never })).toBe('2021-22');
  });
});

describe('the state of a season and phase: what counts', () => {
  it('every expected date present: done; rows or attempts outside the season change nothing', () => {
    expect(phaseState(SEASON, 'phase3', facts({ latest: { [PGS]: { [OUTSIDE[1]]: { status: 'failed', errors: '{"error":"ProcessorError"}' } } } }))).toEqual({ kind: 'done' });
  });

  it('only attempts inside the season (its first and last day included) make it started', () => {
    const none = { present: Object.fromEntries(JOBS.map((j) => [j.processorName, []])) };
    expect(phaseState(SEASON, 'phase3', facts({ ...none, latest: { [PGS]: { [OUTSIDE[0]]: { status: 'failed' }, [OUTSIDE[1]]: { status: 'failed' } } } }))).toEqual({ kind: 'not started' });
    for (const d of [SEASON.start, SEASON.end]) {
      expect(phaseState(SEASON, 'phase3', facts({ ...none, latest: { [PGS]: { [d]: { status: 'failed', errors: '{"error":"Interrupted"}' } } } })).kind).toBe('attempted');
    }
  });

  it('counts each missing date once, by why: never run, failed, interrupted (or still running), deleted', () => {
    expect(phaseState(SEASON, 'phase3', facts({ present: withoutPgs('2021-11-02') })))
      .toEqual({ kind: 'attempted', missing: 1, failed: 0, interrupted: 0, neverRun: 1, deleted: 0 });
    expect(phaseState(SEASON, 'phase3', facts({ present: withoutPgs('2021-11-02'), latest: failedOn('2021-11-02', '{"error":"ProcessorError: boom"}') })))
      .toEqual({ kind: 'attempted', missing: 1, failed: 1, interrupted: 0, neverRun: 0, deleted: 0 });
    expect(phaseState(SEASON, 'phase3', facts({ present: withoutPgs('2021-11-02'), latest: failedOn('2021-11-02', '{"error":"Abandoned: the process died"}') })))
      .toEqual({ kind: 'attempted', missing: 1, failed: 0, interrupted: 1, neverRun: 0, deleted: 0 });
    expect(phaseState(SEASON, 'phase3', facts({ present: withoutPgs('2021-11-02'), latest: { [PGS]: { '2021-11-02': { status: 'running' } } } })))
      .toEqual({ kind: 'attempted', missing: 1, failed: 0, interrupted: 1, neverRun: 0, deleted: 0 });
    expect(phaseState(SEASON, 'phase3', facts({ present: withoutPgs('2021-11-02'), latest: { [PGS]: { '2021-11-02': { status: 'success' } } } })))
      .toEqual({ kind: 'attempted', missing: 1, failed: 0, interrupted: 0, neverRun: 0, deleted: 1 });
  });

  it('another season\'s or phase\'s lease is not this one\'s', () => {
    expect(phaseState(SEASON, 'phase3', facts({ leases: [{ season: '2022-23' }, { phase: 'phase4' }, { season: '2021-22 postseason' }] }))).toEqual({ kind: 'done' });
    expect(phaseState(SEASON, 'phase3', facts({ leases: [{ season: '2022-23' }, { phase: 'phase3' }] }))).toEqual({ kind: 'running', holder: 'bo@h1 (02-phase3, pid 7)' });
  });

  it('another season\'s or phase\'s stop does not make this one wait', () => {
    const stops: Partial<StoredDecision>[] = [{ season: '2022-23', effect: 'pending', answer: null }, { gate: '3.3.2', effect: 'stop', answer: 'stop' }];
    expect(phaseState(SEASON, 'phase3', facts({ decisions: stops }))).toEqual({ kind: 'done' });
  });

  it('waits only while the latest decision is a stop; since the first stop in a row at that gate', () => {
    expect(phaseState(SEASON, 'phase3', facts({ decisions: [{ effect: 'proceed' }, { effect: 'pending', answer: null }, { effect: 'proceed' }] }))).toEqual({ kind: 'done' });
    const all = phaseState(SEASON, 'phase3', facts({ decisions: [{ effect: 'pending', answer: null }, { effect: 'stop', answer: 'stop' }] }));
    expect(all).toMatchObject({ kind: 'waiting', gate: '2.4.1', since: '2024-01-01T11:00:00.000Z' });
    const other = phaseState(SEASON, 'phase3', facts({ decisions: [{ gate: '2.3.1', effect: 'pending', answer: null }, { effect: 'pending', answer: null, recommendation: null, reason: 'why' }] }));
    expect(other).toEqual({ kind: 'waiting', gate: '2.4.1', title: 'Failures Decision', recommendation: null, reason: 'why', since: '2024-01-01T11:01:00.000Z', evidenceDigest: 'd1' });
  });

  it('a failure is documented only by a go-on answer at a failure gate, made at or after the attempt, that is not "rerun"', () => {
    const base = { present: withoutPgs('2021-11-02'), latest: failedOn('2021-11-02', '{"error":"DependencyError: missing x"}', '2024-01-01T11:00:00.000Z') };
    expect(phaseState(SEASON, 'phase3', facts({ ...base, decisions: [{ decided_at: '2024-01-01T11:00:00.000Z' }] })))
      .toEqual({ kind: 'decided', gate: '2.4.1', answer: 'document', note: 'gone at the source', by: 'ana (operator)', documented: 1 });
    expect(phaseState(SEASON, 'phase3', facts({ ...base, decisions: [{ gate: '2.1.1', answer: 'run' }] })).kind).toBe('attempted');
    expect(phaseState(SEASON, 'phase3', facts({ ...base, decisions: [{ answer: 'rerun', effect: 'repair' }] })).kind).toBe('attempted');
    expect(phaseState(SEASON, 'phase3', facts({ ...base, decisions: [{ gate: '4.2.1', answer: null, note: null, operator: 'cy', answered_by: 'answers-file' }] })))
      .toEqual({ kind: 'decided', gate: '4.2.1', answer: '', note: null, by: 'cy (answers-file)', documented: 1 });
  });
});

describe('Phase 4: done only after its quality gate went on', () => {
  const ran = { latest: Object.fromEntries(PHASE4_JOBS.map((j) => [j.processorName, { '2021-10-19': { status: 'skipped', skip_reason: 'bootstrap' } }])) };

  it('every date there but 3.3.2 unanswered (or stopped, then another gate went on): open', () => {
    const open = { kind: 'attempted', missing: 0, failed: 0, interrupted: 0, neverRun: 0, deleted: 0 };
    expect(phaseState(SEASON, 'phase4', facts(ran))).toEqual(open);
    expect(phaseState(SEASON, 'phase4', facts({ ...ran, decisions: [{ gate: '3.3.2', effect: 'stop', answer: 'stop' }, { gate: '3.4.1', effect: 'proceed' }] }))).toEqual(open);
  });

  it('with 3.3.2 answered to go on: done, even beside other Phase 4 decisions', () => {
    expect(phaseState(SEASON, 'phase4', facts({ ...ran, decisions: [{ gate: '3.1.6', effect: 'proceed' }, { gate: '3.3.2', effect: 'proceed', answer: 'continue' }] }))).toEqual({ kind: 'done' });
  });

  it('a Phase 4 date missing counts for Phase 4, not for Phase 3', () => {
    const gone = { ...ran, present: { PlayerDailyCacheProcessor: [] } };
    expect(phaseState(SEASON, 'phase4', facts(gone))).toEqual({ kind: 'attempted', missing: 1, failed: 0, interrupted: 0, neverRun: 1, deleted: 0 });
    expect(phaseState(SEASON, 'phase3', facts(gone))).toEqual({ kind: 'done' });
  });
});

describe('how a state reads', () => {
  const waiting = (recommendation: string | null): PhaseState => ({ kind: 'waiting', gate: '2.4.1', title: 'Failures Decision', recommendation, reason: 'r', since: '2024-01-02T09:00:00.000Z', evidenceDigest: 'x' });
  const decided = (note: string | null): PhaseState => ({ kind: 'decided', gate: '2.4.1', answer: 'document', note, by: 'ana (operator)', documented: 2 });
  const attempted = (missing: number, failed: number, interrupted: number, neverRun: number, deleted: number): PhaseState => ({ kind: 'attempted', missing, failed, interrupted, neverRun, deleted });

  it('complete means done or decided', () => {
    expect([{ kind: 'done' }, decided(null), { kind: 'not started' }, attempted(1, 1, 0, 0, 0), waiting(null), { kind: 'running', holder: 'x' }].map((s) => isComplete(s as PhaseState)))
      .toEqual([true, true, false, false, false, false]);
  });

  it('in a table cell, at most 40 characters', () => {
    expect(stateCell({ kind: 'not started' })).toBe('not started');
    expect(stateCell({ kind: 'done' })).toBe('done');
    expect(stateCell({ kind: 'running', holder: 'bo@h1 (02-phase3, pid 7)' })).toBe('running: bo@h1 (02-phase3, pid 7)');
    expect(stateCell({ kind: 'running', holder: 'operator-with-a-long-name@build-host-17 (02-phase3, pid 12345)' })).toBe('running: operator-with-a-long-name@build');
    expect(stateCell(attempted(3, 1, 1, 1, 0))).toBe('open: 3 missing');
    expect(stateCell(attempted(0, 0, 0, 0, 0))).toBe('open: 3.3.2 unanswered');
    expect(stateCell(waiting('document'))).toBe('waiting at 2.4.1');
    expect(stateCell(decided(null))).toBe('decided: document (2 documented)');
    // A go-on answer that is not "document" (proceed at 4.2.1, continue at 2.4.1) accepted the dates, wrote no note on them.
    expect(stateCell({ ...decided(null), answer: 'proceed' } as PhaseState)).toBe('decided: proceed (2 accepted)');
  });

  it('as a sentence an operator can act on', () => {
    expect(describeState('phase3', { kind: 'not started' })).toBe('Phase 3: not started');
    expect(describeState('phase4', { kind: 'not started' })).toBe('Phase 4: not started');
    expect(describeState('phase3', { kind: 'done' })).toBe('Phase 3: done — every expected date has its rows and every gate went on');
    expect(describeState('phase4', { kind: 'running', holder: 'bo@h1 (03-phase4, pid 7)' })).toBe('Phase 4: running — bo@h1 (03-phase4, pid 7) holds it');
    expect(describeState('phase3', waiting('document'))).toBe('Phase 3: waiting for a decision at 2.4.1 Failures Decision since 2024-01-02 09:00:00 UTC — recommended document: r');
    expect(describeState('phase3', waiting(null))).toBe('Phase 3: waiting for a decision at 2.4.1 Failures Decision since 2024-01-02 09:00:00 UTC — r');
    expect(describeState('phase3', decided('gone at the source'))).toBe('Phase 3: decided at 2.4.1: document — "gone at the source" by ana (operator); 2 processor-date(s) documented as failed');
    expect(describeState('phase3', decided(null))).toBe('Phase 3: decided at 2.4.1: document by ana (operator); 2 processor-date(s) documented as failed');
    expect(describeState('phase3', { ...decided(null), gate: '4.2.1', answer: 'proceed', by: 'root (yes)' } as PhaseState)).toBe('Phase 3: decided at 4.2.1: proceed by root (yes); 2 processor-date(s) accepted as failed');
    expect(describeState('phase4', attempted(0, 0, 0, 0, 0))).toBe('Phase 4: every date is there, but the quality gate (3.3.2) has not been answered');
    expect(describeState('phase3', attempted(10, 1, 2, 3, 4))).toBe('Phase 3: 10 processor-date(s) missing (1 failed without a decision, 2 interrupted or abandoned, 3 never run, 4 succeeded but their rows are gone)');
    expect(describeState('phase3', attempted(3, 0, 0, 3, 0))).toBe('Phase 3: 3 processor-date(s) missing (3 never run)');
  });
});

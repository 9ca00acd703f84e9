/**
 * The state model, the decisions table, the answers file and the lease, in
 * process: the state derived from hand-made facts (so each expected state is
 * worked out here, not by the code), and the two tables on the embedded
 * warehouse and on the BigQuery REST fake alike.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isComplete, phaseState, type PhaseState } from '../lib/state/model.ts';
import type { Attempt, Facts } from '../lib/state/facts.ts';
import { DecisionStore, type StoredDecision } from '../lib/decisions/store.ts';
import { fileAnswer, readAnswersFile } from '../lib/decisions/answers-file.ts';
import { LeaseHeld, LeaseTable } from '../lib/lease/lease.ts';
import { UsageError } from '../lib/notebook/errors.ts';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { BigQueryWarehouse } from '../lib/warehouse/bigquery.ts';
import type { Warehouse } from '../lib/warehouse/types.ts';
import { PHASE3_JOBS } from '../lib/jobs/registry.ts';
import type { Season } from '../lib/seasons/calendar.ts';
import { FakeBigQuery } from './support/fake-bigquery.ts';

const PROJECT = 'nba-props-platform';
// A three-day season: two game days and one day without games between them.
const SEASON: Season = { id: '2021-22', year: 2021, start: '2021-10-19', end: '2021-10-21', part: 'regular', regular: { start: '2021-10-19', end: '2021-10-21' }, postseason: null, bootstrapEnd: '2021-10-25', partial: false };
const GAMES = ['2021-10-19', '2021-10-21'];
const PROPS = new Set(['2021-10-21']); // the player context exists only where props lines do

function facts(o: { present?: Record<string, string[]>; latest?: Record<string, Record<string, Partial<Attempt>>>; decisions?: Partial<StoredDecision>[] } = {}): Facts {
  const all = (dates: string[]) => Object.fromEntries(PHASE3_JOBS.map((j) => [j.processorName, j.scope ? dates.filter((d) => PROPS.has(d)) : dates]));
  const present = o.present ?? all(GAMES);
  return {
    gameDates: GAMES,
    scopeDates: new Map([['nba_raw.odds_api_player_points_props', PROPS]]),
    present: new Map(PHASE3_JOBS.map((j) => [j.processorName, new Set(present[j.processorName] ?? [])])),
    latest: new Map(PHASE3_JOBS.map((j) => [j.processorName, new Map(Object.entries(o.latest?.[j.processorName] ?? {}).map(([d, a]) => [d, { status: 'success', errors: null, skip_reason: null, started_at: '2024-01-01T10:00:00.000Z', ...a } as Attempt]))])),
    decisions: (o.decisions ?? []).map((d, k) => ({ season: SEASON.id, gate: '2.4.1', gate_title: 'Failures Decision', effect: 'proceed', answer: 'document', note: 'gone at the source', operator: 'ana', answered_by: 'operator', recommendation: 'document', reason: 'r', evidence_digest: `d${k}`, decided_at: `2024-01-01T11:0${k}:00.000Z`, ...d }) as StoredDecision),
    leases: [],
    isStale: () => false,
  };
}

const PGS = 'PlayerGameSummaryProcessor';
const everyDateOnce = Object.fromEntries(PHASE3_JOBS.map((j) => [j.processorName, Object.fromEntries(GAMES.map((d) => [d, {}]))]));

describe('the state of a season and phase', () => {
  it('every expected date with its rows and no decision waiting: done; a day without games never counts', () => {
    // The no_games row of 2021-10-20 must neither be expected nor make the phase "attempted".
    const f = facts({ latest: { ...everyDateOnce, [PGS]: { ...everyDateOnce[PGS], '2021-10-20': { status: 'skipped', skip_reason: 'no_games' } } } });
    expect(phaseState(SEASON, 'phase3', f)).toEqual({ kind: 'done' });
  });

  it('nothing attempted and no rows: not started, even with no_games rows', () => {
    const f = facts({ present: {}, latest: { [PGS]: { '2021-10-20': { status: 'skipped', skip_reason: 'no_games' } } } });
    expect(phaseState(SEASON, 'phase3', f)).toEqual({ kind: 'not started' });
  });

  it('rows deleted behind the runbook\'s back: the history says success, the table says otherwise — not done', () => {
    const f = facts({ present: { ...Object.fromEntries(PHASE3_JOBS.map((j) => [j.processorName, j.scope ? ['2021-10-21'] : GAMES])), [PGS]: ['2021-10-21'] }, latest: everyDateOnce });
    const s = phaseState(SEASON, 'phase3', f);
    expect(s).toMatchObject({ kind: 'attempted', missing: 1, deleted: 1 });
    expect(isComplete(s)).toBe(false);
  });

  it('a failed date documented by a later go-on answer is decided (answer, note, who); one documented before it failed is not', () => {
    const failed = { ...everyDateOnce, [PGS]: { '2021-10-19': { status: 'failed', errors: '{"error":"DependencyError: missing x"}', started_at: '2024-01-01T10:30:00.000Z' }, '2021-10-21': {} } };
    const present = { ...Object.fromEntries(PHASE3_JOBS.map((j) => [j.processorName, j.scope ? ['2021-10-21'] : GAMES])), [PGS]: ['2021-10-21'] };
    const after = phaseState(SEASON, 'phase3', facts({ present, latest: failed, decisions: [{ decided_at: '2024-01-01T10:45:00.000Z' }] }));
    expect(after).toEqual({ kind: 'decided', gate: '2.4.1', answer: 'document', note: 'gone at the source', by: 'ana (operator)', documented: 1 });
    const before = phaseState(SEASON, 'phase3', facts({ present, latest: failed, decisions: [{ decided_at: '2024-01-01T10:15:00.000Z' }] }));
    expect(before).toMatchObject({ kind: 'attempted', failed: 1 });
  });

  it('interrupted dates are never documented away', () => {
    const latest = { ...everyDateOnce, [PGS]: { '2021-10-19': { status: 'failed', errors: '{"error":"Interrupted: stopped by the operator"}' }, '2021-10-21': {} } };
    const present = { ...Object.fromEntries(PHASE3_JOBS.map((j) => [j.processorName, j.scope ? ['2021-10-21'] : GAMES])), [PGS]: ['2021-10-21'] };
    expect(phaseState(SEASON, 'phase3', facts({ present, latest, decisions: [{ decided_at: '2024-01-01T12:00:00.000Z' }] }))).toMatchObject({ kind: 'attempted', interrupted: 1 });
  });

  it('a stop is waiting, since the first stop in a row, whatever the data', () => {
    const s = phaseState(SEASON, 'phase3', facts({ latest: everyDateOnce, decisions: [
      { gate: '2.4.1', effect: 'proceed', decided_at: '2024-01-01T09:00:00.000Z' },
      { gate: '2.4.1', effect: 'pending', answer: null, decided_at: '2024-01-02T09:00:00.000Z' },
      { gate: '2.4.1', effect: 'pending', answer: null, decided_at: '2024-01-03T09:00:00.000Z' },
    ] })) as Extract<PhaseState, { kind: 'waiting' }>;
    expect(s.kind).toBe('waiting');
    expect(s.gate).toBe('2.4.1');
    expect(s.since).toBe('2024-01-02T09:00:00.000Z');
  });

  it('another live run holding the lease: running, naming it', () => {
    const f = { ...facts({ latest: everyDateOnce }), leases: [{ season: '2021-22', phase: 'phase3', run_id: 'r1', script: '02-phase3', operator: 'bo', host: 'h1', pid: 7, since: '', heartbeat: '', age_ms: 0 }] };
    expect(phaseState(SEASON, 'phase3', f)).toEqual({ kind: 'running', holder: 'bo@h1 (02-phase3, pid 7)' });
    expect(phaseState(SEASON, 'phase3', f, 'r1')).toEqual({ kind: 'done' }); // a run never waits for itself
  });
});

describe('--answers FILE', () => {
  const write = (text: string) => { const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'answers-')), 'a.txt'); fs.writeFileSync(f, text); return f; };

  it('reads GATE=CHOICE[:note] lines, a season\'s own line winning', () => {
    const f = readAnswersFile(write('# overnight\n2.4.1=document:gaps at the source\n\n2024-25 2.4.1=rerun\n3.3.2=continue\n'));
    expect(fileAnswer(f, '2.4.1', '2021-22')).toEqual({ choice: 'document', note: 'gaps at the source', line: 2 });
    expect(fileAnswer(f, '2.4.1', '2024-25')).toEqual({ choice: 'rerun', note: undefined, line: 4 });
    expect(fileAnswer(f, '3.4.1', '2024-25')).toBeUndefined();
  });

  it.each([
    ['2.4.1 document', /line 1: "2.4.1 document" is not \[SEASON \]GATE=CHOICE/],
    ['2030-31 2.4.1=rerun', /line 1: unknown season 2030-31/],
    ['2.4.1=rerun\n2.4.1=document:x', /line 2: 2.4.1 is answered twice/],
  ])('rejects %j with a one-line error', (text, message) => {
    expect(() => readAnswersFile(write(text))).toThrow(UsageError);
    expect(() => readAnswersFile(write(text))).toThrow(message);
  });

  it('a missing file is bad input', () => {
    expect(() => readAnswersFile('/nonexistent/answers.txt')).toThrow(/--answers \/nonexistent\/answers.txt: cannot read it \(ENOENT\)/);
  });
});

let fake: FakeBigQuery;
beforeAll(async () => { fake = await FakeBigQuery.start(PROJECT); });
afterAll(async () => { await fake?.close(); });

const backends: [string, () => Warehouse][] = [
  ['duckdb', () => new DuckDBWarehouse({ file: ':memory:', project: PROJECT })],
  ['bigquery (REST fake)', () => new BigQueryWarehouse({ project: PROJECT, endpoint: fake.endpoint, poll: { firstMs: 2, maxMs: 10 } })],
];

describe.each(backends)('decisions and leases on %s', (_name, open) => {
  it('records a decision with bound parameters and reads it back, oldest first', async () => {
    const w = open();
    const store = new DecisionStore(w, `dec_${Math.random().toString(36).slice(2, 8)}`);
    expect(await store.list()).toEqual([]); // no table yet: no decisions
    const base = { run_id: 'r1', script: '02-phase3', season: '2021-22', scope: '2021-10-19..2022-04-10', phase: 'phase3', gate: '2.4.1', gate_title: 'Failures Decision', evidence_digest: 'abc', evidence: '[]', recommendation: 'fix-phase2', reason: 'three dates', operator: 'ana', host: 'h' };
    await store.record({ ...base, answer: null, effect: 'pending', note: null, answered_by: 'pending', rule: '--yes stops' });
    await store.record({ ...base, answer: 'document', effect: 'proceed', note: "it's gone'; DROP TABLE x; --", answered_by: 'flag', rule: '--answer 2.4.1=document' });
    const all = await store.list({ season: '2021-22' });
    expect(all.map((d) => [d.answer, d.effect, d.note, d.answered_by])).toEqual([
      [null, 'pending', null, 'pending'],
      ['document', 'proceed', "it's gone'; DROP TABLE x; --", 'flag'],
    ]);
    expect((await store.latest('2.4.1', { season: '2021-22', scope: '' }))?.answer).toBe('document');
    expect(await store.list({ season: '2022-23' })).toEqual([]);
    await w.close();
  });

  it('a lease is held by one run: a second stops naming the holder; released, it can be taken', async () => {
    const w = open();
    const leases = new LeaseTable(w, 'nba_reference');
    const key = { season: `s${Math.random().toString(36).slice(2, 8)}`, phase: 'phase3' };
    const owner = (runId: string) => ({ runId, script: '04-remaining-seasons', operator: 'ana', host: os.hostname(), pid: process.pid });
    const said: string[] = [];
    const first = await leases.acquire(key, owner('run-a'), { wait: false, say: (m) => said.push(m) });
    const err = await leases.acquire(key, owner('run-b'), { wait: false, say: (m) => said.push(m) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeaseHeld);
    expect((err as Error).message).toMatch(new RegExp(`${key.season} phase3 is being run by 04-remaining-seasons run run-a \\(ana@${os.hostname()}, pid ${process.pid}`));
    await first.release();
    const second = await leases.acquire(key, owner('run-b'), { wait: false, say: (m) => said.push(m) });
    expect((await leases.holders(key)).map((h) => h.run_id)).toEqual(['run-b']);
    await second.release();
    expect(await leases.holders(key)).toEqual([]);
    expect(said).toEqual([]);
    await w.close();
  });
});

describe("Step 5's table of decisions, from the warehouse", () => {
  it('keeps the latest answer per season and gate, counts the askings, and shows a stop still waiting', async () => {
    const { gateDecisionRows } = await import('../lib/decisions/report.ts');
    const d = (gate: string, season: string, at: string, o: Partial<StoredDecision>) => ({ gate, season, scope: 'x', gate_title: 'T', script: '02-phase3', decided_at: at, answer: null, effect: 'pending', note: null, answered_by: 'pending', rule: null, operator: 'ana', ...o }) as StoredDecision;
    const rows = gateDecisionRows([
      d('2.4.1', '2021-22', '2024-01-01T10:00:00.000Z', {}),
      d('2.4.1', '2022-23', '2024-01-01T10:30:00.000Z', {}),
      d('2.4.1', '2021-22', '2024-01-01T11:00:00.000Z', { answer: 'document', effect: 'proceed', note: 'gone', answered_by: 'operator' }),
    ]);
    expect(rows.map((r) => [r.range, r.answer, r.by, r.note, r.times_asked])).toEqual([
      ['2022-23', 'waiting (stopped)', 'pending', '', 1],
      ['2021-22', 'document', 'ana', 'gone', 2],
    ]);
  });
});

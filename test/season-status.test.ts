/**
 * What Step 4 and the monitor read from the warehouse, in process: the facts
 * of the state model (lib/state/facts.ts) and the season statuses built on them
 * (lib/backfill/season-status.ts), on small in-memory warehouses of hand-placed
 * games, rows, attempts, decisions and leases. Every expected value is worked
 * out by hand from the games placed here (see the calendar below); each
 * warehouse is built inside its test, so the code under test runs there.
 *
 * 2021-22 as the calendar has it: regular season 2021-10-19..2022-04-10
 * (bootstrap to 2021-10-25), postseason 2022-04-12..2022-06-30.
 */
import os from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { partStatuses, seasonParts, seasonStatuses } from '../lib/backfill/season-status.ts';
import { readFacts } from '../lib/state/facts.ts';
import { SEASONS, seasonPart } from '../lib/seasons/calendar.ts';
import { P3, P4, stateWarehouse, type GameAt, type StateSpec } from './support/state-warehouse.ts';
import { errorText, type Attempt } from './support/small-warehouse.ts';

const S = SEASONS[0]; // 2021-22
const AS_OF = '2024-11-29';
const PGS = 'PlayerGameSummaryProcessor';
const UPGC = 'UpcomingPlayerGameContextProcessor';
const TDZA = 'TeamDefenseZoneAnalysisProcessor';
const PSZA = 'PlayerShotZoneAnalysisProcessor';
const P3_ALL_DATES = P3.filter((x) => x !== UPGC);

/**
 * Final games on 2021-10-18 (the day before the season), 10-19 (a bootstrap
 * date), 11-02 (the only one with props lines), 2022-04-10 (the regular
 * season's last day), 04-11 (between the two parts), 04-20 (playoffs) and
 * 07-01 (after the postseason); a game still scheduled on 2021-11-05.
 *
 * So the regular season has 3 game dates (10-19, 11-02, 04-10), the postseason 1 (04-20);
 * Phase 3 expects all three regular ones (the player context only 11-02),
 * Phase 4 expects 11-02 and 04-10 (10-19 is bootstrap), and 04-20 in the postseason.
 */
const GAMES: GameAt[] = [
  { date: '2021-10-18' }, { date: '2021-10-19' }, { date: '2021-11-02', props: true }, { date: '2021-11-05', status: 1 },
  { date: '2022-04-10' }, { date: '2022-04-11' }, { date: '2022-04-20', playoffs: true }, { date: '2022-07-01' },
];
const REGULAR = ['2021-10-19', '2021-11-02', '2022-04-10'];

/** Phase 3 complete for the regular season: each table holds each date it expects. */
const PHASE3_REGULAR = { ...Object.fromEntries(P3_ALL_DATES.map((x) => [x, REGULAR])), [UPGC]: ['2021-11-02'] };

const P4_PHASE = 'phase_4_precompute' as const;
const attempt = (processor: string, date: string, status: Attempt['status'], o: Partial<Attempt> = {}): Attempt =>
  ({ processor, phase: P3.includes(processor) ? 'phase_3_analytics' : P4_PHASE, date, status, ...o });

async function statusesOf<T>(spec: Partial<StateSpec>, run: (w: Awaited<ReturnType<typeof stateWarehouse>>['w']) => Promise<T>): Promise<T> {
  const { w, close } = await stateWarehouse({ games: GAMES, ...spec });
  try { return await run(w); } finally { await close(); }
}

const brief = (rows: Awaited<ReturnType<typeof seasonStatuses>>) =>
  rows.map((r) => ({ season: r.season, part: r.part, start: r.start, end: r.end, game_dates: r.game_dates, phase3: r.phase3, phase4: r.phase4, next: r.next, resumeAt: r.resumeAt }));

describe('season statuses from the warehouse', () => {
  it('nothing run yet: each part not started, with its own range and game dates (final games only, the ends included)', async () => {
    const [both, regularOnly] = await statusesOf({}, async (w) => [
      await seasonStatuses(w, AS_OF, [S]),
      await seasonStatuses(w, AS_OF, [S], { postseason: false }),
    ]) as Awaited<ReturnType<typeof seasonStatuses>>[];
    const fresh = { phase3: 'not started', phase4: 'not started', next: 'phase 3', resumeAt: null };
    expect(brief(both)).toEqual([
      { season: '2021-22', part: 'regular season', start: '2021-10-19', end: '2022-04-10', game_dates: 3, ...fresh },
      { season: '2021-22', part: 'postseason', start: '2022-04-12', end: '2022-06-30', game_dates: 1, ...fresh },
    ]);
    expect(both[0].story).toEqual(['Phase 3: not started', 'Phase 4: not started']);
    expect(both[0].states).toEqual({ phase3: { kind: 'not started' }, phase4: { kind: 'not started' } });
    expect(brief(regularOnly)).toEqual([brief(both)[0]]);
  });

  it('Phase 3 done, Phase 4 open: one failed, one succeeded without rows, three never run on 2022-04-10', async () => {
    const rows = await statusesOf({
      rows: { ...PHASE3_REGULAR, ...Object.fromEntries(P4.map((x) => [x, ['2021-11-02']])) },
      attempts: [
        attempt(TDZA, '2022-04-10', 'failed', { errors: errorText('ProcessorError', 'connection reset') }),
        attempt(PSZA, '2022-04-10', 'success'),
      ],
    }, (w) => seasonStatuses(w, AS_OF, [S])) as Awaited<ReturnType<typeof seasonStatuses>>;
    expect(brief(rows)[0]).toMatchObject({ phase3: 'done', phase4: 'open: 5 missing', next: 'phase 4', resumeAt: null });
    expect(rows[0].story).toEqual([
      'Phase 3: done — every expected date has its rows and every gate went on',
      'Phase 4: 5 processor-date(s) missing (1 failed without a decision, 3 never run, 1 succeeded but their rows are gone)',
    ]);
    expect(rows[0].states.phase4).toEqual({ kind: 'attempted', missing: 5, failed: 1, interrupted: 0, neverRun: 3, deleted: 1 });
    // The postseason's dates were never touched.
    expect(brief(rows)[1]).toMatchObject({ phase3: 'not started', phase4: 'not started', next: 'phase 3' });
  });

  it('resumes at the gate waiting for a decision of the next phase, not of a later one', async () => {
    const rows = await statusesOf({
      rows: { ...PHASE3_REGULAR, ...Object.fromEntries(P4.map((x) => [x, ['2021-11-02']])) },
      decisions: [
        { gate: '3.1.6', effect: 'stop' },
        { gate: '4.2.1', effect: 'stop', season: '2021-22 postseason' },
        { gate: '3.4.1', effect: 'pending', season: '2021-22 postseason' },
      ],
    }, (w) => seasonStatuses(w, AS_OF, [S])) as Awaited<ReturnType<typeof seasonStatuses>>;
    expect(brief(rows)).toMatchObject([
      { part: 'regular season', phase3: 'done', phase4: 'waiting at 3.1.6', next: 'phase 4', resumeAt: '3.1.6' },
      { part: 'postseason', phase3: 'waiting at 4.2.1', phase4: 'waiting at 3.4.1', next: 'phase 3', resumeAt: '4.2.1' },
    ]);
    expect(rows[0].story[1]).toMatch(/^Phase 4: waiting for a decision at 3\.1\.6 Gate 3\.1\.6 since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC — as the test says$/);
  });

  it('done where a failure was documented and the quality gate went on; no gate to resume at', async () => {
    const rows = await statusesOf({
      rows: {
        ...PHASE3_REGULAR, ...Object.fromEntries(P3_ALL_DATES.map((x) => [x, [...REGULAR, '2022-04-20']])),
        ...Object.fromEntries(P4.map((x) => [x, x === TDZA ? ['2021-11-02', '2022-04-20'] : ['2021-11-02', '2022-04-10', '2022-04-20']])),
      },
      attempts: [attempt(TDZA, '2022-04-10', 'failed', { errors: errorText('SourceUnavailable', 'gone'), minutesAgo: 30 })],
      decisions: [
        { gate: '3.1.6', effect: 'proceed', answer: 'document', note: 'gone at the source' },
        { gate: '3.3.2', effect: 'proceed', answer: 'proceed' },
        { gate: '3.3.2', effect: 'proceed', answer: 'proceed', season: '2021-22 postseason' },
      ],
    }, (w) => seasonStatuses(w, AS_OF, [S])) as Awaited<ReturnType<typeof seasonStatuses>>;
    expect(brief(rows)).toMatchObject([
      { part: 'regular season', phase3: 'done', phase4: 'decided: document (1 documented)', next: 'done', resumeAt: null },
      { part: 'postseason', phase3: 'done', phase4: 'done', next: 'done', resumeAt: null },
    ]);
    expect(rows[0].story[1]).toBe('Phase 4: decided at 3.1.6: document — "gone at the source" by ana (operator); 1 processor-date(s) documented as failed');
  });

  it('a live lease in the chosen dataset shows the phase running, unless it is this run’s own; a dead holder’s does not', async () => {
    const leases = [
      { season: '2021-22', phase: 'phase3', runId: 'run-7', pid: process.pid },
      { season: '2021-22', phase: 'phase4', runId: 'run-dead', pid: 999_999 }, // this host, no such process
    ];
    const [ops, self, fallback] = await statusesOf({ dataset: 'runbook_ops', leases }, async (w) => [
      await seasonStatuses(w, AS_OF, [S], { postseason: false, dataset: 'runbook_ops' }),
      await seasonStatuses(w, AS_OF, [S], { postseason: false, dataset: 'runbook_ops', self: 'run-7' }),
      await seasonStatuses(w, AS_OF, [S], { postseason: false }),
    ]) as Awaited<ReturnType<typeof seasonStatuses>>[];
    expect(ops[0].phase3).toBe(`running: bo@${os.hostname()} (02-phase3, pid ${process.pid})`.slice(0, 40));
    expect(ops[0].states.phase3).toEqual({ kind: 'running', holder: `bo@${os.hostname()} (02-phase3, pid ${process.pid})` });
    expect(ops[0].phase4).toBe('not started');
    expect(self[0].phase3).toBe('not started');
    expect(fallback[0].phase3).toBe('not started'); // the default dataset (nba_reference) holds no lease
  });

  it('the default dataset holds the decisions read by default', async () => {
    const rows = await statusesOf({ decisions: [{ gate: '2.4.1', effect: 'stop' }] }, (w) => seasonStatuses(w, AS_OF, [S])) as Awaited<ReturnType<typeof seasonStatuses>>;
    expect(rows[0]).toMatchObject({ phase3: 'waiting at 2.4.1', resumeAt: '2.4.1' });
  });

  it('parts in any order read one range covering them all; no part reads nothing; the whole season is "all"', async () => {
    const post = seasonPart(S, 'postseason')!;
    const regular = seasonPart(S, 'regular')!;
    const [reversed, none, all] = await statusesOf({}, async (w) => [
      await partStatuses(w, [post, regular]),
      await partStatuses(w, []),
      await partStatuses(w, [seasonPart(S, 'all')!]),
    ]) as Awaited<ReturnType<typeof partStatuses>>[];
    expect(reversed.map((r) => [r.part, r.game_dates])).toEqual([['postseason', 1], ['regular season', 3]]);
    expect(none).toEqual([]);
    // 10-19, 11-02, 04-10, 04-11 and 04-20: every final game from the first day to June 30.
    expect(all.map((r) => [r.part, r.start, r.end, r.game_dates])).toEqual([['all', '2021-10-19', '2022-06-30', 5]]);
  });

  it('every season by default, each postseason after its regular season; the season in progress ends at the as-of date', async () => {
    const rows = await statusesOf({}, (w) => seasonStatuses(w, '2024-11-10')) as Awaited<ReturnType<typeof seasonStatuses>>;
    expect(rows.map((r) => `${r.season} ${r.part} ${r.start}..${r.end}`)).toEqual([
      '2021-22 regular season 2021-10-19..2022-04-10', '2021-22 postseason 2022-04-12..2022-06-30',
      '2022-23 regular season 2022-10-18..2023-04-09', '2022-23 postseason 2023-04-11..2023-06-30',
      '2023-24 regular season 2023-10-24..2024-04-14', '2023-24 postseason 2024-04-16..2024-06-30',
      '2024-25 regular season 2024-10-22..2024-11-10',
    ]);
  });
});

describe('season parts', () => {
  it('the regular season, then its postseason when asked and when it has one', () => {
    const brief = (list: ReturnType<typeof seasonParts>) => list.map((s) => `${s.id} ${s.part} ${s.start}..${s.end}`);
    expect(brief(seasonParts([S, SEASONS[3]], '2024-11-10', { postseason: true }))).toEqual([
      '2021-22 regular 2021-10-19..2022-04-10', '2021-22 postseason 2022-04-12..2022-06-30', '2024-25 regular 2024-10-22..2024-11-10',
    ]);
    expect(brief(seasonParts([S, SEASONS[3]], '2024-11-10', { postseason: false }))).toEqual([
      '2021-22 regular 2021-10-19..2022-04-10', '2024-25 regular 2024-10-22..2024-11-10',
    ]);
  });
});

describe('the facts the state model reads', () => {
  const RANGE = { start: '2021-10-19', end: '2022-04-20' };

  it('final game dates in the range, its ends included; props dates; the dates each table holds', async () => {
    const facts = await statusesOf({
      rows: { [PGS]: ['2021-10-18', '2021-10-19', '2022-04-20', '2022-07-01'], [TDZA]: ['2021-11-02'] },
    }, (w) => readFacts(w, RANGE, 'nba_reference')) as Awaited<ReturnType<typeof readFacts>>;
    expect(facts.gameDates).toEqual(['2021-10-19', '2021-11-02', '2022-04-10', '2022-04-11', '2022-04-20']);
    expect([...facts.scopeDates].map(([t, ds]) => [t, [...ds]])).toEqual([['nba_raw.odds_api_player_points_props', ['2021-11-02']]]);
    const held = Object.fromEntries([...facts.present].map(([proc, ds]) => [proc, [...ds].sort()]));
    expect(held).toEqual({ ...Object.fromEntries([...P3, ...P4].map((x) => [x, []])), [PGS]: ['2021-10-19', '2022-04-20'], [TDZA]: ['2021-11-02'] });
    expect(facts.decisions).toEqual([]);
    expect(facts.leases).toEqual([]);
  });

  it('a table not created yet holds no date, and the other tables are still read', async () => {
    const facts = await statusesOf({ rows: { [PGS]: ['2021-11-02'], [TDZA]: ['2021-11-02'] } }, async (w) => {
      await w.execute('DROP TABLE `nba-props-platform.nba_precompute.player_daily_cache`');
      return readFacts(w, RANGE, 'nba_reference');
    }) as Awaited<ReturnType<typeof readFacts>>;
    expect([...facts.present.get(PGS)!]).toEqual(['2021-11-02']);
    expect([...facts.present.get(TDZA)!]).toEqual(['2021-11-02']);
    expect([...facts.present.get('PlayerDailyCacheProcessor')!]).toEqual([]);
    expect(facts.present.size).toBe(10);
  });

  it('a handful of labelled queries whatever the number of tables: one for every table’s dates; one per table only when one is missing', async () => {
    const labels = await statusesOf({ rows: { [PGS]: ['2021-11-02'] } }, async (w) => {
      const query = vi.spyOn(w, 'query');
      try {
        await readFacts(w, RANGE, 'nba_reference');
        const whole = query.mock.calls.map((c) => (c[2] as { label?: string } | undefined)?.label ?? '(none)');
        query.mockClear();
        await w.execute('DROP TABLE `nba-props-platform.nba_precompute.player_daily_cache`');
        await readFacts(w, RANGE, 'nba_reference');
        const oneMissing = query.mock.calls.map((c) => (c[2] as { label?: string } | undefined)?.label ?? '(none)');
        return { whole, oneMissing };
      } finally { query.mockRestore(); }
    });
    // Games, the one scope table (props lines), every output table in one query, the history; then the decisions and leases.
    const STATE = ['state/games', 'state/scope', 'state/present', 'state/history'];
    expect(labels.whole.slice(0, 4)).toEqual(STATE);
    // The one query fails on the missing table; then each of the 10 tables is read on its own.
    expect(labels.oneMissing.slice(0, 4 + 10)).toEqual(['state/games', 'state/scope', ...Array(11).fill('state/present'), 'state/history']);
  });

  it('each processor’s latest attempt per date in the range: the highest attempt, then the latest start; Phase 2 loads left out', async () => {
    const facts = await statusesOf({
      attempts: [
        attempt(PGS, '2021-11-02', 'failed', { attempt: 1, minutesAgo: 20, errors: errorText('ProcessorError', 'boom') }),
        attempt(PGS, '2021-11-02', 'success', { attempt: 2, minutesAgo: 10 }),
        attempt(PGS, '2022-04-10', 'failed', { attempt: 2, minutesAgo: 30, errors: errorText('ProcessorError', 'late') }),
        attempt(PGS, '2022-04-10', 'success', { attempt: 1, minutesAgo: 5 }),
        attempt(PGS, '2022-04-20', 'success', { attempt: 1, minutesAgo: 50 }),
        attempt(PGS, '2022-04-20', 'skipped', { attempt: 1, minutesAgo: 40, skipReason: 'no_games' }),
        attempt(PGS, '2022-07-01', 'success'), // outside the range
        { processor: 'NbacTeamBoxscoreProcessor', phase: 'phase_2_raw', date: '2021-11-02', status: 'failed' },
      ],
      decisions: [{ gate: '2.4.1', effect: 'stop' }],
      leases: [
        { season: '2021-22', phase: 'phase3', runId: 'run-live', pid: process.pid },
        { season: '2021-22', phase: 'phase4', runId: 'run-old', pid: process.pid, minutesAgo: 20 },
        { season: '2022-23', phase: 'phase3', runId: 'run-dead', pid: 999_999 },
      ],
    }, (w) => readFacts(w, RANGE, 'nba_reference')) as Awaited<ReturnType<typeof readFacts>>;
    const pgs = facts.latest.get(PGS)!;
    expect([...pgs.keys()].sort()).toEqual(['2021-11-02', '2022-04-10', '2022-04-20']);
    expect(pgs.get('2021-11-02')).toMatchObject({ status: 'success', errors: null, skip_reason: null });
    expect(pgs.get('2022-04-10')).toMatchObject({ status: 'failed', errors: errorText('ProcessorError', 'late') });
    expect(pgs.get('2022-04-20')).toMatchObject({ status: 'skipped', skip_reason: 'no_games' });
    expect(facts.latest.has('NbacTeamBoxscoreProcessor')).toBe(false);
    expect(facts.latest.size).toBe(10);
    expect(facts.decisions.map((d) => [d.gate, d.effect, d.season])).toEqual([['2.4.1', 'stop', '2021-22']]);
    expect(facts.leases.map((l) => [l.run_id, facts.isStale(l)])).toEqual([['run-live', false], ['run-old', true], ['run-dead', true]]);
  });
});

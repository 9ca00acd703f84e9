/**
 * An in-memory warehouse for the in-process tests of what reads the backfill's
 * state (lib/state/facts.ts, lib/backfill/season-status.ts, lib/final/evidence.ts):
 * the schedule of a few hand-placed games, every job's table with rows on the
 * dates a test names, run-history attempts, recorded decisions and leases.
 * Built inside each test: the code under test must run while a mutant is active.
 */
import os from 'node:os';
import { RawFixtureBuilder, openFixtureWarehouse } from './fixtures.ts';
import { insertAttempt, type Attempt } from './small-warehouse.ts';
import { ensureJobTables, PHASE3_JOBS, PHASE4_JOBS, JOBS } from '../../lib/jobs/registry.ts';
import { DecisionStore, gatePhase, type DecisionRecord } from '../../lib/decisions/store.ts';
import { LeaseTable } from '../../lib/lease/lease.ts';
import { p } from '../../lib/warehouse/params.ts';
import type { DuckDBWarehouse } from '../../lib/warehouse/duckdb.ts';

export const P3 = PHASE3_JOBS.map((j) => j.processorName);
export const P4 = PHASE4_JOBS.map((j) => j.processorName);

export interface GameAt { date: string; status?: 1 | 3; playoffs?: boolean; props?: boolean; teamBox?: boolean }

export interface Lease { season: string; phase: string; runId: string; pid: number; host?: string; minutesAgo?: number }

export interface StateSpec {
  games: GameAt[];
  /** processor name → dates its output table holds (one row each). */
  rows?: Record<string, string[]>;
  attempts?: Attempt[];
  decisions?: (Partial<DecisionRecord> & { gate: string; effect: DecisionRecord['effect'] })[];
  leases?: Lease[];
  /** Where decisions and leases go (default nba_reference). */
  dataset?: string;
}

export async function stateWarehouse(spec: StateSpec): Promise<{ w: DuckDBWarehouse; close: () => Promise<void> }> {
  const fx = new RawFixtureBuilder();
  spec.games.forEach((g, k) => {
    const gameId = `G${k + 1}`;
    fx.game({ gameId, date: g.date, home: 'BOS', away: 'NYK', status: g.status ?? 3, seasonType: g.playoffs ? 'Playoffs' : 'Regular Season', teamBox: g.teamBox ?? true, players: [] });
    if (g.props) fx.props({ gameId, player: 'bos1', team: 'BOS', lines: { draftkings: 20.5 } });
  });
  const { w, close } = await openFixtureWarehouse(fx.build());
  await ensureJobTables(w);
  for (const [processor, dates] of Object.entries(spec.rows ?? {})) {
    const job = JOBS.find((j) => j.processorName === processor);
    if (!job) throw new Error(`no job ${processor}`);
    for (const d of dates) await w.execute(`INSERT INTO \`${w.project}.${job.output.name}\` (${job.output.dateColumn}) VALUES (@d)`, { d: p.date(d) });
  }
  for (const a of spec.attempts ?? []) await insertAttempt(w, a);
  const dataset = spec.dataset ?? 'nba_reference';
  const store = new DecisionStore(w, dataset);
  for (const d of spec.decisions ?? []) {
    await store.record({
      run_id: 'r-decide', script: '04-remaining-seasons', season: '2021-22', scope: '2021-10-19..2022-04-10', phase: gatePhase(d.gate),
      gate_title: `Gate ${d.gate}`, evidence_digest: 'digest', evidence: '[]', recommendation: null, reason: 'as the test says',
      answer: null, note: null, answered_by: 'operator', rule: null, operator: 'ana', host: 'h1', ...d,
    });
  }
  if (spec.leases?.length) {
    const leases = new LeaseTable(w, dataset);
    await leases.ensure();
    for (const l of spec.leases) {
      await w.execute(`INSERT INTO ${leases.table} (season, phase, run_id, script, operator, host, pid, since, heartbeat)
VALUES (@season, @phase, @run_id, '02-phase3', 'bo', @host, @pid, CURRENT_TIMESTAMP(), TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL ${Math.round(l.minutesAgo ?? 0)} MINUTE))`,
      { season: l.season, phase: l.phase, run_id: l.runId, host: l.host ?? os.hostname(), pid: p.int(l.pid) });
    }
  }
  return { w, close };
}

/**
 * One runbook per season and phase at a time, wherever it runs. A lease row
 * (beside the decisions: season, phase, run id, operator, host, pid, since,
 * heartbeat) is taken before a season's jobs start and released at the end.
 * A second run sees who holds it and waits (--wait) or stops (exit 3) naming
 * the holder. A holder whose heartbeat stopped — a killed process — is taken
 * over with a warning: on the same host as soon as its pid is gone, elsewhere
 * once the heartbeat is older than the stale limit.
 *
 * Taking it is race-safe on both backends: a conditional insert, then a re-read;
 * if two inserts ever both land (BigQuery runs DML concurrently), the earliest
 * `since` (then the smaller run id) wins and the other withdraws.
 */
import os from 'node:os';
import { p } from '../warehouse/params.ts';
import { unlessMissing, type Row, type Statement, type Warehouse } from '../warehouse/types.ts';
import { table } from '../queries/tables.ts';
import { bookkeepingDdl, createBookkeepingTable } from '../warehouse/bookkeeping-table.ts';
import { EXIT, Interrupted } from '../notebook/errors.ts';
import { envMs } from '../notebook/env.ts';

export interface LeaseKey { season: string; phase: string }
export interface LeaseOwner { runId: string; script: string; operator: string; host: string; pid: number }
export interface LeaseRow extends Row { season: string; phase: string; run_id: string; script: string; operator: string; host: string; pid: number; since: string; heartbeat: string; age_ms: number }

/** Another live run holds the lease: exit 3, naming it. */
export class LeaseHeld extends Error {
  readonly exitCode = EXIT.stoppedAtGate;
  constructor(readonly holder: LeaseRow) {
    super(`${holder.season} ${holder.phase} is being run by ${describeHolder(holder)}; wait for it (re-run with --wait) or ask them`);
    this.name = 'LeaseHeld';
  }
}

export function describeHolder(h: LeaseRow): string {
  return `${h.script} run ${h.run_id} (${h.operator}@${h.host}, pid ${h.pid}, since ${h.since.slice(0, 19).replace('T', ' ')} UTC, heartbeat ${Math.round(h.age_ms / 1000)} s ago)`;
}

export interface LeaseOptions {
  wait: boolean;
  /** A heartbeat older than this is a dead holder (default 10 minutes; env RUNBOOK_LEASE_STALE_MS). */
  staleMs?: number;
  /** How often the holder beats (default 30 s; env RUNBOOK_LEASE_HEARTBEAT_MS). */
  heartbeatMs?: number;
  /** How often a waiting run looks again (default 5 s). */
  pollMs?: number;
  signal?: AbortSignal;
  /** Tells the operator what is happening (waiting, taking over). */
  say(message: string): void;
}

const COLUMNS: [string, string][] = [
  ['season', 'STRING'], ['phase', 'STRING'], ['run_id', 'STRING'], ['script', 'STRING'], ['operator', 'STRING'],
  ['host', 'STRING'], ['pid', 'INT64'], ['since', 'TIMESTAMP'], ['heartbeat', 'TIMESTAMP'],
];

/** The leases table's DDL (dataset included), for a script to create with its other tables in one job. */
export const leasesDdl = (w: Warehouse, dataset: string) => bookkeepingDdl(w, dataset, 'runbook_leases', COLUMNS);

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

export class LeaseTable {
  private ensured = false;
  constructor(readonly w: Warehouse, readonly dataset: string) {}

  get table(): string { return table(this.w.project, `${this.dataset}.runbook_leases`); }

  async ensure(): Promise<void> {
    if (this.ensured) return;
    await createBookkeepingTable(this.w, this.dataset, 'runbook_leases', COLUMNS);
    this.ensured = true;
  }

  /** Current holders, with the heartbeat's age measured by the warehouse's clock (hosts' clocks may differ). */
  async holders(key?: LeaseKey): Promise<LeaseRow[]> {
    const q = this.holdersQuery(key);
    return unlessMissing(this.w.query<LeaseRow>(q.sql, q.params, { label: 'runbook/lease' }).then((r) => r.rows), []);
  }

  private holdersQuery(key?: LeaseKey): Statement {
    return {
      sql: `SELECT season, phase, run_id, script, operator, host, pid, since, heartbeat,
  TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), heartbeat, MILLISECOND) AS age_ms
FROM ${this.table}${key ? '\nWHERE season = @season AND phase = @phase' : ''}
ORDER BY since, run_id`,
      params: key ? { season: key.season, phase: key.phase } : {},
    };
  }

  /**
   * Claims the lease when no run holds it, then reads who does: one job on
   * BigQuery (the insert commits, then the read sees it). The read decides who won.
   */
  private async claim(key: LeaseKey, me: LeaseOwner): Promise<LeaseRow[]> {
    const insert: Statement = {
      sql: `INSERT INTO ${this.table} (${COLUMNS.map(([n]) => n).join(', ')})
SELECT @season, @phase, @run_id, @script, @operator, @host, @pid, CURRENT_TIMESTAMP(), CURRENT_TIMESTAMP()
FROM (SELECT 1 AS one) AS x
WHERE NOT EXISTS (SELECT 1 FROM ${this.table} WHERE season = @season AND phase = @phase)`,
      params: { season: key.season, phase: key.phase, run_id: me.runId, script: me.script, operator: me.operator, host: me.host, pid: p.int(me.pid) },
    };
    return (await this.w.atomic([], { before: [insert], after: this.holdersQuery(key), label: 'runbook/lease' })) as unknown as LeaseRow[];
  }

  isStale(h: LeaseRow, staleMs = envMs('RUNBOOK_LEASE_STALE_MS') ?? 600_000): boolean {
    if (h.age_ms > staleMs) return true;
    return h.host === os.hostname() && !isAlive(h.pid);
  }

  /** Takes the lease, waiting or stopping (LeaseHeld) while a live run holds it. */
  async acquire(key: LeaseKey, me: LeaseOwner, o: LeaseOptions): Promise<Lease> {
    await this.ensure();
    const staleMs = o.staleMs ?? envMs('RUNBOOK_LEASE_STALE_MS') ?? 600_000;
    const pollMs = o.pollMs ?? envMs('RUNBOOK_LEASE_POLL_MS') ?? 5_000;
    let told = '';
    for (;;) {
      if (o.signal?.aborted) throw new Interrupted(null); // Ctrl+C while waiting: nothing was started
      const rows = await this.claim(key, me);
      const mine = rows.find((r) => r.run_id === me.runId);
      const others = rows.filter((r) => r.run_id !== me.runId);
      if (mine && !others.length) return this.hold(key, me, o);
      const live = others.filter((h) => !this.isStale(h, staleMs));
      for (const dead of others.filter((h) => !live.includes(h))) {
        o.say(`taking over the ${key.season} ${key.phase} lease from ${describeHolder(dead)}: its heartbeat stopped (the process is gone)`);
        await this.drop(key, dead.run_id);
      }
      if (live.length) {
        if (mine) await this.drop(key, me.runId); // lost a race: the earlier claim wins
        if (!o.wait) throw new LeaseHeld(live[0]);
        const msg = `waiting for ${describeHolder(live[0])} to finish ${key.season} ${key.phase}…`;
        if (msg.replace(/heartbeat \d+ s ago/, '') !== told) { o.say(msg); told = msg.replace(/heartbeat \d+ s ago/, ''); }
        await sleep(pollMs, o.signal);
      }
      // Loop: claim again (a dead holder was dropped, or the live one may have finished).
    }
  }

  private async drop(key: LeaseKey, runId: string): Promise<void> {
    await this.w.execute(`DELETE FROM ${this.table} WHERE season = @season AND phase = @phase AND run_id = @run_id`,
      { season: key.season, phase: key.phase, run_id: runId }, { label: 'runbook/lease' });
  }

  private hold(key: LeaseKey, me: LeaseOwner, o: LeaseOptions): Lease {
    const every = o.heartbeatMs ?? envMs('RUNBOOK_LEASE_HEARTBEAT_MS') ?? 30_000;
    const beat = async () => {
      await this.w.execute(`UPDATE ${this.table} SET heartbeat = CURRENT_TIMESTAMP() WHERE season = @season AND phase = @phase AND run_id = @run_id`,
        { season: key.season, phase: key.phase, run_id: me.runId }, { label: 'runbook/lease' }).catch(() => undefined);
    };
    const timer = setInterval(() => { void beat(); }, every);
    timer.unref();
    return new Lease(key, async () => { clearInterval(timer); await this.drop(key, me.runId); });
  }
}

export class Lease {
  private released = false;
  constructor(readonly key: LeaseKey, private readonly free: () => Promise<void>) {}
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.free();
  }
}


function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

/**
 * Gate decisions as backfill state, kept in the warehouse beside the run history
 * (`nba_reference.runbook_decisions`, the dataset configurable), so a resumed run,
 * a second operator and Step 5's report all see them. A stop is recorded too: a
 * row whose effect is 'pending' (or 'stop') is a gate still waiting for a decision.
 * The journal stays the local log; this is the shared record.
 */
import { createHash, randomUUID } from 'node:crypto';
import { p } from '../warehouse/params.ts';
import { unlessMissing, type Row, type Warehouse } from '../warehouse/types.ts';
import { table } from '../queries/tables.ts';
import { bookkeepingDdl, createBookkeepingTable } from '../warehouse/bookkeeping-table.ts';

export const DEFAULT_DECISIONS_DATASET = 'nba_reference';

/** Who produced an answer: a person at the prompt, a flag, the answers file, --yes, or nobody yet (a stop). */
export type AnsweredBy = 'operator' | 'flag' | 'answers-file' | 'yes' | 'pending';

/** 'pending': stopped without an answer (--yes on a gate it may not pass); 'stop': answered with a stop. */
export type DecisionEffect = 'proceed' | 'repair' | 'stop' | 'pending';

export interface DecisionRecord {
  run_id: string;
  script: string;
  /** The season the gate judged; null for a range that is not one season (Steps 1 and 5). */
  season: string | null;
  /** 'start..end' of the range judged. */
  scope: string;
  /** 'phase2' | 'phase3' | 'phase4' | 'final', from the gate id. */
  phase: string;
  gate: string;
  gate_title: string;
  evidence_digest: string;
  /** The evidence rows as JSON text (what the operator saw). */
  evidence: string;
  recommendation: string | null;
  reason: string;
  answer: string | null;
  effect: DecisionEffect;
  note: string | null;
  answered_by: AnsweredBy;
  /** For an automatic answer, the rule that produced it (e.g. "--yes: the recommendation proceeds"). */
  rule: string | null;
  operator: string;
  host: string;
}

export interface StoredDecision extends DecisionRecord { decision_id: string; decided_at: string }

const COLUMNS: [string, string][] = [
  ['decision_id', 'STRING'], ['run_id', 'STRING'], ['script', 'STRING'], ['season', 'STRING'], ['scope', 'STRING'],
  ['phase', 'STRING'], ['gate', 'STRING'], ['gate_title', 'STRING'], ['evidence_digest', 'STRING'], ['evidence', 'STRING'],
  ['recommendation', 'STRING'], ['reason', 'STRING'], ['answer', 'STRING'], ['effect', 'STRING'], ['note', 'STRING'],
  ['answered_by', 'STRING'], ['rule', 'STRING'], ['operator', 'STRING'], ['host', 'STRING'], ['decided_at', 'TIMESTAMP'],
];

/** The decisions table's DDL (dataset included), for a script to create with its other tables in one job. */
export const decisionsDdl = (w: Warehouse, dataset: string) => bookkeepingDdl(w, dataset, 'runbook_decisions', COLUMNS);

/** Which phase of a season a gate belongs to: 4.2.1 ("Phase 3 complete?") judges Phase 3. */
export function gatePhase(gateId: string): string {
  if (gateId.startsWith('1.')) return 'phase2';
  if (gateId.startsWith('2.') || gateId.startsWith('4.2')) return 'phase3';
  if (gateId.startsWith('3.')) return 'phase4';
  return 'final';
}

/** A short digest of the evidence: two presentations of the same evidence have the same digest. */
export function evidenceDigest(rows: unknown): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 16);
}

export function isGoOn(effect: string | null): boolean { return effect === 'proceed' || effect === 'repair'; }
export function isPending(effect: string | null): boolean { return effect === 'pending' || effect === 'stop'; }

export function checkDataset(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,1023}$/.test(name)) throw new Error(`not a dataset name: ${JSON.stringify(name)}`);
  return name;
}

/** The decisions table of a warehouse, in the configured dataset. */
export class DecisionStore {
  private ensured = false;

  /**
   * `keep` (a run's own store): each scope's decisions are read once, at the run's
   * first gate or before (prefetch), then kept up to date with this store's own
   * records, instead of a read at every gate (on BigQuery a job of about a second
   * each). The run holds its season's lease, so no other run decides its gates meanwhile.
   */
  constructor(readonly w: Warehouse, readonly dataset: string = DEFAULT_DECISIONS_DATASET, private readonly o: { keep?: boolean } = {}) { checkDataset(dataset); }

  private readonly kept = new Map<string, { filter: { season?: string | null; scope?: string }; rows: Promise<StoredDecision[]> }>();

  get table(): string { return table(this.w.project, `${this.dataset}.runbook_decisions`); }

  /** Creates the dataset and table when missing; idempotent. */
  async ensure(): Promise<void> {
    if (this.ensured) return;
    await createBookkeepingTable(this.w, this.dataset, 'runbook_decisions', COLUMNS);
    this.ensured = true;
  }

  async record(d: DecisionRecord): Promise<StoredDecision> {
    await this.ensure();
    const id = randomUUID();
    const str = (v: string | null) => (v === null ? p.null('STRING') : v);
    await this.w.execute(
      `INSERT INTO ${this.table} (${COLUMNS.map(([n]) => n).join(', ')})
VALUES (@decision_id, @run_id, @script, @season, @scope, @phase, @gate, @gate_title, @evidence_digest, @evidence,
  @recommendation, @reason, @answer, @effect, @note, @answered_by, @rule, @operator, @host, CURRENT_TIMESTAMP())`,
      {
        decision_id: id, run_id: d.run_id, script: d.script, season: str(d.season), scope: d.scope, phase: d.phase,
        gate: d.gate, gate_title: d.gate_title, evidence_digest: d.evidence_digest, evidence: d.evidence,
        recommendation: str(d.recommendation), reason: d.reason, answer: str(d.answer), effect: d.effect,
        note: str(d.note), answered_by: d.answered_by, rule: str(d.rule), operator: d.operator, host: d.host,
      },
      { label: 'runbook/decision' },
    );
    const stored = { ...d, decision_id: id, decided_at: new Date().toISOString() };
    for (const k of this.kept.values()) {
      if ((k.filter.season && k.filter.season !== d.season) || (k.filter.scope && k.filter.scope !== d.scope)) continue;
      const rows = await k.rows.catch(() => null);
      if (rows && !rows.some((r) => r.decision_id === id)) rows.push(stored);
    }
    return stored;
  }

  /** Starts reading a scope's decisions (see `keep`), so the first gate need not wait for it. */
  prefetch(key: { season: string | null; scope: string }): void {
    if (this.o.keep) void this.list(key.season ? { season: key.season } : { scope: key.scope }).catch(() => undefined);
  }

  /**
   * Every decision, oldest first, optionally of one season. A warehouse that
   * never recorded one (no table yet) has none.
   */
  async list(o: { season?: string | null; scope?: string } = {}): Promise<StoredDecision[]> {
    if (!this.o.keep) return this.read(o);
    const key = JSON.stringify([o.season ?? null, o.scope ?? null]);
    let k = this.kept.get(key);
    if (!k) {
      k = { filter: o, rows: this.read(o) };
      this.kept.set(key, k);
      k.rows.catch(() => this.kept.delete(key)); // a failed read is tried again next time
    }
    return [...(await k.rows)];
  }

  private async read(o: { season?: string | null; scope?: string }): Promise<StoredDecision[]> {
    const where: string[] = [];
    const params: Record<string, string> = {};
    if (o.season) { where.push('season = @season'); params.season = o.season; }
    if (o.scope) { where.push('scope = @scope'); params.scope = o.scope; }
    const r = this.w.query<Row>(
      `SELECT ${COLUMNS.map(([n]) => n).join(', ')} FROM ${this.table}${where.length ? `\nWHERE ${where.join(' AND ')}` : ''}\nORDER BY decided_at, decision_id`,
      params, { label: 'runbook/decisions' },
    );
    return unlessMissing(r.then((x) => x.rows as unknown as StoredDecision[]), []);
  }

  /** The latest decision of one gate in one scope (season, or range when there is no season). */
  async latest(gate: string, key: { season: string | null; scope: string }): Promise<StoredDecision | null> {
    const all = await this.list(key.season ? { season: key.season } : { scope: key.scope });
    return all.filter((d) => d.gate === gate).at(-1) ?? null;
  }
}

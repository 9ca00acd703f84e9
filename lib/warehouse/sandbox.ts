/**
 * The sandbox (--sandbox-suffix S) as a warehouse: every statement passes
 * through here, so every dataset the reference platform writes — and every
 * validation, monitor and Step 5 query reads — is `<dataset>S`, whichever module
 * wrote the SQL. Phase 2 (`nba_raw`) is read from the real dataset.
 *
 * On BigQuery the real datasets belong to the platform: a write whose target is
 * outside the sandbox is refused here, before anything is sent.
 */
import { sandboxResolver, writeTargets, type DatasetResolver } from '../queries/tables.ts';
import type { Params } from './params.ts';
import {
  WarehouseError, canDryRun, type AtomicOptions, type QueryOptions, type QueryResult, type Row, type Statement, type Warehouse,
} from './types.ts';

export class SandboxWarehouse implements Warehouse {
  readonly backend: Warehouse['backend'];
  readonly project: string;
  readonly datasets: DatasetResolver;
  /** Present when the warehouse under it can dry-run (BigQuery). */
  readonly dryRun?: (sql: string, params?: Params) => Promise<{ bytesProcessed: number }>;

  /** `real`: the warehouse with the real datasets, for what belongs to them (the embedded seed). */
  constructor(readonly real: Warehouse, suffix: string) {
    this.backend = real.backend;
    this.project = real.project;
    this.datasets = sandboxResolver(suffix);
    if (canDryRun(real)) this.dryRun = (sql, params) => real.dryRun(this.datasets.sql(sql), params);
  }

  query<R extends Row = Row>(sql: string, params?: Params, opts?: QueryOptions): Promise<QueryResult<R>> {
    return this.real.query<R>(this.datasets.sql(sql), params, opts);
  }

  async execute(sql: string, params?: Params, opts?: QueryOptions): Promise<{ affectedRows: number | null }> {
    const moved = this.datasets.sql(sql);
    this.checkWrites(moved);
    return this.real.execute(moved, params, opts);
  }

  async atomic(statements: Statement[], opts?: AtomicOptions): Promise<Row[]> {
    const move = (list: Statement[]) => list.map((s) => ({ ...s, sql: this.datasets.sql(s.sql) }));
    const moved = move(statements);
    const before = opts?.before && move(opts.before);
    const after = opts?.after && move([opts.after])[0];
    for (const s of [...(before ?? []), ...moved, ...(after ? [after] : [])]) this.checkWrites(s.sql);
    return this.real.atomic(moved, { ...opts, before, after });
  }

  hold<T>(fn: () => Promise<T>): Promise<T> { return this.real.hold(fn); }
  close(): Promise<void> { return this.real.close(); }

  /** On BigQuery, only the sandbox's own datasets (and temporary tables) may be written. */
  private checkWrites(sql: string): void {
    if (this.backend !== 'bigquery') return; // the embedded warehouse is ours: its Phase 2 may be re-loaded
    const suffix = this.datasets.suffix!;
    for (const w of writeTargets(sql)) {
      if (w.dataset === null || w.dataset.endsWith(suffix)) continue;
      throw new WarehouseError('PERMISSION',
        `refused: ${w.statement} on ${w.target} is outside the sandbox (--sandbox-suffix ${suffix}); the runbook's reference platform writes only to <dataset>${suffix} on BigQuery`);
    }
  }
}

/** The warehouse with the real datasets under a sandbox (itself when there is none). */
export function realWarehouse(w: Warehouse): Warehouse {
  return w instanceof SandboxWarehouse ? w.real : w;
}

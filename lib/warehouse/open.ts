/**
 * Picks the backend from the common flags and prepares the datasets every
 * script expects. The backend is a discriminated choice; an unknown one is
 * rejected before anything is opened.
 */
import { WarehouseError, type BackendName, type Warehouse } from './types.ts';
import { DATASETS, RUN_HISTORY, createTableSql } from '../seed/schema.ts';
import { SANDBOXED_DATASETS } from '../queries/tables.ts';

export interface WarehouseConfig {
  backend: BackendName;
  project: string;
  /** DuckDB file (embedded backend). */
  file: string;
  readOnly?: boolean;
  busyTimeoutMs?: number;
  /** BigQuery: the first pause of the backoff on transient errors (default 500 ms). */
  retryBaseMs?: number;
  onWait?: (message: string) => void;
  /** Embedded: keep the file open this long after a statement for the next one (see duckdb.ts). */
  lingerMs?: number;
  /** BigQuery options (production backend). */
  location?: string;
  endpoint?: string;
  maxBytesBilled?: number;
  /** --sandbox-suffix: every dataset but nba_raw becomes `<dataset><suffix>` (see sandbox.ts). */
  sandboxSuffix?: string | null;
}

export async function openWarehouse(cfg: WarehouseConfig): Promise<Warehouse> {
  const w = await openBackend(cfg);
  if (!cfg.sandboxSuffix) return w;
  const { SandboxWarehouse } = await import('./sandbox.ts');
  return new SandboxWarehouse(w, cfg.sandboxSuffix);
}

async function openBackend(cfg: WarehouseConfig): Promise<Warehouse> {
  switch (cfg.backend) {
    case 'duckdb': {
      // Loaded on first use, like BigQuery's client: a script prints its first line before the native module loads.
      const { DuckDBWarehouse } = await import('./duckdb.ts');
      return new DuckDBWarehouse({
        file: cfg.file, project: cfg.project, readOnly: cfg.readOnly,
        busyTimeoutMs: cfg.busyTimeoutMs, onWait: cfg.onWait, lingerMs: cfg.lingerMs,
      });
    }
    case 'bigquery': {
      // Loaded only when asked for: the embedded default never pays for the client.
      const { BigQueryWarehouse } = await import('./bigquery.ts');
      return new BigQueryWarehouse({
        project: cfg.project, location: cfg.location, endpoint: cfg.endpoint, maxBytesBilled: cfg.maxBytesBilled,
        retry: cfg.retryBaseMs ? { baseDelayMs: cfg.retryBaseMs } : undefined,
      });
    }
    default:
      throw new WarehouseError('FAILED', `unknown backend ${String((cfg as { backend: unknown }).backend)}`);
  }
}

/**
 * Datasets and the run-history table; idempotent, so every script may call it.
 * A BigQuery sandbox creates only its own datasets: nba_raw is the platform's.
 */
export async function ensureBaseSchema(w: Warehouse, also: string[] = []): Promise<void> {
  await ensureDdl(w, [...baseSchemaDdl(w), ...also]);
}

/** The datasets and the run history, as idempotent DDL. */
export function baseSchemaDdl(w: Warehouse): string[] {
  const schemas = w.backend === 'duckdb'
    ? DATASETS.map((d) => `CREATE SCHEMA IF NOT EXISTS ${d}`)
    : (w.datasets?.suffix ? SANDBOXED_DATASETS : DATASETS).map((d) => `CREATE SCHEMA IF NOT EXISTS \`${w.project}.${d}\``);
  return [...schemas, createTableSql(RUN_HISTORY, w.project, ['processor_name', 'status'])];
}

/** DDL already run on each warehouse by this process. */
const ensured = new WeakMap<Warehouse, Set<string>>();

/**
 * Idempotent DDL (`IF NOT EXISTS`), run once per process and warehouse, and in
 * one job: on BigQuery each statement alone would be a job (~1 s each), and a
 * script may hold DDL (outside a transaction).
 */
export async function ensureDdl(w: Warehouse, statements: string[]): Promise<void> {
  const done = ensured.get(w) ?? new Set<string>();
  ensured.set(w, done);
  const todo = [...new Set(statements)].filter((s) => !done.has(s));
  if (!todo.length) return;
  await w.execute(todo.join(';\n'));
  for (const s of todo) done.add(s);
}

/**
 * The one interface every script and processor talks to. SQL is always BigQuery
 * Standard SQL; a backend that is not BigQuery translates it (see translate.ts).
 * Rows come back normalised by column type (see normalize.ts): dates as
 * 'YYYY-MM-DD', timestamps as ISO strings, integers as numbers, never a bigint
 * or a driver's wrapper object.
 */
import type { Params } from './params.ts';
import type { DatasetResolver } from '../queries/tables.ts';

export type BackendName = 'duckdb' | 'bigquery';

/** Column types in BigQuery's vocabulary, whatever the backend. */
export type ColumnType =
  | 'INT64' | 'FLOAT64' | 'NUMERIC' | 'BOOL' | 'STRING' | 'DATE' | 'TIMESTAMP'
  | 'JSON' | 'BYTES' | `ARRAY<${string}>` | 'OTHER';

export interface Column { name: string; type: ColumnType }

export type Value = string | number | boolean | null | Value[];
export type Row = Record<string, Value>;

export interface QueryResult<R extends Row = Row> {
  columns: Column[];
  rows: R[];
  /** Backend facts worth journaling: bytes processed, job ids. */
  stats?: { bytesProcessed?: number; jobIds?: string[] };
}

export interface QueryOptions {
  /** A label for logs and BigQuery job labels, e.g. "01-validate-phase2/1.1". */
  label?: string;
  /** Per-query deadline; the original wraps every query in `timeout 30`/`60`. */
  timeoutMs?: number;
}

/** One statement of an atomic script. */
export interface Statement { sql: string; params?: Params }

export interface AtomicOptions extends QueryOptions {
  /**
   * Statements run just ahead of the transaction, each committing on its own
   * (they stay committed if the transaction rolls back). On BigQuery they go in
   * the same script job: one job instead of one per statement.
   */
  before?: Statement[];
  /**
   * A read run once the transaction has committed, whose rows atomic returns
   * (e.g. what the chunk wrote). On BigQuery it ends the same script job.
   */
  after?: Statement;
}

export interface Warehouse {
  readonly backend: BackendName;
  /** Project id used in table paths (`project.dataset.table`). */
  readonly project: string;
  /** Where dataset names point when not the real ones (a --sandbox-suffix sandbox); absent: the real datasets. */
  readonly datasets?: DatasetResolver;
  /** A read query. */
  query<R extends Row = Row>(sql: string, params?: Params, opts?: QueryOptions): Promise<QueryResult<R>>;
  /** DDL or DML; returns affected rows where the backend reports them. */
  execute(sql: string, params?: Params, opts?: QueryOptions): Promise<{ affectedRows: number | null }>;
  /** Statements that commit together or not at all (a transaction); `before` and `after`: see AtomicOptions. Returns `after`'s rows. */
  atomic(statements: Statement[], opts?: AtomicOptions): Promise<Row[]>;
  /**
   * Keep the warehouse open across several calls. The embedded backend otherwise
   * releases its file between calls so that a second process (a monitor) can read.
   */
  hold<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Stable error codes, so callers and exit codes do not depend on message text. */
export type WarehouseErrorCode =
  | 'BUSY' | 'CORRUPT' | 'UNWRITABLE' | 'NOT_FOUND' | 'INVALID_SQL' | 'NO_CREDENTIALS'
  | 'PERMISSION' | 'TIMEOUT' | 'CONFLICT' | 'TRANSIENT' | 'OVER_BUDGET' | 'FAILED';

export class WarehouseError extends Error {
  constructor(readonly code: WarehouseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WarehouseError';
  }
}

/** The read's result, or `fallback` when a table it names does not exist (yet); any other error is thrown. */
export async function unlessMissing<T>(read: Promise<T>, fallback: T): Promise<T> {
  try {
    return await read;
  } catch (e) {
    if (e instanceof WarehouseError && e.code === 'NOT_FOUND') return fallback;
    throw e;
  }
}

/**
 * Failures of the warehouse itself, not of a date's data (BigQuery unavailable
 * after retries, a timeout, lost credentials…): every later statement would fail
 * too, so a run stops — after recording its in-flight dates — instead of going on.
 */
const STOPS_THE_RUN: ReadonlySet<WarehouseErrorCode> = new Set(['TRANSIENT', 'TIMEOUT', 'NO_CREDENTIALS', 'PERMISSION', 'BUSY', 'CORRUPT', 'UNWRITABLE']);
export function stopsTheRun(e: unknown): e is WarehouseError {
  return e instanceof WarehouseError && STOPS_THE_RUN.has(e.code);
}

/**
 * Optional capability: what a query would scan, without running it (BigQuery's
 * dry run). Callers show it before an expensive step; a backend without it just
 * does not offer the number.
 */
export interface CanDryRun {
  dryRun(sql: string, params?: Params): Promise<{ bytesProcessed: number }>;
}

export function canDryRun<W extends Warehouse>(w: W): w is W & CanDryRun {
  return typeof (w as Partial<CanDryRun>).dryRun === 'function';
}

/**
 * The embedded warehouse: one DuckDB file, running the same BigQuery SQL through
 * translate.ts.
 *
 * DuckDB lets one process hold a file at a time, and while it does no other
 * process may even read it. The original runbook has a monitor in a second
 * terminal while backfills run, so this backend holds the file only while work
 * is in flight (see `hold`) and, when another process has it, waits and retries
 * with a message on stderr instead of failing.
 *
 * Opening and closing the file costs far more than most statements (the close
 * checkpoints), so a script keeps it open a moment after its last statement
 * (`lingerMs`) and the next one reuses it. A process waiting for the file says
 * so in a marker beside it (`<file>.wait`); a holder that sees a fresh marker
 * lets go at once and pauses before taking the file again, so a monitor or a
 * second backfill gets its turn between statements, as without lingering.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  BIGINT, BOOLEAN, DATE, DOUBLE, LIST, TIMESTAMP, VARCHAR,
  DuckDBInstance, dateValue, listValue, timestampValue,
  type DuckDBConnection, type DuckDBType, type DuckDBValue,
} from '@duckdb/node-api';
import { toTyped, type Params, type ScalarType } from './params.ts';
import { dateFromDays, normalizeFloat, normalizeInt, normalizeTimestampText, timestampFromMicros } from './normalize.ts';
import { splitStatements, tokenize, translate } from './translate.ts';
import {
  WarehouseError, type AtomicOptions, type Column, type ColumnType, type QueryOptions, type QueryResult,
  type Row, type Statement, type Value, type Warehouse,
} from './types.ts';

export interface DuckDBOptions {
  file: string;
  project: string;
  /** How long to wait for another process to release the file. */
  busyTimeoutMs?: number;
  /** Called while waiting for the file, so the user sees why nothing happens. */
  onWait?: (message: string) => void;
  /** Open without writing (a monitor, a dry run). */
  readOnly?: boolean;
  /**
   * Keep the file open this long after the last statement, so the next one
   * reuses it (default 0: let go at once). Another process waiting for the file
   * cuts it short (see the `.wait` marker).
   */
  lingerMs?: number;
  /** While waiting for the file, ask its holder to let go (default true; a board that skips a refresh instead does not). */
  askHolder?: boolean;
}

/** A waiting process's marker is fresh this long: waiters retry every 50–200 ms and touch it each time. */
const WAIT_FRESH_MS = 1_000;
/** A holder that let go for a waiter pauses this long before taking the file again: longer than a waiter's retry. */
const YIELD_PAUSE_MS = 250;
/** … and then ignores the marker this long, so that a waiter costs it at most one pause in this time. */
const YIELD_EVERY_MS = 1_000;

/**
 * Write-ahead log size at which a commit also checkpoints. DuckDB's default (16 MB)
 * made nearly every job's commit a checkpoint, each rewriting the tables the job
 * touched, the run history among them; with this bound the log is folded in when
 * the file is let go (between steps, at a gate, at exit) or after a season's worth
 * of writes. A killed run's log is replayed on the next open, as before.
 * Measured: 04 --yes over four seasons, three runs each, 13 % less CPU.
 */
const CHECKPOINT_THRESHOLD = '1GB';

/** Instances of this process keeping a file open while idle, by path: another instance here takes it over. */
const lingering = new Map<string, DuckDBWarehouse>();

const SCALAR: Record<ScalarType, DuckDBType> = {
  STRING: VARCHAR, INT64: BIGINT, FLOAT64: DOUBLE, BOOL: BOOLEAN, DATE, TIMESTAMP,
};

function daysOf(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

function bindValue(type: ScalarType, v: string | number | boolean): DuckDBValue {
  switch (type) {
    case 'DATE': return dateValue(daysOf(String(v)));
    case 'TIMESTAMP': return timestampValue(BigInt(Date.parse(String(v))) * 1000n);
    case 'INT64': return BigInt(v as number);
    default: return v;
  }
}

/**
 * `fn` worked out once per text: a run sends the same few hundred statements
 * again and again, and tokenizing them each time cost more than some of the
 * statements. Texts differ only when generated, so the cache is cleared when full.
 */
function oncePerText<T>(fn: (sql: string) => T): (sql: string) => T {
  const done = new Map<string, T>();
  return (sql) => {
    let v = done.get(sql);
    if (v === undefined) {
      if (done.size >= 2_000) done.clear();
      v = fn(sql);
      done.set(sql, v);
    }
    return v;
  };
}

/** A statement's DuckDB text and the parameters it names. */
const translated = oncePerText((sql) => ({
  duck: translate(sql),
  names: new Set(tokenize(sql).filter((x) => x.kind === 'param').map((x) => x.value!)),
}));

/** The statements of a script. */
const statementsOf = oncePerText(splitStatements);

/** Binds only the parameters the statement names: DuckDB rejects extra ones. */
function bind(sql: string, params: Params = {}) {
  const named = translated(sql).names;
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const name of named) {
    if (!(name in params)) throw new WarehouseError('INVALID_SQL', `query parameter @${name} has no value`);
    const t = toTyped(params[name]);
    const scalar = SCALAR[t.type];
    if (t.array) {
      values[name] = listValue((t.value as (string | number | boolean)[]).map((x) => bindValue(t.type, x)));
      types[name] = LIST(scalar);
    } else {
      values[name] = t.value === null ? null : bindValue(t.type, t.value as string | number | boolean);
      types[name] = scalar;
    }
  }
  return { values, types };
}

function columnType(duck: string): ColumnType {
  if (duck.endsWith('[]')) return `ARRAY<${columnType(duck.slice(0, -2))}>`;
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|UHUGEINT)$/.test(duck)) return 'INT64';
  if (/^(DOUBLE|FLOAT|REAL)$/.test(duck)) return 'FLOAT64';
  if (duck.startsWith('DECIMAL')) return 'NUMERIC';
  if (duck === 'VARCHAR') return 'STRING';
  if (duck === 'BOOLEAN') return 'BOOL';
  if (duck === 'DATE') return 'DATE';
  if (duck.startsWith('TIMESTAMP')) return 'TIMESTAMP';
  if (duck === 'JSON') return 'JSON';
  if (duck === 'BLOB') return 'BYTES';
  return 'OTHER';
}

function normalizeValue(type: ColumnType, v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (type.startsWith('ARRAY<')) {
    const inner = type.slice(6, -1) as ColumnType;
    return ((v as { items: unknown[] }).items ?? []).map((x) => normalizeValue(inner, x));
  }
  switch (type) {
    case 'INT64': return normalizeInt(v as bigint | number);
    case 'FLOAT64': return normalizeFloat(v as number);
    case 'NUMERIC': return (v as { toDouble(): number }).toDouble();
    case 'DATE': return dateFromDays((v as { days: number }).days);
    case 'TIMESTAMP': {
      const micros = (v as { micros?: bigint }).micros;
      return micros !== undefined ? timestampFromMicros(micros) : normalizeTimestampText(String(v));
    }
    case 'BOOL': return Boolean(v);
    default: return typeof v === 'string' ? v : String(v);
  }
}

/** Turns a DuckDB failure into one actionable line. */
function classify(err: unknown, file: string): WarehouseError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/Could not set lock|Conflicting lock/i.test(msg)) {
    const pid = /PID (\d+)/.exec(msg)?.[1];
    return new WarehouseError('BUSY', `the warehouse ${file} is in use by another process${pid ? ` (pid ${pid})` : ''}`, { cause: err });
  }
  if (/not a valid DuckDB database|Invalid Input Error: The file|corrupt|database file .* is not/i.test(msg)) {
    return new WarehouseError('CORRUPT', `the warehouse ${file} is not a readable DuckDB file (delete it to re-seed, or restore it)`, { cause: err });
  }
  if (/Permission denied|Read-only file system|Cannot open file/i.test(msg)) {
    return new WarehouseError('UNWRITABLE', `cannot open the warehouse ${file} for writing: ${msg.split('\n')[0]}`, { cause: err });
  }
  if (/Catalog Error: Table with name|does not exist/i.test(msg)) {
    return new WarehouseError('NOT_FOUND', msg.split('\n')[0], { cause: err });
  }
  if (/TransactionContext Error|Conflict/i.test(msg)) {
    return new WarehouseError('CONFLICT', msg.split('\n')[0], { cause: err });
  }
  if (/Parser Error|Binder Error|Conversion Error/i.test(msg)) {
    return new WarehouseError('INVALID_SQL', msg.split('\n')[0], { cause: err });
  }
  return new WarehouseError('FAILED', msg.split('\n')[0], { cause: err });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DuckDBWarehouse implements Warehouse {
  readonly backend = 'duckdb' as const;
  readonly project: string;
  private instance: DuckDBInstance | null = null;
  private conn: DuckDBConnection | null = null;
  private holders = 0;
  private opening: Promise<void> | null = null;
  /** Serialises statements on the one connection: jobs "in parallel" share it safely. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The pending release of an idle, lingering file. */
  private lingerTimer: NodeJS.Timeout | null = null;
  /** When this process last let go for a waiter (its next open pauses, and it ignores the marker a while). */
  private yieldedAt = 0;
  /** When the file last became idle while lingering. */
  private idleSince = 0;
  /** This instance wrote the wait marker (and removes it once it has the file or gives up). */
  private marked = false;

  constructor(private readonly opts: DuckDBOptions) {
    this.project = opts.project;
  }

  get file(): string { return this.opts.file; }

  private async open(): Promise<void> {
    if (this.conn) return;
    if (this.opening) return this.opening;
    this.opening = (async () => {
      const file = this.opts.file;
      if (file !== ':memory:') {
        try { fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true }); } catch (e) {
          throw new WarehouseError('UNWRITABLE', `cannot create the warehouse folder for ${file}: ${(e as Error).message}`, { cause: e });
        }
      }
      // Another instance of this process keeping the file open while idle lets go of it first.
      const other = lingering.get(this.key);
      if (other && other !== this && other.holders === 0) other.release(true);
      // Just let go for a waiter: give it the time to take the file.
      const pause = this.yieldedAt + YIELD_PAUSE_MS - Date.now();
      if (pause > 0) await sleep(pause);
      const deadline = Date.now() + (this.opts.busyTimeoutMs ?? 120_000);
      let told = 0;
      try {
        for (;;) {
          try {
            const options: Record<string, string> = this.opts.readOnly ? { access_mode: 'READ_ONLY' } : { checkpoint_threshold: CHECKPOINT_THRESHOLD };
            this.instance = await DuckDBInstance.create(file, options);
            this.conn = await this.instance.connect();
            return;
          } catch (err) {
            const e = classify(err, file);
            if (e.code !== 'BUSY' || Date.now() > deadline) throw e;
            if (this.opts.askHolder !== false) this.markWaiting();
            if (Date.now() - told > 5_000) {
              this.opts.onWait?.(`${e.message}; waiting for it to finish…`);
              told = Date.now();
            }
            await sleep(50 + Math.random() * 150);
          }
        }
      } finally {
        this.unmarkWaiting();
      }
    })();
    try { await this.opening; } finally { this.opening = null; }
  }

  private release(force = false): void {
    // An in-memory database lives only while open: it is released by close() alone.
    if (!force && (this.holders > 0 || this.opts.file === ':memory:')) return;
    if (!this.conn) return;
    if (!force && this.opts.lingerMs) {
      if (!this.someoneWaits()) { this.linger(); return; }
      this.yieldedAt = Date.now();
    }
    this.stopLingering();
    this.conn.closeSync();
    this.instance?.closeSync();
    this.conn = null;
    this.instance = null;
  }

  /** Keeps the idle file open for lingerMs, checking now and then for a process waiting for it. */
  private linger(): void {
    lingering.set(this.key, this);
    this.idleSince = Date.now();
    if (this.lingerTimer) return;
    const tick = () => {
      this.lingerTimer = null;
      if (this.holders > 0) return; // in use again: its next idle moment lingers afresh
      const left = this.idleSince + this.opts.lingerMs! - Date.now();
      if (left > 0 && this.someoneWaits()) { this.yieldedAt = Date.now(); this.release(true); return; }
      if (left <= 0) { this.release(true); return; }
      this.lingerTimer = setTimeout(tick, Math.min(50, left));
      this.lingerTimer.unref(); // an idle file never keeps the process alive
    };
    this.lingerTimer = setTimeout(tick, Math.min(50, this.opts.lingerMs!));
    this.lingerTimer.unref();
  }

  private stopLingering(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    if (lingering.get(this.key) === this) lingering.delete(this.key);
  }

  private get key(): string { return path.resolve(this.opts.file); }
  private get waitMarker(): string { return `${this.opts.file}.wait`; }

  /** Another process is waiting for the file (its marker is fresh and not ours), unless we let go for one just now. */
  private someoneWaits(): boolean {
    if (Date.now() - this.yieldedAt < YIELD_EVERY_MS + YIELD_PAUSE_MS) return false;
    try {
      const st = fs.statSync(this.waitMarker, { throwIfNoEntry: false });
      if (!st || Date.now() - st.mtimeMs > WAIT_FRESH_MS) return false;
      return fs.readFileSync(this.waitMarker, 'utf8').trim() !== String(process.pid);
    } catch { return false; }
  }

  /** Tells the holder we wait: a marker with our pid, touched at every try. Best effort (the folder may be read-only). */
  private markWaiting(): void {
    if (this.opts.file === ':memory:') return;
    try { fs.writeFileSync(this.waitMarker, String(process.pid)); this.marked = true; } catch { /* the holder lets go on its own, later */ }
  }

  /** Removes our marker once we have the file or stop waiting (another waiter's marker stays). */
  private unmarkWaiting(): void {
    if (!this.marked) return;
    this.marked = false;
    try { if (fs.readFileSync(this.waitMarker, 'utf8').trim() === String(process.pid)) fs.rmSync(this.waitMarker, { force: true }); } catch { /* none */ }
  }

  async hold<T>(fn: () => Promise<T>): Promise<T> {
    this.holders++;
    try {
      await this.open();
      return await fn();
    } finally {
      this.holders--;
      this.release();
    }
  }

  /** Runs fn alone on the connection: DuckDB's one connection runs one statement at a time. */
  private exclusive<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.hold(() => fn(this.conn!)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async query<R extends Row = Row>(sql: string, params?: Params, _opts?: QueryOptions): Promise<QueryResult<R>> {
    return this.exclusive((c) => this.read<R>(c, sql, params));
  }

  private async read<R extends Row>(c: DuckDBConnection, sql: string, params?: Params): Promise<QueryResult<R>> {
    const duck = translated(sql).duck;
    const { values, types } = bind(sql, params);
    try {
      const reader = await c.runAndReadAll(duck, values, types);
      const names = reader.columnNames();
      const columns: Column[] = reader.columnTypes().map((t, k) => ({ name: names[k], type: columnType(t.toString()) }));
      const rows = reader.getRows().map((raw) => {
        const row: Row = {};
        columns.forEach((col, k) => { row[col.name] = normalizeValue(col.type, raw[k]); });
        return row as R;
      });
      return { columns, rows };
    } catch (err) {
      throw classify(err, this.opts.file);
    }
  }

  async execute(sql: string, params?: Params): Promise<{ affectedRows: number | null }> {
    return this.exclusive(async (c) => {
      let affected: number | null = null;
      for (const stmt of statementsOf(sql)) {
        const { values, types } = bind(stmt, params);
        try {
          const result = await c.run(translated(stmt).duck, values, types);
          affected = result.rowsChanged;
        } catch (err) {
          throw classify(err, this.opts.file);
        }
      }
      return { affectedRows: affected };
    });
  }

  async atomic(statements: Statement[], opts: AtomicOptions = {}): Promise<Row[]> {
    return this.exclusive(async (c) => {
      // Ahead of the transaction, each on its own (autocommit): they stay if it rolls back.
      try {
        for (const s of opts.before ?? []) {
          for (const stmt of statementsOf(s.sql)) {
            const { values, types } = bind(stmt, s.params);
            await c.run(translated(stmt).duck, values, types);
          }
        }
      } catch (err) {
        throw classify(err, this.opts.file);
      }
      if (statements.length) await this.transaction(c, statements);
      return opts.after ? (await this.read(c, opts.after.sql, opts.after.params)).rows : [];
    });
  }

  private async transaction(c: DuckDBConnection, statements: Statement[]): Promise<void> {
    await c.run('BEGIN TRANSACTION');
    try {
      for (const s of statements) {
        for (const stmt of statementsOf(s.sql)) {
          const { values, types } = bind(stmt, s.params);
          await c.run(translated(stmt).duck, values, types);
        }
      }
      await c.run('COMMIT');
    } catch (err) {
      await c.run('ROLLBACK').catch(() => undefined); // the connection may already have aborted it
      throw classify(err, this.opts.file);
    }
  }

  /** Bulk append for the seed: one DuckDB appender per table, far faster than INSERTs. */
  async append(table: string, columns: string[], rows: unknown[][]): Promise<void> {
    await this.exclusive(async (c) => {
      const [schema, name] = table.split('.');
      const appender = await c.createAppender(name, schema);
      // Column types read once: asking the appender per value costs more than the append itself.
      const types = columns.map((_, k) => appender.columnType(k).toString());
      try {
        for (const r of rows) {
          for (let k = 0; k < columns.length; k++) {
            const v = r[k];
            if (v === null || v === undefined) appender.appendNull();
            else if (typeof v === 'string') {
              const t = types[k];
              if (t === 'DATE') appender.appendDate(dateValue(daysOf(v)));
              else if (t.startsWith('TIMESTAMP')) appender.appendTimestamp(timestampValue(BigInt(Date.parse(v)) * 1000n));
              else appender.appendVarchar(v);
            } else if (typeof v === 'number') {
              const t = types[k];
              if (t === 'BIGINT') appender.appendBigInt(BigInt(Math.round(v)));
              else if (t === 'INTEGER') appender.appendInteger(Math.round(v));
              else appender.appendDouble(v);
            } else if (typeof v === 'boolean') appender.appendBoolean(v);
            else if (Array.isArray(v)) appender.appendList(v as DuckDBValue[]);
            else throw new TypeError(`cannot append ${typeof v} to ${table}.${columns[k]}`);
          }
          appender.endRow();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    });
  }

  async close(): Promise<void> {
    await this.queue;
    this.holders = 0;
    this.release(true);
  }
}

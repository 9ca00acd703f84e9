/**
 * The production warehouse: BigQuery, through @google-cloud/bigquery.
 *
 * Guardrails on by default: every job carries maximumBytesBilled (an
 * over-budget query fails before it costs anything), labels naming the runbook
 * step, a server-side jobTimeoutMs, and a client deadline that cancels the job.
 * Reads are retried with backoff on transient errors; a write is never run a
 * second time once its job exists (see bigquery-jobs.ts). Rows are normalised
 * by schema to the same shapes as the DuckDB backend (see bigquery-rows.ts).
 */
import type { BigQuery, Job, JobMetadata, Query } from '@google-cloud/bigquery';
import type { Params } from './params.ts';
import { createClient, resolveEndpoint } from './bigquery-client.ts';
import { classifyFailure, isTransient, type FailureContext } from './bigquery-errors.ts';
import { JobFailed, JobRunner, jobNeverCreated, retrying, throwIfFailed, type PollPolicy, type RetryPolicy } from './bigquery-jobs.ts';
import { jobIdFor, jobLabels } from './bigquery-labels.ts';
import { combineStatements, queryParameters } from './bigquery-params.ts';
import { columnsFromSchema, normalizeRow } from './bigquery-rows.ts';
import { splitStatements, tokenize } from './translate.ts';
import type { JobUsage } from './usage.ts';
import {
  WarehouseError, type AtomicOptions, type CanDryRun, type Column, type QueryOptions, type QueryResult, type Row, type Statement, type Warehouse,
} from './types.ts';

export const DEFAULT_MAX_BYTES_BILLED = 10 * 1024 ** 3;
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_WRITE_TIMEOUT_MS = 10 * 60_000;

export interface BigQueryOptions {
  /** Project that runs the jobs and holds the datasets (--project, GOOGLE_CLOUD_PROJECT). */
  project: string;
  /** Job location, e.g. 'US' or 'us-central1' (--location). */
  location?: string;
  /** API root of an emulator or fake (--bq-endpoint); else BIGQUERY_EMULATOR_HOST; else Google. No credentials are used with one. */
  endpoint?: string;
  /** Bytes a single job may bill before BigQuery refuses it (--max-bytes-billed). Default 10 GiB. */
  maxBytesBilled?: number;
  /** Labels on every job, beside script/step from QueryOptions.label: e.g. { run_id, season }. */
  labels?: Record<string, string>;
  /** Deadline for a query when QueryOptions.timeoutMs is not given. Default 60 s. */
  timeoutMs?: number;
  /** Deadline for execute/atomic when QueryOptions.timeoutMs is not given. Default 10 min: a season's DML takes a while. */
  writeTimeoutMs?: number;
  /** Rows per getQueryResults page. Default 10,000. */
  pageSize?: number;
  /** A query returning more rows than this fails instead of filling memory. Default 1,000,000. */
  maxRows?: number;
  /** Backoff for transient errors. Default 5 tries, 500 ms doubling to 16 s. */
  retry?: Partial<RetryPolicy>;
  /** Job status polling. Default every 150 ms for the first 4 s, then doubling to 2 s. */
  poll?: Partial<PollPolicy>;
  /** Told about every finished job, for the run journal. */
  onJob?: (job: JobReport) => void;
}

export interface JobReport {
  jobId: string;
  label?: string;
  statementType?: string;
  bytesProcessed: number;
  bytesBilled: number;
}

/** One call's identity and deadline. */
interface Call {
  what: string;
  label?: string;
  timeoutMs: number;
  deadlineAt: number;
  write: boolean;
}

export class BigQueryWarehouse implements Warehouse, CanDryRun {
  readonly backend = 'bigquery' as const;
  readonly project: string;
  readonly location?: string;
  /** The emulator/fake endpoint in use, if any. */
  readonly endpoint?: string;
  readonly maxBytesBilled: number;
  private readonly client: BigQuery;
  private readonly jobs: JobRunner;
  private readonly retry: RetryPolicy;

  constructor(private readonly opts: BigQueryOptions) {
    if (!opts.project) throw new WarehouseError('FAILED', 'no BigQuery project: pass --project or set GOOGLE_CLOUD_PROJECT');
    this.project = opts.project;
    this.location = opts.location;
    this.endpoint = resolveEndpoint(opts.endpoint);
    this.maxBytesBilled = opts.maxBytesBilled ?? DEFAULT_MAX_BYTES_BILLED;
    this.client = createClient({ project: this.project, location: this.location, endpoint: this.endpoint });
    this.retry = { attempts: 5, baseDelayMs: 500, maxDelayMs: 16_000, ...opts.retry };
    this.jobs = new JobRunner(this.client, this.location, this.retry, { firstMs: 150, maxMs: 2_000, steadyMs: 4_000, ...opts.poll });
  }

  async query<R extends Row = Row>(sql: string, params?: Params, opts: QueryOptions = {}): Promise<QueryResult<R>> {
    const call = this.call(opts, false);
    const jobIds: string[] = [];
    try {
      // A job that failed on BigQuery's side (backendError…) changed nothing: a read may run again as a new job.
      return await retrying(async () => {
        const config = this.jobConfig(sql, params, call);
        jobIds.push(config.jobId);
        const job = await this.jobs.start(config, call.deadlineAt);
        const meta = await this.jobs.wait(job, call.deadlineAt, (e) => this.timeout(call, job, e));
        throwIfFailed(meta);
        this.report(meta, call);
        // jobIds lists every job tried, in order; the last one produced the rows.
        return { ...(await this.readRows<R>(job, call)), stats: { bytesProcessed: bytesOf(meta), jobIds: [...jobIds] } };
      }, this.retry, call.deadlineAt, (err) => err instanceof JobFailed && isTransient(err));
    } catch (err) {
      throw classifyFailure(err, this.context(call, jobIds.at(-1)));
    }
  }

  /**
   * Mutating statements from this process run one at a time. BigQuery allows two
   * concurrent mutating DML statements per table (then queues 20); the five
   * parallel Phase 3 jobs all write the run history, so without this they would
   * queue on BigQuery's side and time out. One in flight per process keeps two
   * terminals running backfills (as the original runbook does) within the limit.
   */
  async execute(sql: string, params?: Params, opts: QueryOptions = {}): Promise<{ affectedRows: number | null }> {
    const { affectedRows } = await this.inTurn(() => this.executeNow(sql, params, opts, false));
    return { affectedRows };
  }

  private writes: Promise<unknown> = Promise.resolve();

  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const turn = this.writes.then(fn);
    this.writes = turn.catch(() => undefined);
    return turn;
  }

  /** `withRows`: the script ends with a read; its rows, or [] when they could not be fetched (the write stands). */
  private async executeNow(sql: string, params: Params | undefined, opts: QueryOptions, withRows: boolean): Promise<{ affectedRows: number | null; rows: Row[] }> {
    const call = this.call(opts, true);
    const config = this.jobConfig(sql, params, call);
    let meta: JobMetadata;
    let job: Job;
    try {
      job = await this.jobs.start(config, call.deadlineAt);
      meta = await this.jobs.wait(job, call.deadlineAt, (e) => this.timeout(call, job, e));
      throwIfFailed(meta); // never retried: the statement (or part of a script) may have applied
      this.report(meta, call);
    } catch (err) {
      throw classifyFailure(err, { ...this.context(call, config.jobId), mayHaveApplied: !jobNeverCreated(err) });
    }
    const affected = meta.statistics?.query?.numDmlAffectedRows;
    // The job is done and committed: failing to download its last read must not fail the write.
    const rows = withRows ? await this.readRows(job, call).then((r) => r.rows, () => []) : [];
    return { affectedRows: affected == null ? null : Number(affected), rows };
  }

  /**
   * One script job, so the statements commit together: BigQuery rolls the
   * transaction back when any of them fails. Parameters are bound once for the
   * whole script: a name two statements bind differently is renamed in one of them.
   * BigQuery allows DML (and temp tables) inside a transaction, not DDL on permanent tables.
   */
  async atomic(statements: Statement[], opts: AtomicOptions = {}): Promise<Row[]> {
    const before = opts.before ?? [];
    const after = opts.after ? [opts.after] : [];
    if (statements.length + before.length + after.length === 0) return [];
    const { sqls, params } = combineStatements([...before, ...statements, ...after]);
    const ahead = sqls.slice(0, before.length).map((sql) => ({ sql }));
    const body = sqls.slice(before.length, before.length + statements.length).map((sql) => ({ sql }));
    const read = sqls.slice(before.length + statements.length).map((sql) => ({ sql }));
    const script = statements.length ? transactionScript(body, ahead, read) : plainScript([...ahead, ...read]);
    return (await this.inTurn(() => this.executeNow(script, params, opts, after.length > 0))).rows;
  }

  /** Bytes the query would scan, from a dry run: nothing runs and nothing is billed. */
  async dryRun(sql: string, params?: Params): Promise<{ bytesProcessed: number }> {
    const call = this.call({ label: 'dry-run' }, false);
    const config = { ...this.jobConfig(sql, params, call), dryRun: true };
    try {
      const job = await this.jobs.start(config, call.deadlineAt);
      return { bytesProcessed: bytesOf(job.metadata as JobMetadata) };
    } catch (err) {
      throw classifyFailure(err, this.context(call));
    }
  }

  /** BigQuery holds nothing open between calls. */
  async hold<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  /** Nothing to release: the client's idle keep-alive sockets do not keep the process alive. */
  async close(): Promise<void> {}

  private call(opts: QueryOptions, write: boolean): Call {
    const timeoutMs = opts.timeoutMs ?? (write ? this.opts.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS : this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    return { what: opts.label ?? (write ? 'statement' : 'query'), label: opts.label, timeoutMs, deadlineAt: Date.now() + timeoutMs, write };
  }

  private jobConfig(sql: string, params: Params | undefined, call: Call): Query & { jobId: string } {
    const bound = queryParameters(params);
    return {
      query: sql,
      useLegacySql: false,
      ...(bound.length ? { parameterMode: 'NAMED', queryParameters: bound as NonNullable<Query['queryParameters']> } : {}),
      location: this.location,
      jobId: jobIdFor(call.label),
      labels: jobLabels(call.label, this.opts.labels),
      maximumBytesBilled: String(this.maxBytesBilled),
      // Backstop for when this process dies and cannot cancel: BigQuery stops the job itself.
      jobTimeoutMs: call.timeoutMs + 5_000,
    };
  }

  private async readRows<R extends Row>(job: Job, call: Call): Promise<{ columns: Column[]; rows: R[] }> {
    const maxRows = this.opts.maxRows ?? 1_000_000;
    let columns: Column[] | null = null;
    const rows: R[] = [];
    const tooSlow = () => new WarehouseError('TIMEOUT', `${call.what} finished but its rows did not download within ${seconds(call.timeoutMs)}`);
    for await (const page of this.jobs.pages(job, this.opts.pageSize ?? 10_000, call.deadlineAt, tooSlow)) {
      columns ??= columnsFromSchema(page.schema?.fields ?? []);
      if (Number(page.totalRows ?? 0) > maxRows || rows.length + (page.rows?.length ?? 0) > maxRows) {
        throw new WarehouseError('FAILED', `${call.what} returned more than ${maxRows} rows; aggregate it or add a LIMIT`);
      }
      for (const raw of page.rows ?? []) rows.push(normalizeRow(columns, raw) as R);
    }
    return { columns: columns ?? [], rows };
  }

  private timeout(call: Call, job: Job, cancelError: unknown): WarehouseError {
    const cancelled = cancelError === undefined ? 'was cancelled' : `could not be cancelled (${String((cancelError as Error).message ?? cancelError).split('\n')[0]}); cancel it with "bq cancel ${job.id}"`;
    const effect = call.write ? '; a write may still have applied, so check the table before running it again' : '';
    return new WarehouseError('TIMEOUT', `${call.what} did not finish within ${seconds(call.timeoutMs)}: job ${job.id} ${cancelled}${effect}`);
  }

  private context(call: Call, jobId?: string): FailureContext {
    return { what: call.what, project: this.project, maxBytesBilled: this.maxBytesBilled, jobId };
  }

  /** The jobs this process ran and what they processed and billed (a summary's last line). */
  readonly usage: JobUsage = { jobs: 0, bytesProcessed: 0, bytesBilled: 0 };

  private report(meta: JobMetadata, call: Call): void {
    this.usage.jobs++;
    this.usage.bytesProcessed += bytesOf(meta);
    this.usage.bytesBilled += Number(meta.statistics?.query?.totalBytesBilled ?? 0);
    if (!this.opts.onJob) return;
    this.opts.onJob({
      jobId: meta.jobReference?.jobId ?? '',
      label: call.label,
      statementType: meta.statistics?.query?.statementType ?? undefined,
      bytesProcessed: bytesOf(meta),
      bytesBilled: Number(meta.statistics?.query?.totalBytesBilled ?? 0),
    });
  }
}

/**
 * `BEGIN TRANSACTION; …; COMMIT TRANSACTION;`, each statement terminated where a
 * trailing `--` comment cannot swallow its `;`. Statements `before` it run first,
 * each committing on its own; `after` it, a read whose rows are the job's result.
 */
export function transactionScript(statements: readonly Statement[], before: readonly Statement[] = [], after: readonly Statement[] = []): string {
  return [...terminated(before), 'BEGIN TRANSACTION;', ...terminated(statements), 'COMMIT TRANSACTION;', ...terminated(after)].join('\n');
}

/** Statements as one script without a transaction: each commits on its own. */
function plainScript(statements: readonly Statement[]): string {
  return terminated(statements).join('\n');
}

function terminated(statements: readonly Statement[]): string[] {
  return statements.flatMap((s) => splitStatements(s.sql)).map((stmt) => {
    const last = tokenize(stmt).at(-1);
    return last?.kind === 'comment' && !last.text.startsWith('/*') ? `${stmt}\n;` : `${stmt};`;
  });
}

function bytesOf(meta: JobMetadata): number {
  return Number(meta.statistics?.totalBytesProcessed ?? meta.statistics?.query?.totalBytesProcessed ?? 0);
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

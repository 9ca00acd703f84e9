/**
 * A local stand-in for the BigQuery REST API v2: enough of it for the real
 * @google-cloud/bigquery client to insert query jobs, poll them, page their
 * results and cancel them. It runs the SQL for real: translated with
 * lib/warehouse/translate.ts and executed on an in-memory DuckDB, with the REST
 * query parameters bound by their declared types. Results go back in REST's own
 * encodings (INT64 as a string, TIMESTAMP as microseconds or float seconds,
 * arrays as [{v}], NULL as null), so the client's decoding is exercised too.
 *
 * Tests can make requests or jobs fail (faults below) and read every request
 * it received, to assert what was retried, cancelled or labelled.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BIGINT, BOOLEAN, DATE, DOUBLE, LIST, TIMESTAMP, VARCHAR,
  DuckDBInstance, dateValue, listValue, timestampValue,
  type DuckDBConnection, type DuckDBType, type DuckDBValue,
} from '@duckdb/node-api';
import { dateFromDays } from '../../lib/warehouse/normalize.ts';
import { splitStatements, tokenize, translate } from '../../lib/warehouse/translate.ts';
import { PHASE2_TABLES, RUN_HISTORY } from '../../lib/seed/schema.ts';
import { PHASE3_PROCESSORS } from '../../lib/jobs/phase3/index.ts';
import { PHASE4_TABLES } from '../../lib/jobs/phase4/tables.ts';

export type Op = 'jobs.insert' | 'jobs.get' | 'jobs.getQueryResults' | 'jobs.cancel' | 'jobs.query' | 'unknown';

export interface RecordedRequest {
  op: Op;
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  authorization?: string;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** The next `times` requests (of `op`, or any) answer with this error instead. */
export interface RequestFault {
  op?: Op;
  status: number;
  reason: string;
  message?: string;
  times?: number;
  /** jobs.insert only: create and run the job first, then answer with the error (the reply was lost). */
  afterCreate?: boolean;
  /** Only requests about a job whose SQL matches (jobs.insert: the SQL sent). */
  sql?: RegExp;
}

/** What happens to the next inserted job: fail without running, never finish, or finish but look RUNNING for a few polls. */
export type JobFault = { fail: { reason: string; message?: string }; sql?: RegExp } | { hang: true } | { runningPolls: number };

/** The next script job with a statement matching `statement` fails AT that statement, after the ones before it ran. */
interface StatementFault { statement: RegExp; reason: string; message: string }

interface RestParam {
  name?: string;
  parameterType: { type: string; arrayType?: { type: string } };
  parameterValue?: { value?: unknown; arrayValues?: { value?: unknown }[] };
}

interface RestField { name: string; type: string; mode: 'NULLABLE' | 'REPEATED' }

interface ErrorResult { reason: string; message: string }

interface FakeJob {
  resource: any;
  result?: { fields: RestField[]; rows: DuckDBValue[][] };
  /** jobs.get answers RUNNING this many more times, though the job has finished. */
  runningPolls: number;
  /** jobs.get answers RUNNING until then (the latency setting). */
  readyAt?: number;
}

class RestError extends Error {
  constructor(readonly status: number, readonly reason: string, message: string) { super(message); }
}

const STATUS_OF_REASON: Record<string, number> = {
  notFound: 404, invalidQuery: 400, invalid: 400, bytesBilledLimitExceeded: 400, stopped: 400,
  accessDenied: 403, rateLimitExceeded: 403, backendError: 503, internalError: 500, duplicate: 409,
};

const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** The minimum BigQuery bills for a query that reads a table. */
const MIN_BILLED_BYTES = 10 * 1024 * 1024;

export class FakeBigQuery {
  readonly requests: RecordedRequest[] = [];
  readonly jobs = new Map<string, FakeJob>();
  endpoint = '';
  private readonly requestFaults: RequestFault[] = [];
  private readonly jobFaults: JobFault[] = [];
  private readonly statementFaults: StatementFault[] = [];
  /** Partition columns CREATE TABLE statements declared, by "dataset.table" lowercased (null: unpartitioned). */
  private readonly partitioning = new Map<string, string | null>();
  /** Every job looks RUNNING for this long after it ran (BigQuery's typical per-job latency); dry runs answer at once. */
  latencyMs = 0;
  /** Jobs run one at a time on the one DuckDB connection, as the DuckDB backend does. */
  private queue: Promise<unknown> = Promise.resolve();
  private server!: http.Server;

  private constructor(readonly project: string, private readonly instance: DuckDBInstance, private readonly conn: DuckDBConnection) {}

  /** `data`: a DuckDB file to serve (e.g. a copy of the seeded warehouse) instead of an empty project. */
  static async start(project = 'nba-props-platform', opts: { data?: string } = {}): Promise<FakeBigQuery> {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    // A catalog named after the project, so `project.dataset` (CREATE SCHEMA) and `dataset.table` both resolve.
    const catalog = `"${project.replaceAll('"', '""')}"`;
    await conn.run(`ATTACH '${(opts.data ?? ':memory:').replaceAll("'", "''")}' AS ${catalog}`);
    await conn.run(`USE ${catalog}`);
    const fake = new FakeBigQuery(project, instance, conn);
    fake.server = http.createServer((req, res) => { void fake.handle(req, res); });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.endpoint = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  failRequests(fault: RequestFault): void { this.requestFaults.push({ times: 1, ...fault }); }
  /** The next job (whose SQL matches `sql`, if given) fails without running. */
  failNextJob(reason: string, message = `fake ${reason}`, sql?: RegExp): void { this.jobFaults.push({ fail: { reason, message }, sql }); }
  hangNextJob(): void { this.jobFaults.push({ hang: true }); }
  slowNextJob(runningPolls: number): void { this.jobFaults.push({ runningPolls }); }
  failAtStatement(statement: RegExp, message = 'fake failure injected mid-script', reason = 'invalidQuery'): void {
    this.statementFaults.push({ statement, reason, message });
  }

  requestsFor(op: Op): RecordedRequest[] { return this.requests.filter((r) => r.op === op); }

  /** Forget requests and pending faults between tests (tables stay). */
  reset(): void {
    this.requests.length = 0;
    this.requestFaults.length = 0;
    this.jobFaults.length = 0;
    this.statementFaults.length = 0;
    this.latencyMs = 0;
  }

  /** Closes every open connection, so the client's next request opens a new one. */
  dropConnections(): void { this.server.closeAllConnections(); }

  /** Reads the fake's own database directly, bypassing the API (for assertions). */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    return this.serially(async () => (await this.conn.runAndReadAll(translate(sql))).getRowObjectsJson());
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.queue;
    this.conn.closeSync();
    this.instance.closeSync();
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/bigquery\/v2/, '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : undefined;
    const [op, jobId] = route(req.method ?? 'GET', path);
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ op, method: req.method ?? 'GET', path, query, body, authorization: req.headers.authorization, at: Date.now() });
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(body));
    };
    try {
      const fault = this.takeFault(op, op === 'jobs.insert' ? String(body?.configuration?.query?.query ?? '') : this.jobs.get(jobId ?? '')?.resource.configuration?.query?.query);
      if (fault && !fault.afterCreate) throw new RestError(fault.status, fault.reason, fault.message ?? `fake ${fault.reason}`);
      const answer = await this.dispatch(op, jobId, query, body ?? {});
      if (fault) throw new RestError(fault.status, fault.reason, fault.message ?? `fake ${fault.reason}`);
      reply(200, answer);
    } catch (err) {
      const e = err instanceof RestError ? err : new RestError(500, 'internalError', String((err as Error).message ?? err));
      reply(e.status, { error: { code: e.status, message: e.message, errors: [{ reason: e.reason, message: e.message, domain: 'global' }], status: http.STATUS_CODES[e.status] } });
    }
  }

  private takeFault(op: Op, sql: string | undefined): RequestFault | undefined {
    const k = this.requestFaults.findIndex((f) => (f.op === undefined || f.op === op) && (!f.sql || f.sql.test(sql ?? '')));
    if (k < 0) return undefined;
    const fault = this.requestFaults[k];
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.requestFaults.splice(k, 1);
    return fault.afterCreate && op !== 'jobs.insert' ? { ...fault, afterCreate: false } : fault;
  }

  private async dispatch(op: Op, jobId: string | undefined, query: Record<string, string>, body: any): Promise<unknown> {
    switch (op) {
      case 'jobs.insert': return this.insert(body);
      case 'jobs.get': return this.poll(this.job(jobId!));
      case 'jobs.getQueryResults': return this.results(this.job(jobId!), query);
      case 'jobs.cancel': return this.cancel(this.job(jobId!));
      case 'jobs.query': throw new RestError(501, 'notImplemented', 'the fake serves query jobs (jobs.insert), not jobs.query');
      default: throw new RestError(404, 'notFound', 'no such API method in the fake');
    }
  }

  private job(jobId: string): FakeJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new RestError(404, 'notFound', `Not found: Job ${this.project}:${jobId}`);
    return job;
  }

  // ---- jobs ---------------------------------------------------------------------------------

  private async insert(body: any): Promise<unknown> {
    const ref = { projectId: this.project, jobId: body.jobReference?.jobId ?? `job_${Date.now()}`, location: body.jobReference?.location ?? 'US' };
    const config = body.configuration ?? {};
    const sql: string = config.query?.query ?? '';
    if (config.dryRun) return this.dryRun(ref, config, sql);
    if (this.jobs.has(ref.jobId)) throw new RestError(409, 'duplicate', `Already Exists: Job ${this.project}:${ref.location}.${ref.jobId}`);
    const job: FakeJob = {
      resource: {
        kind: 'bigquery#job', id: `${this.project}:${ref.location}.${ref.jobId}`, jobReference: ref,
        configuration: { ...config, jobType: 'QUERY' },
        status: { state: 'RUNNING' },
        statistics: { creationTime: String(Date.now()), startTime: String(Date.now()) },
      },
      runningPolls: 0,
    };
    this.jobs.set(ref.jobId, job);
    const at = this.jobFaults.findIndex((f) => !('fail' in f) || !f.sql || f.sql.test(sql));
    const fault = at >= 0 ? this.jobFaults.splice(at, 1)[0] : undefined;
    if (fault && 'fail' in fault) finish(job, { reason: fault.fail.reason, message: fault.fail.message ?? fault.fail.reason });
    if (fault && 'hang' in fault) return job.resource; // stays RUNNING until cancelled
    if (!fault || 'runningPolls' in fault) await this.serially(() => this.run(job, sql, config.query));
    if (fault && 'runningPolls' in fault) job.runningPolls = fault.runningPolls;
    // Held RUNNING for the latency setting after it ran, as a BigQuery job takes a while whatever its size.
    if (this.latencyMs > 0) job.readyAt = Date.now() + this.latencyMs;
    return this.view(job);
  }

  /** The job as a client sees it: RUNNING while it is made to look slow. */
  private view(job: FakeJob): unknown {
    const early = Date.now() < (job.readyAt ?? 0);
    return job.runningPolls > 0 || early ? { ...job.resource, status: { state: 'RUNNING' } } : job.resource;
  }

  private poll(job: FakeJob): unknown {
    const seen = this.view(job);
    if (job.runningPolls > 0) job.runningPolls--;
    return seen;
  }

  private async dryRun(ref: object, config: any, sql: string): Promise<unknown> {
    const bytes = await this.serially(async () => {
      const statements = splitStatements(sql);
      // Validate a single statement without running it; a script's later statements may need its earlier ones.
      if (statements.length === 1) await this.conn.prepare(translate(statements[0])).catch((e) => { throw restErrorOf(e); });
      return this.estimateBytes(sql, config.query?.queryParameters ?? []);
    });
    return {
      kind: 'bigquery#job', jobReference: ref, configuration: { ...config, jobType: 'QUERY' }, status: { state: 'DONE' },
      statistics: { totalBytesProcessed: String(bytes), query: { totalBytesProcessed: String(bytes), totalBytesBilled: '0' } },
    };
  }

  private async run(job: FakeJob, sql: string, q: any): Promise<void> {
    const processed = await this.estimateBytes(sql, q?.queryParameters ?? []);
    const billed = processed > 0 ? Math.max(processed, MIN_BILLED_BYTES) : 0;
    const limit = q?.maximumBytesBilled ? Number(q.maximumBytesBilled) : Infinity;
    if (billed > limit) {
      return finish(job, { reason: 'bytesBilledLimitExceeded', message: `Query exceeded limit for bytes billed: ${limit}. ${billed} or higher required.` });
    }
    const statements = splitStatements(sql);
    let inTransaction = false;
    let affected: number | undefined;
    const k = statements.length > 1 ? this.statementFaults.findIndex((f) => statements.some((x) => f.statement.test(x))) : -1;
    const injected = k >= 0 ? this.statementFaults.splice(k, 1)[0] : undefined;
    try {
      for (const stmt of statements) {
        if (injected?.statement.test(stmt)) throw new RestError(STATUS_OF_REASON[injected.reason] ?? 400, injected.reason, injected.message);
        const keyword = /^\s*(\w+)/.exec(stmt)?.[1]?.toUpperCase() ?? '';
        const { values, types } = bind(stmt, q?.queryParameters ?? []);
        const reader = await this.conn.runAndReadAll(translate(stmt), values, types);
        if (keyword === 'CREATE') this.learnPartitioning(stmt);
        if (keyword === 'BEGIN') inTransaction = true;
        if (keyword === 'COMMIT' || keyword === 'ROLLBACK') inTransaction = false;
        if (keyword === 'SELECT' || keyword === 'WITH') {
          const names = reader.columnNames();
          job.result = { fields: reader.columnTypes().map((t, k) => restField(names[k], t.toString())), rows: reader.getRows() };
        } else {
          affected = reader.rowsChanged;
        }
      }
    } catch (err) {
      // BigQuery rolls a failed transaction back; DuckDB has aborted it but waits for the ROLLBACK.
      if (inTransaction) await this.conn.run('ROLLBACK');
      const e = restErrorOf(err);
      return finish(job, { reason: e.reason, message: e.message });
    }
    const single = statements.length === 1;
    const statementType = single ? (/^\s*(\w+)/.exec(statements[0])?.[1] ?? '').toUpperCase() : 'SCRIPT';
    job.resource.statistics.totalBytesProcessed = String(processed);
    job.resource.statistics.query = {
      statementType, totalBytesProcessed: String(processed), totalBytesBilled: String(billed),
      ...(single && affected !== undefined && DML.has(statementType) ? { numDmlAffectedRows: String(affected) } : {}),
    };
    finish(job);
  }

  private results(job: FakeJob, query: Record<string, string>): unknown {
    const base = { kind: 'bigquery#getQueryResultsResponse', jobReference: job.resource.jobReference };
    if (job.resource.status.state !== 'DONE' || Date.now() < (job.readyAt ?? 0)) return { ...base, jobComplete: false };
    const failure: ErrorResult | undefined = job.resource.status.errorResult;
    if (failure) throw new RestError(STATUS_OF_REASON[failure.reason] ?? 400, failure.reason, failure.message);
    if (!job.result) return { ...base, jobComplete: true, totalRows: '0', numDmlAffectedRows: job.resource.statistics.query?.numDmlAffectedRows };
    const { fields, rows } = job.result;
    const start = query.pageToken ? Number(query.pageToken) : Number(query.startIndex ?? 0);
    const end = Math.min(rows.length, start + Number(query.maxResults ?? 100_000));
    const micros = query['formatOptions.useInt64Timestamp'] === 'true';
    return {
      ...base, jobComplete: true, cacheHit: false,
      schema: { fields },
      totalRows: String(rows.length),
      totalBytesProcessed: job.resource.statistics.totalBytesProcessed,
      ...(end < rows.length ? { pageToken: String(end) } : {}),
      ...(end > start ? { rows: rows.slice(start, end).map((r) => ({ f: r.map((v, k) => restCell(fields[k], v, micros)) })) } : {}),
    };
  }

  private cancel(job: FakeJob): unknown {
    if (job.resource.status.state !== 'DONE') finish(job, { reason: 'stopped', message: 'Job execution was cancelled: User requested cancellation' });
    return { kind: 'bigquery#jobCancelResponse', job: job.resource };
  }

  /**
   * What BigQuery would bill for reading: each statement of the job costs, per table
   * it reads, 8 bytes a cell of the columns it reads, over the rows of the partitions
   * its constant filters on the partition column admit (a script: its statements' sum).
   * The reads come from DuckDB's plan (EXPLAIN), where constant filters sit on the
   * scans, as BigQuery prunes with constant expressions only. See statementBytes.
   */
  private async estimateBytes(sql: string, params: RestParam[] = []): Promise<number> {
    const estimate: Estimate = { rows: new Map<string, number>() };
    let total = 0;
    for (const stmt of splitStatements(sql)) {
      total += await this.statementBytes(stmt, params, estimate).catch(() => this.wholeTablesBytes(referencedTables(stmt)));
    }
    return total;
  }

  /**
   * One statement, read from its plan: every scan reads the columns it projects
   * and those its filters name (a DELETE, UPDATE or MERGE: every column of its
   * target, as BigQuery bills DML), in the partitions admitted by its filters on the
   * table's partition column that compare it with constants (none: every
   * partition). A column two scans read is billed once, over the partitions
   * either admits. A statement DuckDB cannot plan here (DDL, BEGIN, a table a
   * script creates before this statement) falls back to the old estimate: every
   * table the SQL names, whole.
   */
  private async statementBytes(stmt: string, params: RestParam[], estimate: Estimate): Promise<number> {
    const named = referencedTables(stmt);
    if (named.size === 0) return 0;
    let plan: PlanNode[];
    try {
      const { values, types } = bind(stmt, params);
      const reader = await this.conn.runAndReadAll(`EXPLAIN (FORMAT JSON) ${translate(stmt)}`, values, types);
      plan = JSON.parse(String(reader.getRows()[0]?.at(-1)));
      if (!Array.isArray(plan)) throw new Error('no plan');
    } catch {
      return this.wholeTablesBytes(named);
    }
    estimate.columns ??= await this.tableColumns();
    const target = dmlTarget(stmt);
    // table path (as the plan names it) → column → the partition conditions of the scans reading it ('' = every partition)
    const reads = new Map<string, Map<string, Set<string>>>();
    for (const scan of plan.flatMap((n) => planScans(n))) {
      const parts = scan.path;
      const key = parts.slice(-2).join('.').toLowerCase();
      const columns = estimate.columns.get(key);
      if (!columns) continue;
      const filters = scan.filters.join(' AND ');
      const mentioned = filters.replace(/'(?:[^']|'')*'/g, "''");
      const read = key === target ? columns : columns.filter((c) =>
        scan.projections.some((x) => x.toLowerCase() === c.toLowerCase()) || mentionsColumn(mentioned, c));
      const partitionColumn = this.partitionColumn(parts.at(-2)!, parts.at(-1)!);
      const condition = partitionColumn ? partitionCondition(scan.filters, partitionColumn) : '';
      const from = parts.map((x) => `"${x.replaceAll('"', '""')}"`).join('.');
      const byColumn = reads.get(from) ?? new Map<string, Set<string>>();
      for (const c of read) byColumn.set(c, (byColumn.get(c) ?? new Set()).add(condition));
      reads.set(from, byColumn);
    }
    let total = 0;
    for (const [table, byColumn] of reads) {
      // Columns read over the same partitions share one row count.
      const groups = new Map<string, number>();
      for (const conditions of byColumn.values()) {
        const where = conditions.has('') ? '' : [...conditions].sort().map((c) => `(${c})`).join(' OR ');
        groups.set(where, (groups.get(where) ?? 0) + 1);
      }
      for (const [where, columns] of groups) total += (await this.rowsIn(table, where, estimate)) * columns * CELL_BYTES;
    }
    return total;
  }

  /** Rows of a table (its quoted path) where `where` holds (empty: all of them). */
  private async rowsIn(from: string, where: string, estimate: Estimate): Promise<number> {
    const key = `${from}\n${where}`;
    const known = estimate.rows.get(key);
    if (known !== undefined) return known;
    let rows: number;
    try {
      rows = Number((await this.conn.runAndReadAll(`SELECT count(*) FROM ${from}${where ? ` WHERE ${where}` : ''}`)).getRows()[0][0]);
    } catch (err) {
      // A filter that does not parse back as SQL: count every partition, as BigQuery does without a bound.
      if (!where) throw err;
      rows = await this.rowsIn(from, '', estimate);
    }
    estimate.rows.set(key, rows);
    return rows;
  }

  /** The old estimate, for SQL without a plan: 8 bytes a cell of every table the SQL names, whole. */
  private async wholeTablesBytes(named: Set<string>): Promise<number> {
    const reader = await this.conn.runAndReadAll(
      'SELECT schema_name, table_name, estimated_size * column_count * 8 AS bytes FROM duckdb_tables() WHERE database_name = current_database()');
    let total = 0;
    for (const [schema, table, bytes] of reader.getRows()) {
      if (named.has(`${schema}.${table}`.toLowerCase())) total += Number(bytes);
    }
    return total;
  }

  /** Every table's columns, by "dataset.table" lowercased. */
  private async tableColumns(): Promise<Map<string, string[]>> {
    const reader = await this.conn.runAndReadAll(
      'SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() ORDER BY schema_name, table_name, column_index');
    const out = new Map<string, string[]>();
    for (const [schema, table, column] of reader.getRows()) {
      const key = `${schema}.${table}`.toLowerCase();
      out.set(key, [...(out.get(key) ?? []), String(column)]);
    }
    return out;
  }

  /**
   * The column a table is partitioned by: as its CREATE TABLE here said, else as
   * the seed schema declares it (also in a sandbox's `<dataset><suffix>`, and for
   * tables served from a data file); null for an unpartitioned table.
   */
  private partitionColumn(dataset: string, table: string): string | null {
    const learned = this.partitioning.get(`${dataset}.${table}`.toLowerCase());
    if (learned !== undefined) return learned;
    const def = SEED_PARTITIONS.get(table.toLowerCase());
    return def && dataset.toLowerCase().startsWith(def.dataset) ? def.column : null;
  }

  /** Remembers a CREATE TABLE's PARTITION BY (the translation drops it before DuckDB sees it). */
  private learnPartitioning(stmt: string): void {
    const created = createdTable(stmt);
    if (created) this.partitioning.set(created.table, created.partitionBy);
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function finish(job: FakeJob, error?: ErrorResult): void {
  job.resource.status = error ? { state: 'DONE', errorResult: error, errors: [error] } : { state: 'DONE' };
  job.resource.statistics.endTime = String(Date.now());
}

function route(method: string, path: string): [Op, string?] {
  let m: RegExpExecArray | null;
  if (method === 'POST' && /^\/projects\/[^/]+\/jobs$/.test(path)) return ['jobs.insert'];
  if (method === 'GET' && (m = /^\/projects\/[^/]+\/jobs\/([^/]+)$/.exec(path))) return ['jobs.get', decodeURIComponent(m[1])];
  if (method === 'POST' && (m = /^\/projects\/[^/]+\/jobs\/([^/]+)\/cancel$/.exec(path))) return ['jobs.cancel', decodeURIComponent(m[1])];
  if (method === 'GET' && (m = /^\/projects\/[^/]+\/queries\/([^/]+)$/.exec(path))) return ['jobs.getQueryResults', decodeURIComponent(m[1])];
  if (method === 'POST' && /^\/projects\/[^/]+\/queries$/.test(path)) return ['jobs.query'];
  return ['unknown'];
}

/** A DuckDB failure as BigQuery would report it. */
function restErrorOf(err: unknown): RestError {
  if (err instanceof RestError) return err;
  const msg = String((err as Error).message ?? err).split('\n')[0];
  if (/does not exist/i.test(msg)) return new RestError(404, 'notFound', `Not found: ${msg}`);
  return new RestError(400, 'invalidQuery', msg);
}

// ---- bytes: what a statement reads, from DuckDB's plan ------------------------------------------

/** The estimate's cell size: BigQuery's size of INT64, FLOAT64, DATE and TIMESTAMP, for every type alike. */
const CELL_BYTES = 8;

/** One bytes estimate's lookups: every table's columns (read once a statement reads a table), and row counts already taken. */
interface Estimate { columns?: Map<string, string[]>; rows: Map<string, number> }

interface PlanNode {
  name?: string;
  extra_info?: { Table?: string; Projections?: string | string[]; Filters?: string | string[]; 'Join Type'?: string; Conditions?: string | string[] };
  children?: PlanNode[];
}

interface PlanScan { path: string[]; projections: string[]; filters: string[] }

/** The seed schema's partition columns, by table name (a table's dataset may carry a sandbox suffix). */
const SEED_PARTITIONS = new Map(
  [...PHASE2_TABLES, RUN_HISTORY, ...PHASE3_PROCESSORS.map((p) => p.output), ...PHASE4_TABLES].map((t) => {
    const [dataset, table] = t.name.toLowerCase().split('.');
    return [table, { dataset, column: t.dateColumn }] as const;
  }));

const list = (v: string | string[] | undefined) => ([] as string[]).concat(v ?? []).flatMap((x) => x.split('\n')).map((x) => x.trim()).filter(Boolean);

/**
 * Every table scan in a DuckDB plan (EXPLAIN (FORMAT JSON)): the table, the
 * columns it outputs and its pushed-down filters. `x IN UNNEST(@dates)` is
 * planned as a semi join with the array's elements, not as a filter: BigQuery
 * prunes by it (the array is a constant), so it joins the filters of the scan
 * under the join's other side as `x IN (…)` — through other semi joins and
 * filters, which drop rows but rename nothing.
 */
function planScans(node: PlanNode, out: PlanScan[] = [], inLists: string[] = []): PlanScan[] {
  const info = node.extra_info;
  if (info?.Table) {
    // `catalog.schema.table`, a part double-quoted where it needs it ("nba-props-platform".nba_raw.x).
    const path = [...info.Table.matchAll(/"((?:[^"]|"")*)"|[^.]+/g)].map((m) => (m[1] !== undefined ? m[1].replaceAll('""', '"') : m[0]));
    out.push({ path, projections: list(info.Projections), filters: [...list(info.Filters), ...inLists] });
  }
  const children = node.children ?? [];
  if (node.name === 'FILTER') {
    for (const child of children) planScans(child, out, inLists);
    return out;
  }
  if (!/SEMI/.test(info?.['Join Type'] ?? '') || children.length !== 2) {
    for (const child of children) planScans(child, out);
    return out;
  }
  // A semi join keeps rows of one side: a small table's may be the second child (RIGHT_SEMI, `#0 = x`).
  const arrayOf = (c: PlanNode) => /^UNNEST\(\[((?:'[^']*'::DATE(?:, )?)+)\]\)$/.exec(list(c.extra_info?.Projections).join(' '))?.[1];
  const array = children.find((c) => arrayOf(c) !== undefined);
  const kept = array ? children.find((c) => c !== array)! : (/RIGHT/.test(info!['Join Type']!) ? children[1] : children[0]);
  const on = /^(?:(\w+) = #0|#0 = (\w+))$/.exec(list(info?.Conditions).join(' AND '));
  const inList = array && on ? [`${on[1] ?? on[2]} IN (${arrayOf(array)})`] : [];
  for (const child of children) planScans(child, out, child === kept ? [...inLists, ...inList] : []);
  return out;
}

/** Whether a filter (its string literals blanked) names the column. */
function mentionsColumn(filters: string, column: string): boolean {
  const name = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w"])"?${name}"?(?![\\w"])`, 'i').test(filters);
}

/** Splits a filter at its top-level ANDs (outside parentheses and string literals). */
function conjuncts(filter: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < filter.length; i++) {
    const ch = filter[i];
    if (ch === "'") { i = filter.indexOf("'", i + 1); if (i < 0) break; continue; }
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && /^ AND /i.test(filter.slice(i, i + 5))) { out.push(filter.slice(start, i)); start = i + 5; i += 4; }
  }
  out.push(filter.slice(start));
  return out.map((x) => x.trim()).filter(Boolean);
}

/**
 * The scan's filters that prune partitions, as one SQL condition ('' when none
 * does): comparisons and IN lists of the partition column with constants. Any
 * other filter (on another column, or an OR) leaves every partition in.
 */
function partitionCondition(filters: string[], column: string): string {
  const col = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const literal = `'[^']*'(?:::[A-Z]+(?: WITH TIME ZONE)?)?`;
  const compare = new RegExp(`^"?${col}"?\\s*(?:=|<|<=|>|>=)\\s*${literal}$`, 'i');
  const inList = new RegExp(`^"?${col}"?\\s+IN\\s*\\(${literal}(?:\\s*,\\s*${literal})*\\)$`, 'i');
  const pruning = filters.flatMap(conjuncts).map((c) => c.replace(/^optional:\s*/i, '').replace(/^\((.*)\)$/, '$1').trim())
    .filter((c) => compare.test(c) || inList.test(c));
  return pruning.join(' AND ');
}

/** Words of a statement, without whitespace and comments. */
function words(stmt: string) {
  return tokenize(stmt).filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
}

/** A table name at tokens[k] (`p.d.t`, `d.t`, backticked or not) as "d.t" lowercased, and the index after it. */
function tableNameAt(tokens: ReturnType<typeof words>, k: number): [string, number] | null {
  if (tokens[k]?.kind === 'qident') {
    const parts = tokens[k].value!.split('.');
    return parts.length >= 2 ? [parts.slice(-2).join('.').toLowerCase(), k + 1] : null;
  }
  const parts: string[] = [];
  let i = k;
  while (tokens[i]?.kind === 'word' || tokens[i]?.kind === 'qident') {
    parts.push(tokens[i].value ?? tokens[i].text);
    if (tokens[i + 1]?.text !== '.') break;
    i += 2;
  }
  return parts.length >= 2 ? [parts.slice(-2).join('.').toLowerCase(), i + 1] : null;
}

/** The table a DELETE, UPDATE or MERGE modifies, as "d.t" lowercased. */
function dmlTarget(stmt: string): string | null {
  const t = words(stmt);
  const verb = t[0]?.text.toUpperCase();
  if (verb !== 'DELETE' && verb !== 'UPDATE' && verb !== 'MERGE') return null;
  const k = /^(FROM|INTO)$/i.test(t[1]?.text ?? '') ? 2 : 1;
  return tableNameAt(t, k)?.[0] ?? null;
}

/** A CREATE TABLE's table and the column it is partitioned by (null: none, or an expression the estimate does not prune by). */
function createdTable(stmt: string): { table: string; partitionBy: string | null } | null {
  const t = words(stmt);
  let k = 0;
  const is = (w: string) => t[k]?.kind === 'word' && t[k].text.toUpperCase() === w;
  if (!is('CREATE')) return null;
  k++;
  if (is('OR')) k += 2;
  if (is('TEMP') || is('TEMPORARY')) k++;
  if (!is('TABLE')) return null;
  k++;
  if (is('IF')) k += 3;
  const name = tableNameAt(t, k);
  if (!name) return null;
  let depth = 0;
  for (let i = name[1]; i < t.length; i++) {
    if (t[i].text === '(') depth++;
    else if (t[i].text === ')') depth--;
    else if (depth === 0 && /^PARTITION$/i.test(t[i].text) && /^BY$/i.test(t[i + 1]?.text ?? '')) {
      const col = t[i + 2];
      const bare = (col?.kind === 'word' || col?.kind === 'qident') && t[i + 3]?.text !== '(' && t[i + 3]?.text !== '.';
      return { table: name[0], partitionBy: bare ? (col.value ?? col.text) : null };
    }
    else if (depth === 0 && /^AS$/i.test(t[i].text)) break;
  }
  return { table: name[0], partitionBy: null };
}

/** Dataset-qualified names the SQL mentions, lowercased: `p.d.t` and `d.t` both give "d.t". */
function referencedTables(sql: string): Set<string> {
  const tokens = tokenize(sql).filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
  const out = new Set<string>();
  tokens.forEach((t, k) => {
    if (t.kind === 'qident') {
      const parts = t.value!.split('.');
      if (parts.length >= 2) out.add(parts.slice(-2).join('.').toLowerCase());
    } else if (t.kind === 'word' && tokens[k + 1]?.text === '.' && tokens[k + 2]?.kind === 'word') {
      out.add(`${t.text}.${tokens[k + 2].text}`.toLowerCase());
    }
  });
  return out;
}

// ---- parameters: REST → DuckDB -----------------------------------------------------------------

const DUCK_TYPES: Record<string, DuckDBType> = {
  STRING: VARCHAR, INT64: BIGINT, FLOAT64: DOUBLE, BOOL: BOOLEAN, DATE, TIMESTAMP,
};

function duckValue(type: string, v: unknown): DuckDBValue {
  if (v === null || v === undefined) return null;
  const s = String(v);
  switch (type) {
    case 'INT64': return BigInt(s);
    case 'FLOAT64': return Number(s);
    case 'BOOL': return s === 'true';
    case 'DATE': return dateValue(Math.round(Date.parse(`${s}T00:00:00Z`) / 86_400_000));
    case 'TIMESTAMP': return timestampValue(BigInt(Date.parse(s)) * 1000n);
    default: return s;
  }
}

/** Binds the statement's @names from the job's queryParameters, by their declared types. */
function bind(stmt: string, restParams: RestParam[]) {
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const token of tokenize(stmt)) {
    if (token.kind !== 'param') continue;
    const name = token.value!;
    const p = restParams.find((x) => x.name === name);
    if (!p) throw new RestError(400, 'invalidQuery', `Query parameter '${name}' not found`);
    const type = p.parameterType.type;
    const scalar = type === 'ARRAY' ? p.parameterType.arrayType?.type ?? 'STRING' : type;
    if (!DUCK_TYPES[scalar]) throw new RestError(400, 'invalidQuery', `the fake cannot bind a ${scalar} parameter`);
    if (type === 'ARRAY') {
      values[name] = listValue((p.parameterValue?.arrayValues ?? []).map((x) => duckValue(scalar, x.value)));
      types[name] = LIST(DUCK_TYPES[scalar]);
    } else {
      values[name] = duckValue(scalar, p.parameterValue?.value);
      types[name] = DUCK_TYPES[scalar];
    }
  }
  return { values, types };
}

// ---- results: DuckDB → REST --------------------------------------------------------------------

/** DuckDB column type → BigQuery's (legacy) REST schema type, as getQueryResults reports it. */
function restField(name: string, duck: string): RestField {
  if (duck.endsWith('[]')) return { ...restField(name, duck.slice(0, -2)), mode: 'REPEATED' };
  let type = 'STRING';
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|UHUGEINT|"NULL")$/.test(duck)) type = 'INTEGER';
  else if (/^(DOUBLE|FLOAT|REAL)$/.test(duck)) type = 'FLOAT';
  else if (duck.startsWith('DECIMAL')) type = 'NUMERIC';
  else if (duck === 'BOOLEAN') type = 'BOOLEAN';
  else if (duck === 'DATE') type = 'DATE';
  else if (duck.startsWith('TIMESTAMP')) type = 'TIMESTAMP';
  else if (duck === 'JSON') type = 'JSON';
  else if (duck === 'BLOB') type = 'BYTES';
  return { name, type, mode: 'NULLABLE' };
}

function restScalar(type: string, v: DuckDBValue, micros: boolean): string | null {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'INTEGER': return String(v);
    case 'FLOAT': return String(v as number); // NaN, Infinity and -Infinity spelled as BigQuery spells them
    case 'BOOLEAN': return v ? 'true' : 'false';
    case 'DATE': return dateFromDays((v as { days: number }).days);
    case 'TIMESTAMP': {
      const us = (v as { micros: bigint }).micros;
      // Microseconds when the client asks for int64 timestamps; otherwise float seconds, REST's older encoding.
      return micros ? String(us) : String(Number(us) / 1e6);
    }
    case 'BYTES': return Buffer.from((v as { bytes: Uint8Array }).bytes).toString('base64');
    default: return String(v); // STRING, NUMERIC (exact decimal text), JSON
  }
}

function restCell(field: RestField, v: DuckDBValue, micros: boolean): { v: unknown } {
  if (field.mode === 'REPEATED') {
    // BigQuery has no NULL arrays: a NULL list goes out as an empty one.
    const items = v === null ? [] : (v as { items: DuckDBValue[] }).items;
    return { v: items.map((x) => ({ v: restScalar(field.type, x, micros) })) };
  }
  return { v: restScalar(field.type, v, micros) };
}

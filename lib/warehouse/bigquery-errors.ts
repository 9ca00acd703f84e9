/**
 * BigQuery failures → a WarehouseError with a stable code and one line that says
 * what to do next, plus the facts the retry logic needs.
 *
 * BigQuery reports a failure in two shapes, read the same way here (reason first,
 * then HTTP status): an HTTP error from the client (ApiError: `code` is the
 * status, `errors[].reason` the BigQuery reason), and a finished job's
 * `status.errorResult` ({ reason, message }).
 */
import { WarehouseError, type WarehouseErrorCode } from './types.ts';

export interface Failure {
  /** HTTP status, when the failure was an HTTP response. */
  status?: number;
  /** BigQuery's reason, e.g. 'notFound', 'invalidQuery', 'rateLimitExceeded'. */
  reason?: string;
  /** Node's network error code, e.g. 'ECONNREFUSED'. */
  network?: string;
  message: string;
}

interface ErrorLike {
  code?: unknown;
  errors?: { reason?: string; message?: string }[];
  reason?: string;
  message?: string;
}

/** Reads status, reason and a one-line message out of whatever was thrown or reported. */
export function describeFailure(err: unknown): Failure {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ErrorLike;
  const first = e.errors?.[0];
  const status = typeof e.code === 'number' ? e.code : undefined;
  const network = typeof e.code === 'string' ? e.code : NETWORK_CODES.find((c) => e.message?.includes(c));
  // The client joins several errors into a multi-line message; the first one says it best.
  const text = first?.message ?? e.message ?? String(err);
  return { status, reason: first?.reason ?? e.reason, network, message: oneLine(text) };
}

function oneLine(s: string): string {
  const line = s.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** Worth trying again after a pause: BigQuery says so, or the network dropped. */
const TRANSIENT_REASONS = new Set(['rateLimitExceeded', 'backendError', 'internalError', 'jobBackendError', 'jobInternalError']);
const NETWORK_CODES = ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND'];
const TRANSIENT_NETWORK = new Set(NETWORK_CODES);

export function isTransient(err: unknown): boolean {
  const f = describeFailure(err);
  if (f.reason && TRANSIENT_REASONS.has(f.reason)) return true;
  if (f.reason) return false; // a named reason that is not transient (accessDenied shares 403 with rateLimitExceeded)
  if (f.status !== undefined) return f.status >= 500 || f.status === 429;
  return f.network !== undefined && TRANSIENT_NETWORK.has(f.network);
}

export function isNotFound(err: unknown): boolean {
  const f = describeFailure(err);
  return f.reason === 'notFound' || (f.reason === undefined && f.status === 404);
}

export function isAlreadyExists(err: unknown): boolean {
  const f = describeFailure(err);
  return f.reason === 'duplicate' || f.status === 409;
}

export interface FailureContext {
  /** What was running, for the message: the query label or "query". */
  what: string;
  project: string;
  maxBytesBilled: number;
  /** A write whose job exists (or may): a transient failure was not retried, and the message says why. */
  mayHaveApplied?: boolean;
  jobId?: string;
}

const NO_CREDENTIALS = /Could not load the default credentials|Unable to read the credential file|Could not refresh access token|invalid_grant|Unable to detect a Project Id|reauth/i;
const CONFLICT = /concurrent update|Transaction is aborted|Could not serialize access/i;

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** The stable code and the actionable line for a failure. */
export function classifyFailure(err: unknown, ctx: FailureContext): WarehouseError {
  if (err instanceof WarehouseError) return err;
  const f = describeFailure(err);
  const make = (code: WarehouseErrorCode, message: string) => new WarehouseError(code, message, { cause: err });
  const job = ctx.jobId ? ` (job ${ctx.jobId})` : '';

  if (NO_CREDENTIALS.test(f.message) || f.status === 401 || f.reason === 'unauthorized' || f.reason === 'authError') {
    return make('NO_CREDENTIALS', `no usable Google credentials for project ${ctx.project}: run "gcloud auth application-default login" or set GOOGLE_APPLICATION_CREDENTIALS (or pass --bq-endpoint for an emulator)`);
  }
  if (f.reason === 'timeout' || f.reason === 'stopped') {
    return make('TIMEOUT', `${ctx.what} was stopped before it finished${job}: ${f.message}`);
  }
  if (f.reason === 'bytesBilledLimitExceeded') {
    return make('OVER_BUDGET', `${ctx.what} would bill more than ${formatBytes(ctx.maxBytesBilled)}, the --max-bytes-billed limit, and was stopped at no cost: ${f.message}; dry-run it, narrow the dates, or raise the limit`);
  }
  if (f.reason === 'accessDenied' || f.reason === 'billingNotEnabled' || f.reason === 'forbidden' || (f.status === 403 && !isTransient(err))) {
    return make('PERMISSION', `permission denied in project ${ctx.project} for ${ctx.what}: ${f.message}; the account needs the roles listed in docs/BIGQUERY.md`);
  }
  if (isNotFound(err)) {
    return make('NOT_FOUND', `${f.message} (in ${ctx.what}); check --project and --location, and that the setup step created the dataset`);
  }
  if (CONFLICT.test(f.message) || f.status === 409) {
    return make('CONFLICT', `${ctx.what} conflicted with a concurrent change${job}: ${f.message}; run it again once the other job finishes`);
  }
  if (f.reason === 'invalidQuery' || f.reason === 'invalid' || f.status === 400) {
    return make('INVALID_SQL', `invalid SQL in ${ctx.what}: ${f.message}`);
  }
  if (isTransient(err)) {
    const why = f.reason ?? f.network ?? `HTTP ${f.status}`;
    return ctx.mayHaveApplied
      ? make('TRANSIENT', `${ctx.what} failed on BigQuery's side (${why})${job} and was not retried because it may have applied: ${f.message}; check the table before running it again`)
      : make('TRANSIENT', `BigQuery stayed unavailable (${why}) for ${ctx.what} after retries: ${f.message}; try again later`);
  }
  return make('FAILED', `${ctx.what} failed${job}: ${f.message}`);
}

/**
 * The life of one BigQuery query job: insert it without ever running it twice,
 * poll it against a deadline (cancelling it when the deadline passes), and read
 * its results a page at a time.
 *
 * Retrying is safe here only because every job carries an id chosen before the
 * insert: when an insert fails in a way that may have reached BigQuery, the job
 * is looked up by that id and, if it exists, adopted instead of inserted again.
 */
import type { BigQuery, Job, JobMetadata, Query } from '@google-cloud/bigquery';
import { isAlreadyExists, isNotFound, isTransient } from './bigquery-errors.ts';
import type { RestField, RestRow } from './bigquery-rows.ts';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface PollPolicy {
  /** Pause between polls while the job is young. */
  firstMs: number;
  /** Longest pause, once backing off. */
  maxMs: number;
  /**
   * Poll every `firstMs` for this long before backing off: most runbook jobs
   * take 1-2 s, and a poll landing just after one finishes saves up to a
   * doubling's worth of waiting per job, which adds up over a step's jobs.
   */
  steadyMs?: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full-jitter exponential backoff: a random pause up to base·2^(attempt-1), capped. */
function backoff(p: RetryPolicy, attempt: number): number {
  const cap = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (attempt - 1));
  return cap / 2 + (Math.random() * cap) / 2;
}

/** Calls fn again after a pause while `retryable` says so, within the attempts and the deadline. */
export async function retrying<T>(
  fn: () => Promise<T>, policy: RetryPolicy, deadlineAt: number, retryable: (err: unknown) => boolean = isTransient,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const pause = backoff(policy, attempt);
      if (attempt >= policy.attempts || !retryable(err) || Date.now() + pause > deadlineAt) throw err;
      await sleep(pause);
    }
  }
}

/** Insert failures after which BigQuery was asked and has no such job: nothing ran. */
const neverCreated = new WeakSet<object>();

export function jobNeverCreated(err: unknown): boolean {
  return typeof err === 'object' && err !== null && neverCreated.has(err);
}

/** A job that ran and failed: carries BigQuery's errorResult so it is classified like an HTTP error. */
export class JobFailed extends Error {
  readonly reason?: string;
  constructor(readonly jobId: string, errorResult: { reason?: string | null; message?: string | null }) {
    super(errorResult.message ?? `job ${jobId} failed`);
    this.name = 'JobFailed';
    this.reason = errorResult.reason ?? undefined;
  }
}

export function throwIfFailed(meta: JobMetadata): void {
  const errorResult = meta.status?.errorResult;
  if (errorResult) throw new JobFailed(meta.jobReference?.jobId ?? '?', errorResult);
}

/** One page of getQueryResults, as the REST API sent it. */
export interface ResultPage {
  schema?: { fields?: RestField[] };
  rows?: RestRow[];
  totalRows?: string;
  pageToken?: string;
  jobComplete?: boolean;
}

export class JobRunner {
  constructor(
    private readonly client: BigQuery,
    private readonly location: string | undefined,
    private readonly retry: RetryPolicy,
    private readonly poll: PollPolicy,
  ) {}

  /** Inserts the query job (config.jobId must be set), retrying only while it is known not to exist. */
  async start(config: Query & { jobId: string }, deadlineAt: number): Promise<Job> {
    return retrying(async () => {
      try {
        const [job] = await this.client.createQueryJob(config);
        return job;
      } catch (err) {
        if (config.dryRun || !(isTransient(err) || isAlreadyExists(err))) throw err;
        // The insert may have reached BigQuery before it failed: adopt the job rather than insert it twice.
        const existing = await this.find(config.jobId, deadlineAt);
        if (existing) return existing;
        if (typeof err === 'object' && err !== null) neverCreated.add(err);
        throw err; // never created, so inserting it again (same id) is safe
      }
    }, this.retry, deadlineAt);
  }

  /** The job with this id, or null if BigQuery has none. */
  private async find(jobId: string, deadlineAt: number): Promise<Job | null> {
    const job = this.client.job(jobId, { location: this.location });
    try {
      await retrying(() => job.getMetadata(), this.retry, deadlineAt);
      return job;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /**
   * Polls until the job is DONE. At the deadline the job is cancelled and
   * `onTimeout` makes the error (told whether the cancel request went through).
   */
  async wait(job: Job, deadlineAt: number, onTimeout: (cancelError?: unknown) => Error): Promise<JobMetadata> {
    let meta = job.metadata as JobMetadata;
    const steadyUntil = Date.now() + (this.poll.steadyMs ?? 0);
    let pause = this.poll.firstMs;
    while (meta.status?.state !== 'DONE') {
      const left = deadlineAt - Date.now();
      if (left <= 0) throw onTimeout(await this.cancel(job));
      await sleep(Math.min(pause, left));
      if (Date.now() >= steadyUntil) pause = Math.min(pause * 2, this.poll.maxMs);
      [meta] = await retrying(() => job.getMetadata(), this.retry, deadlineAt);
    }
    return meta;
  }

  /** Asks BigQuery to stop the job; returns the failure if the request did not go through. */
  private async cancel(job: Job): Promise<unknown> {
    try {
      await retrying(() => job.cancel(), this.retry, Date.now() + 10_000);
      return undefined;
    } catch (err) {
      return err;
    }
  }

  /** The job's results, one REST page at a time (rows left raw for normalising by schema). */
  async *pages(job: Job, pageSize: number, deadlineAt: number, onTimeout: () => Error): AsyncGenerator<ResultPage> {
    let pageToken: string | undefined;
    for (;;) {
      if (Date.now() > deadlineAt) throw onTimeout();
      const [, , response] = await retrying(() => job.getQueryResults({
        autoPaginate: false, maxResults: pageSize, pageToken, skipParsing: true,
        'formatOptions.useInt64Timestamp': true, // TIMESTAMP as integer microseconds: exact, unlike float seconds
      }), this.retry, deadlineAt);
      const page = (response ?? {}) as ResultPage;
      if (page.jobComplete === false) { await sleep(this.poll.firstMs); continue; } // not readable yet: same page again
      yield page;
      pageToken = page.pageToken ?? undefined;
      if (!pageToken) return;
    }
  }
}

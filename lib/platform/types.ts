/**
 * "The platform": whatever runs the backfill jobs. Scripts ask for jobs to be
 * run (Phase 3's five at once, Phase 4's five in order, re-runs of dates, dry
 * runs, Phase 2 re-loads) and get back what each job did, read from the run
 * history; which platform runs them is chosen here, from the flags, never in a
 * script.
 */
import type { RunContext } from '../notebook/steps.ts';
import type { RegisteredJob } from '../jobs/registry.ts';
import type { RunSummary, Strategy } from '../backfill/runner.ts';

/** One job to run: over the context's range, or exactly these dates. */
export interface JobRequest { job: RegisteredJob; dates?: string[] }

export interface RunManyOptions {
  /** Up to --max-parallel at once (Phase 3); otherwise each starts after the previous one ended. */
  parallel: boolean;
  strategy?: Strategy;
  /** Sequential runs stop after a job that had failures (Phase 4: the next one depends on it). */
  stopOnFailure?: boolean;
}

/** What a platform job did, beyond the run history's counts. */
export interface CommandFacts {
  command: string;
  pid: number | null;
  exitCode: number | null;
  signal: string | null;
  log: string;
  /** Dates expected but without a run-history row since the job started. */
  unrecorded: string[];
}

/** A job's summary; `command` is set when an external run_backfill.sh ran it. */
export interface JobSummary extends RunSummary { command?: CommandFacts }

export interface Platform {
  readonly name: 'builtin' | 'command';
  /** Runs the jobs and waits for them; the board shows each while it runs. */
  run(ctx: RunContext, requests: JobRequest[], o: RunManyOptions): Promise<JobSummary[]>;
  /** The dry-run commands (`… --dry-run`): print what each would do, write nothing. */
  dryRun(ctx: RunContext, requests: JobRequest[]): Promise<void>;
  /** The Phase 2 re-load jobs (`raw/<table>`) this platform offers. */
  rawLoadJobs(ctx: RunContext): Promise<Set<string>>;
}

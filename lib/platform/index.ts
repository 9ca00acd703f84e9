/**
 * The one seam between the scripts and "the platform": pick it from the flags
 * (--runner builtin|command), and check before anything runs that a script
 * which starts jobs can start them.
 */
import type { RunContext } from '../notebook/steps.ts';
import type { CommonOptions } from '../notebook/flags.ts';
import { UsageError } from '../notebook/errors.ts';
import type { Platform } from './types.ts';
import { builtinPlatform } from './builtin.ts';
import { commandPlatform } from './command.ts';

export type { JobRequest, JobSummary, Platform, RunManyOptions } from './types.ts';

const made = new WeakMap<CommonOptions, Platform>();

export function platformFor(ctx: Pick<RunContext, 'opts'>): Platform {
  let p = made.get(ctx.opts);
  if (!p) {
    requireRunner(ctx.opts);
    p = ctx.opts.runner === 'command' ? commandPlatform(ctx.opts) : builtinPlatform;
    made.set(ctx.opts, p);
  }
  return p;
}

/**
 * For a script that starts jobs: with --runner command there must be a command
 * to run. Checked with the flags, so the script stops before anything runs.
 */
export function requireRunner(opts: CommonOptions): void {
  if (opts.runner === 'command' && !opts.backfillCmd) {
    throw new UsageError(`--runner command${opts.backend === 'bigquery' ? ' (the default on BigQuery)' : ''} needs the platform's run_backfill.sh: give --backfill-cmd PATH (or RUNBOOK_BACKFILL_CMD)`);
  }
}

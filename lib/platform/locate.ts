/**
 * Where the platform lives and what its jobs are told: the working directory
 * (the repository holding run_backfill.sh, or --platform-dir), the environment
 * naming the warehouse, and its own job list (`run_backfill.sh --list`).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { CommonOptions } from '../notebook/flags.ts';

/** --platform-dir, else the git top-level of the command's folder, else the parent of its bin/. */
export function platformDir(opts: Pick<CommonOptions, 'platformDir' | 'backfillCmd'>): string {
  if (opts.platformDir) return opts.platformDir;
  const dir = path.dirname(opts.backfillCmd!);
  const git = spawnSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  if (git.status === 0 && git.stdout.trim()) return git.stdout.trim();
  return path.basename(dir) === 'bin' ? path.dirname(dir) : dir;
}

/**
 * What a job's process is told, beside the inherited environment: the same
 * warehouse and project this script uses (an absolute path: the job runs
 * elsewhere), and the run it belongs to.
 */
export function platformEnv(opts: CommonOptions, runId: string): NodeJS.ProcessEnv {
  return {
    RUNBOOK_BACKEND: opts.backend,
    RUNBOOK_WAREHOUSE: path.resolve(opts.warehouse),
    GOOGLE_CLOUD_PROJECT: opts.project,
    RUNBOOK_RUN_ID: runId,
    ...(opts.bqEndpoint ? { BIGQUERY_EMULATOR_HOST: opts.bqEndpoint } : {}),
    ...(opts.sandboxSuffix ? { RUNBOOK_SANDBOX_SUFFIX: opts.sandboxSuffix } : {}),
    // The platform's own progress lines are for its log, not a terminal.
    NO_COLOR: '1',
  };
}

/** Job names in `--list` output: the first word of each line that looks like <phase>/<name>. */
export function jobsInList(stdout: string): string[] {
  return stdout.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter((w) => /^[a-z0-9_]+\/[A-Za-z0-9_.…-]+$/.test(w));
}

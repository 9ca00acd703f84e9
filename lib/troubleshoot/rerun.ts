/** "Re-run failed dates only": the job from --job, and one `--dates` command per job in run order. */
import { UsageError } from '../notebook/errors.ts';
import type { RawFlags } from '../notebook/flags.ts';
import { JOBS, findJob, type RegisteredJob } from '../jobs/registry.ts';
import { backfillCommand } from '../backfill/preview.ts';
import type { FailureRow } from '../backfill/validate.ts';

/** --job, checked against the registry; null means every job. */
export function chosenJob(flags: RawFlags): RegisteredJob | null {
  if (flags.job === undefined) return null;
  const job = findJob(String(flags.job));
  if (!job) throw new UsageError(`unknown job ${JSON.stringify(flags.job)}; jobs: ${JOBS.map((j) => j.job).join(', ')}`);
  return job;
}

export function rerunCommands(rows: FailureRow[]): string[] {
  return JOBS.flatMap((j) => {
    const dates = rows.filter((r) => r.processor_name === j.processorName).map((r) => r.data_date);
    return dates.length ? [backfillCommand(j.job, { start: '', end: '' }, dates)] : [];
  });
}

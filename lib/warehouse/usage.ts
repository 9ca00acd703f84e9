/**
 * What a process's BigQuery jobs cost: counted by the backend as each job
 * finishes, read by summaries (run_backfill.sh's last line). The embedded
 * warehouse runs no jobs and has none.
 */
import { realWarehouse } from './sandbox.ts';
import type { Warehouse } from './types.ts';

export interface JobUsage { jobs: number; bytesProcessed: number; bytesBilled: number }

export function jobUsage(w: Warehouse): JobUsage | null {
  return (realWarehouse(w) as Partial<{ usage: JobUsage }>).usage ?? null;
}

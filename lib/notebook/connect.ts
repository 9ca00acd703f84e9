/**
 * Opens the warehouse the flags name and makes it ready: datasets and run
 * history exist, and an empty embedded warehouse is seeded on first use, with a
 * progress bar, so a new user sees the runbook work with no cloud account.
 */
import { ensureBaseSchema, openWarehouse } from '../warehouse/open.ts';
import { realWarehouse } from '../warehouse/sandbox.ts';
import type { Warehouse } from '../warehouse/types.ts';
import { jobTablesDdl } from '../jobs/registry.ts';
import { decisionsDdl } from '../decisions/store.ts';
import { leasesDdl } from '../lease/lease.ts';
import { migrateRunHistory } from '../backfill/history.ts';
import type { CommonOptions } from './flags.ts';
import type { Output } from './output.ts';
import { ProgressBoard, type ProgressState } from './progress.ts';
import { warehouseWaits } from './env.ts';

/** How long an idle embedded warehouse stays open for the script's next statement; a waiting process cuts it short. */
const LINGER_MS = 250;

/**
 * `alongside`: a read the script needs before its first step (e.g. that the range
 * has games), run once the warehouse is ready — on BigQuery beside the run-history
 * check, as two jobs at once rather than one after the other.
 */
export async function connectWarehouse(opts: CommonOptions, out: Output, o: { alongside?: (w: Warehouse) => Promise<void> } = {}): Promise<Warehouse> {
  const w = await openWarehouse({
    backend: opts.backend, project: opts.project, file: opts.warehouse,
    location: opts.location, endpoint: opts.bqEndpoint, maxBytesBilled: opts.maxBytesBilled,
    sandboxSuffix: opts.sandboxSuffix,
    onWait: (m) => out.err.write(`${m}\n`),
    ...warehouseWaits(),
    // Statements follow each other closely: reopening the file for each (and checkpointing at each close) cost Step 4 half its CPU.
    lingerMs: LINGER_MS,
  });
  // Under a sandbox, the real datasets: the embedded seed (Phase 2 and its marker) lives there.
  const real = realWarehouse(w);
  await w.hold(async () => {
    if (real !== w && real.backend === 'duckdb') await ensureBaseSchema(real);
    // Every table a script may touch, in one DDL job: on BigQuery each job costs about a second, so the
    // decisions and leases tables come too (on the embedded warehouse they wait for their first use).
    const bookkeeping = w.backend === 'bigquery' && opts.decisionsDataset ? [...decisionsDdl(w, opts.decisionsDataset), ...leasesDdl(w, opts.decisionsDataset)] : [];
    await ensureBaseSchema(w, [...jobTablesDdl(w), ...bookkeeping]);
    // A run history made before host/pid existed would fail every query that reads them.
    const migrate = async () => {
      const added = await migrateRunHistory(w);
      if (added.length) out.err.write(`The run history gained the column(s) ${added.join(', ')} (empty on its earlier rows).\n`);
    };
    if (w.backend === 'bigquery') { await Promise.all([migrate(), o.alongside?.(w)]); return; }
    await migrate();
    // Only the embedded warehouse is seeded; production Phase 2 data is real.
    if (!(await (await import('../seed/load.ts')).isSeeded(real))) await seedWithProgress(real, out);
    await o.alongside?.(w);
  });
  return w;
}

export async function seedWithProgress(w: Warehouse, out: Output, scale = 1): Promise<void> {
  out.err.write(`First run: seeding the embedded warehouse with four seasons of NBA data${scale > 1 ? ` (scale ${scale})` : ''}…\n`);
  const state: ProgressState = { label: 'seed', done: 0, total: 1, startedAt: Date.now() };
  const board = new ProgressBoard(out.err, [state]);
  const { seedWarehouse } = await import('../seed/load.ts');
  const summary = await seedWarehouse(w, {
    scale,
    onProgress: (done, total, label) => {
      Object.assign(state, { done, total, label: `seed ${label}`.slice(0, 40) });
      board.render();
    },
  });
  state.finishedAt = Date.now();
  board.render();
  out.err.write(`Seeded in ${summary.seconds.toFixed(1)} s.\n`);
}

/**
 * The runbook's own bookkeeping tables (decisions, leases) beside the run
 * history: created with their dataset on first use, in either backend's DDL.
 */
import { table } from '../queries/tables.ts';
import type { Warehouse } from './types.ts';
import { ensureDdl } from './open.ts';

/** The dataset and the table, as idempotent DDL. */
export function bookkeepingDdl(w: Warehouse, dataset: string, name: string, columns: readonly [string, string][]): string[] {
  const schema = w.backend === 'duckdb' ? dataset : `\`${w.project}.${dataset}\``;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `CREATE TABLE IF NOT EXISTS ${table(w.project, `${dataset}.${name}`)} (\n${columns.map(([n, t]) => `  ${n} ${t}`).join(',\n')}\n)`,
  ];
}

/** Once per process (ensureDdl): nothing to do when the script's start already made it. */
export async function createBookkeepingTable(w: Warehouse, dataset: string, name: string, columns: readonly [string, string][]): Promise<void> {
  await ensureDdl(w, bookkeepingDdl(w, dataset, name, columns));
}

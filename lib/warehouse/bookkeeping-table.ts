/**
 * The runbook's own bookkeeping tables (decisions, leases) beside the run
 * history: created with their dataset on first use, in either backend's DDL.
 */
import { table } from '../queries/tables.ts';
import type { Warehouse } from './types.ts';

export async function createBookkeepingTable(w: Warehouse, dataset: string, name: string, columns: readonly [string, string][]): Promise<void> {
  const schema = w.backend === 'duckdb' ? dataset : `\`${w.project}.${dataset}\``;
  await w.execute(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await w.execute(`CREATE TABLE IF NOT EXISTS ${table(w.project, `${dataset}.${name}`)} (\n${columns.map(([n, t]) => `  ${n} ${t}`).join(',\n')}\n)`);
}

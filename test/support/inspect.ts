/** Looking inside a warehouse file after a run: checksums, latest states, duplicates. */
import { createHash } from 'node:crypto';
import { DuckDBWarehouse } from '../../lib/warehouse/duckdb.ts';
import type { Row } from '../../lib/warehouse/types.ts';

const PROJECT = 'nba-props-platform';

export async function withWarehouse<T>(file: string, fn: (w: DuckDBWarehouse) => Promise<T>): Promise<T> {
  const w = new DuckDBWarehouse({ file, project: PROJECT, busyTimeoutMs: 30_000 });
  try { return await w.hold(() => fn(w)); } finally { await w.close(); }
}

/**
 * A checksum of a table's rows in key order, ignoring when they were written.
 * Floats are compared to 9 decimals: DuckDB sums doubles in parallel, so the last
 * bits of a SUM differ between runs, and a difference of two sums (0 or ±1e-15) keeps
 * only that noise: relative precision would compare the noise itself.
 */
export async function tableChecksum(file: string, table: string, keys: string[]): Promise<{ rows: number; sha: string }> {
  return withWarehouse(file, async (w) => {
    const r = await w.query(`SELECT * FROM \`${PROJECT}.${table}\` ORDER BY ${keys.join(', ')}`);
    const h = createHash('sha256');
    for (const row of r.rows) {
      const { processed_at: _ignored, ...rest } = row as Row;
      h.update(JSON.stringify(rest, (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(9)) : v)));
    }
    return { rows: r.rows.length, sha: h.digest('hex') };
  });
}

/** The latest attempt per processor and date: what "a date's current state" means. */
export async function latestStates(file: string, processor?: string): Promise<Row[]> {
  return withWarehouse(file, async (w) => (await w.query(`SELECT processor_name, data_date, status, skip_reason, missing_dependencies
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY processor_name, data_date ORDER BY attempt DESC, started_at DESC) AS rn
  FROM \`${PROJECT}.nba_reference.processor_run_history\`${processor ? ' WHERE processor_name = @p' : ''}
) WHERE rn = 1 ORDER BY processor_name, data_date`, processor ? { p: processor } : {})).rows);
}

export async function duplicateKeys(file: string, table: string, keys: string[]): Promise<number> {
  return withWarehouse(file, async (w) => {
    const r = await w.query<{ n: number }>(`SELECT COUNT(*) AS n FROM (SELECT ${keys.join(', ')} FROM \`${PROJECT}.${table}\` GROUP BY ${keys.join(', ')} HAVING COUNT(*) > 1)`);
    return r.rows[0].n;
  });
}

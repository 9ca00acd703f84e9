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
 * Floats to the last bit: every processor adds its FLOAT64 values in a fixed
 * order or exactly (NUMERIC), so two runs over the same data write the same bits.
 */
export async function tableChecksum(file: string, table: string, keys: string[]): Promise<{ rows: number; sha: string }> {
  return withWarehouse(file, async (w) => {
    const r = await w.query(`SELECT * FROM \`${PROJECT}.${table}\` ORDER BY ${keys.join(', ')}`);
    const h = createHash('sha256');
    for (const row of r.rows) {
      const { processed_at: _ignored, ...rest } = row as Row;
      h.update(JSON.stringify(rest));
    }
    return { rows: r.rows.length, sha: h.digest('hex') };
  });
}

/**
 * The first difference between a table in two warehouses, row by row in key
 * order, or null when they hold the same rows. Floats must agree to the last bit
 * (see tableChecksum): a difference in the 17th digit is a difference.
 */
export async function tableDifference(fileA: string, fileB: string, table: string, keys: string[]): Promise<string | null> {
  const read = (file: string) => withWarehouse(file, async (w) => (await w.query(`SELECT * FROM \`${PROJECT}.${table}\` ORDER BY ${keys.join(', ')}`)).rows);
  const [a, b] = [await read(fileA), await read(fileB)];
  if (a.length !== b.length) return `${table}: ${a.length} vs ${b.length} rows`;
  for (let i = 0; i < a.length; i++) {
    for (const col of Object.keys(a[i])) {
      if (col === 'processed_at') continue;
      const [x, y] = [a[i][col], b[i][col]];
      const same = typeof x === 'number' && typeof y === 'number' ? Object.is(x, y) : JSON.stringify(x) === JSON.stringify(y);
      if (!same) return `${table}: row ${i + 1} (${keys.map((k) => a[i][k]).join(', ')}), ${col}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`;
    }
  }
  return null;
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

/**
 * An in-memory DuckDB warehouse holding a few tables and hand-written rows, for
 * tests that run SQL builders directly (test/phase4-sql.test.ts). Loading it runs
 * none of the code under test: only the tables' DDL and appends.
 */
import { DuckDBWarehouse } from '../../lib/warehouse/duckdb.ts';
import { ensureBaseSchema } from '../../lib/warehouse/open.ts';
import { createTableSql, type TableDef } from '../../lib/seed/schema.ts';

export const PROJECT = 'nba-props-platform';

export interface MemoryWarehouse { w: DuckDBWarehouse; close: () => Promise<void> }

/** Creates each table and appends its rows (objects; a column they lack is NULL). Close it, passed or failed. */
export async function openMemoryWarehouse(tables: [TableDef, object[]][]): Promise<MemoryWarehouse> {
  const w = new DuckDBWarehouse({ file: ':memory:', project: PROJECT });
  // ':memory:' lives only while the connection does: hold it until close.
  let release!: () => void;
  const held = w.hold(() => new Promise<void>((resolve) => { release = resolve; }));
  const close = async () => { release(); await held; await w.close(); };
  try {
    await ensureBaseSchema(w);
    for (const [table, objects] of tables) {
      await w.execute(createTableSql(table, PROJECT));
      const names = table.columns.map(([n]) => n);
      const rows = objects.map((o) => names.map((n) => (o as Record<string, unknown>)[n] ?? null));
      if (rows.length) await w.append(table.name, names, rows);
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { w, close };
}

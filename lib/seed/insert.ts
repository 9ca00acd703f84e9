/**
 * Rows → batched multi-row INSERT statements in BigQuery SQL, every value a bound
 * parameter typed by the column's declared type (never by sniffing the value: a
 * FLOAT64 of 34 must not bind as INT64, a NULL needs its type on BigQuery).
 */
import type { TableDef } from './schema.ts';
import { p, type ParamValue, type Params, type ScalarType } from '../warehouse/params.ts';
import type { Statement } from '../warehouse/types.ts';

/** BigQuery allows 10,000 parameters a query; DuckDB binds fewer faster. */
const MAX_PARAMS = 2000;

type Cell = string | number | boolean | null;

function bindAs(type: ScalarType, v: Cell): ParamValue {
  if (v === null) return p.null(type);
  switch (type) {
    case 'DATE': return p.date(String(v));
    case 'TIMESTAMP': return p.timestamp(String(v));
    case 'FLOAT64': return p.float(Number(v));
    case 'INT64': return p.int(Number(v));
    case 'BOOL': return Boolean(v);
    case 'STRING': return String(v);
  }
}

/** The table's values in column order, ready for an appender or a VALUES list. */
export function rowValues(def: TableDef, rows: readonly object[]): Cell[][] {
  const cols = def.columns.map(([name]) => name);
  return rows.map((r) => cols.map((c) => (r as Record<string, Cell>)[c] ?? null));
}

export function insertStatements(project: string, def: TableDef, rows: readonly object[]): Statement[] {
  const cols = def.columns.map(([name]) => name);
  const types = def.columns.map(([, type]) => type as ScalarType);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / cols.length));
  const values = rowValues(def, rows);
  const out: Statement[] = [];
  for (let start = 0; start < values.length; start += perStatement) {
    const params: Params = {};
    const tuples = values.slice(start, start + perStatement).map((row, r) => `(${row.map((v, c) => {
      const name = `v${r}_${c}`;
      params[name] = bindAs(types[c], v);
      return `@${name}`;
    }).join(', ')})`);
    out.push({
      sql: `INSERT INTO \`${project}.${def.name}\` (${cols.join(', ')})\nVALUES ${tuples.join(',\n  ')}`,
      params,
    });
  }
  return out;
}

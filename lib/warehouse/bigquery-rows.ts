/**
 * BigQuery REST rows → the runbook's normalised rows, by the schema's declared
 * type (never by sniffing values), to exactly the shapes the DuckDB backend
 * produces (see normalize.ts).
 *
 * Rows are read raw (`skipParsing`), as the REST API sends them: every scalar a
 * string, `{ f: [{ v }] }` per row, a repeated field `{ v: [{ v }] }`. Reading
 * them directly avoids the client's own conversion, which rounds INT64 past
 * 2^53 (or throws), wraps NUMERIC in big.js and DATE/TIMESTAMP in objects.
 */
import { dateFromDays, normalizeFloat, normalizeInt, normalizeTimestampText, timestampFromMicros } from './normalize.ts';
import type { Column, ColumnType, Row, Value } from './types.ts';

export interface RestField {
  name?: string | null;
  type?: string | null;
  mode?: string | null;
}

export interface RestCell { v?: unknown }
export interface RestRow { f?: RestCell[] | null }

/** Legacy REST type names and Standard SQL names → the shared vocabulary. */
const SCALAR_TYPES: Record<string, ColumnType> = {
  INTEGER: 'INT64', INT64: 'INT64',
  FLOAT: 'FLOAT64', FLOAT64: 'FLOAT64',
  NUMERIC: 'NUMERIC', BIGNUMERIC: 'NUMERIC',
  BOOLEAN: 'BOOL', BOOL: 'BOOL',
  STRING: 'STRING', DATE: 'DATE', TIMESTAMP: 'TIMESTAMP', JSON: 'JSON', BYTES: 'BYTES',
};

export function columnsFromSchema(fields: readonly RestField[] = []): Column[] {
  return fields.map((f) => {
    const scalar = SCALAR_TYPES[(f.type ?? '').toUpperCase()] ?? 'OTHER';
    return { name: f.name ?? '', type: f.mode === 'REPEATED' ? `ARRAY<${scalar}>` : scalar };
  });
}

/**
 * A TIMESTAMP cell. Results are requested with formatOptions.useInt64Timestamp,
 * so an integer is microseconds since the epoch; anything else (float seconds
 * from an older server, or text) goes through the shared parser.
 */
function timestampCell(s: string): string {
  return /^-?\d+$/.test(s) ? timestampFromMicros(BigInt(s)) : normalizeTimestampText(s);
}

function scalarCell(type: ColumnType, v: unknown): Value {
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v : String(v);
  switch (type) {
    case 'INT64': return normalizeInt(s);
    case 'FLOAT64':
    case 'NUMERIC': return normalizeFloat(s);
    case 'BOOL': return s === 'true' || s === 'TRUE';
    case 'DATE': return /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : dateFromDays(Math.floor(Date.parse(s) / 86_400_000));
    case 'TIMESTAMP': return timestampCell(s);
    default: return typeof v === 'object' ? JSON.stringify(v) : s;
  }
}

function cell(type: ColumnType, v: unknown): Value {
  if (type.startsWith('ARRAY<')) {
    // BigQuery never returns a NULL array: an empty one comes as [].
    if (v === null || v === undefined) return [];
    const inner = type.slice(6, -1) as ColumnType;
    return (v as RestCell[]).map((item) => scalarCell(inner, item?.v));
  }
  return scalarCell(type, v);
}

export function normalizeRow(columns: readonly Column[], raw: RestRow): Row {
  const cells = raw.f ?? [];
  const row: Row = {};
  columns.forEach((col, k) => { row[col.name] = cell(col.type, cells[k]?.v); });
  return row;
}

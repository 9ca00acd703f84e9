/**
 * Query parameters, always bound, never pasted into SQL text. A plain JS value
 * carries its own type (string → STRING, integer → INT64, other number → FLOAT64,
 * boolean → BOOL); dates, arrays and NULLs say theirs explicitly, because both
 * backends need the type to bind them (a JS Date would bind as TIMESTAMP on
 * BigQuery, and an untyped NULL is rejected).
 */
export type ScalarType = 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'DATE' | 'TIMESTAMP';

export interface TypedParam {
  readonly kind: 'typed';
  readonly type: ScalarType;
  readonly array: boolean;
  readonly value: string | number | boolean | null | readonly (string | number | boolean)[];
}

export type ParamValue = string | number | boolean | TypedParam;
export type Params = Record<string, ParamValue>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function typed(type: ScalarType, value: TypedParam['value'], array = false): TypedParam {
  return { kind: 'typed', type, value, array };
}

function checkDate(s: string): string {
  if (!ISO_DATE.test(s)) throw new TypeError(`not a YYYY-MM-DD date: ${JSON.stringify(s)}`);
  return s;
}

export const p = {
  date: (iso: string) => typed('DATE', checkDate(iso)),
  dates: (isos: readonly string[]) => typed('DATE', isos.map(checkDate), true),
  strings: (values: readonly string[]) => typed('STRING', [...values], true),
  ints: (values: readonly number[]) => typed('INT64', [...values], true),
  int: (n: number) => typed('INT64', n),
  float: (n: number) => typed('FLOAT64', n),
  timestamp: (iso: string) => typed('TIMESTAMP', iso),
  null: (type: ScalarType) => typed(type, null),
};

export function isTyped(v: ParamValue): v is TypedParam {
  return typeof v === 'object' && v !== null && (v as TypedParam).kind === 'typed';
}

/** Every parameter as a typed one, so backends bind from a single shape. */
export function toTyped(v: ParamValue): TypedParam {
  if (isTyped(v)) return v;
  if (typeof v === 'string') return typed('STRING', v);
  if (typeof v === 'boolean') return typed('BOOL', v);
  if (typeof v === 'number') return typed(Number.isInteger(v) ? 'INT64' : 'FLOAT64', v);
  throw new TypeError(`unsupported parameter value: ${String(v)}`);
}

/** How a parameter is shown to an operator (dry runs, RUNBOOK.md, the journal). */
export function showParam(v: ParamValue): string {
  const t = toTyped(v);
  if (t.value === null) return `NULL (${t.type})`;
  if (t.array) return `[${(t.value as unknown[]).map((x) => JSON.stringify(x)).join(', ')}]`;
  return typeof t.value === 'string' ? `'${t.value}'` : String(t.value);
}

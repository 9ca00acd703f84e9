/**
 * Row normalising, once, at the backend boundary, by the column's declared type —
 * never by sniffing values. Every backend maps its driver's values to the same
 * shapes, so a script's output (and its --json) is identical on both.
 *
 *   INT64     → number (string if beyond 2^53, so nothing is silently rounded)
 *   FLOAT64   → number;  NUMERIC → number
 *   DATE      → 'YYYY-MM-DD'
 *   TIMESTAMP → 'YYYY-MM-DDTHH:MM:SS.mmmZ'
 *   ARRAY<T>  → array of T, normalised element by element
 */
import type { Value } from './types.ts';

export function normalizeInt(v: bigint | number | string): number | string {
  const b = typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? Math.trunc(v) : v);
  return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(b) : b.toString();
}

export function normalizeFloat(v: number | string | bigint | { toString(): string }): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const s = String(v);
  if (s === 'NaN') return NaN;
  if (s === 'Infinity' || s === '+Infinity') return Infinity;
  if (s === '-Infinity') return -Infinity;
  return Number(s);
}

/** Days since 1970-01-01 → 'YYYY-MM-DD'. */
export function dateFromDays(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** Microseconds since the epoch → ISO timestamp in UTC with millisecond precision. */
export function timestampFromMicros(micros: bigint): string {
  return new Date(Number(micros / 1000n)).toISOString();
}

/** Any accepted timestamp text → the canonical ISO form. */
export function normalizeTimestampText(s: string): string {
  // BigQuery REST returns float seconds since the epoch as a string.
  if (/^-?\d+(\.\d+)?(E\d+)?$/i.test(s)) return new Date(Number(s) * 1000).toISOString();
  const d = new Date(s.includes('T') || s.endsWith('Z') ? s : `${s.replace(' ', 'T')}Z`);
  if (Number.isNaN(d.getTime())) throw new TypeError(`unreadable timestamp: ${s}`);
  return d.toISOString();
}

/** Makes a JSON document of rows that may still hold bigints (defence in depth for --json). */
export function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? normalizeInt(v) : v)));
}

export type { Value };

/**
 * A step's query as an operator pastes it: the parameters as `bq query
 * --parameter=name:TYPE:value` flags (the SQL keeps its @names, so the text
 * shown is exactly the text the notebook runs) and as a small table.
 */
import { showParam, toTyped, type Params } from '../warehouse/params.ts';

/** POSIX single quotes, only where the shell would otherwise split or expand. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** One `--parameter=…` flag per parameter, in bq's name:TYPE:value form. */
export function bqParameterFlags(params: Params): string[] {
  return Object.entries(params).map(([name, v]) => {
    const t = toTyped(v);
    const type = t.array ? `ARRAY<${t.type}>` : t.type;
    // bq reads array values as JSON; a NULL is spelled NULL.
    const value = t.value === null ? 'NULL' : t.array ? JSON.stringify(t.value) : String(t.value);
    return shellQuote(`--parameter=${name}:${type}:${value}`);
  });
}

/**
 * The bq command line for a query saved as `file`. `timeout N` mirrors the
 * original's `timeout 30`/`timeout 60`, from the step's own timeout.
 */
export function bqCommand(params: Params, file: string, timeoutMs?: number): string {
  const timeout = timeoutMs ? `timeout ${Math.ceil(timeoutMs / 1000)} ` : '';
  return `${timeout}bq query --use_legacy_sql=false --format=pretty ${[...bqParameterFlags(params), `"$(cat ${file})"`].join(' ')}`;
}

/** Rows for the parameter table: name, BigQuery type, value as the notebook shows it. */
export function parameterRows(params: Params): [string, string, string][] {
  return Object.entries(params).map(([name, v]) => {
    const t = toTyped(v);
    return [`@${name}`, t.array ? `ARRAY<${t.type}>` : t.type, showParam(v)];
  });
}

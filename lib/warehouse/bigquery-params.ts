/**
 * Runbook parameters → BigQuery's REST query parameters.
 *
 * Every parameter goes out with an explicit parameterType, never left to the
 * client to guess from the JS value (it would type 1.0 as INT64, a Date as
 * TIMESTAMP, and reject a NULL). They are built here in the REST API's own form
 * rather than through the client's `params`/`types` options, which produce the
 * same wire format but also copy `types` into the request body and need wrapper
 * objects for DATE and TIMESTAMP. Scalars travel as strings, as the API defines
 * them, so an INT64 is never rounded and a NaN FLOAT64 does not become JSON null.
 */
import { toTyped, type Params } from './params.ts';
import { tokenize } from './translate.ts';
import type { Statement } from './types.ts';

/** The REST shape; a NULL is an explicit JSON null (the client's typings omit that case). */
export interface QueryParameter {
  name: string;
  parameterType: { type: string; arrayType?: { type: string } };
  parameterValue: { value?: string | null; arrayValues?: { value: string }[] };
}

export function queryParameters(params: Params = {}): QueryParameter[] {
  return Object.entries(params).map(([name, v]) => {
    const t = toTyped(v);
    if (t.array) {
      // BigQuery has no NULL array parameter; an absent list is an empty one.
      const items = (t.value ?? []) as readonly (string | number | boolean)[];
      return {
        name,
        parameterType: { type: 'ARRAY', arrayType: { type: t.type } },
        parameterValue: { arrayValues: items.map((x) => ({ value: String(x) })) },
      };
    }
    return { name, parameterType: { type: t.type }, parameterValue: { value: t.value === null ? null : String(t.value) } };
  });
}

/** What makes two bindings the same: type, arrayness and value. */
function bindingKey(v: Params[string]): string {
  const t = toTyped(v);
  return JSON.stringify([t.type, t.array, t.value]);
}

/** The statement's SQL with `@from` (as a parameter token, never inside a literal or comment) renamed. */
function renameParams(sql: string, renames: Map<string, string>): string {
  return tokenize(sql).map((t) => (t.kind === 'param' && renames.has(t.value!) ? `@${renames.get(t.value!)}` : t.text)).join('');
}

/**
 * Several statements as one script job. BigQuery binds a name once per job, so a
 * name two statements bind to different values (two batches of seed rows both
 * using @v0_0) is renamed in the later statement (`@v0_0__2`); a name bound to
 * the same value everywhere (@dates) stays one parameter.
 */
export function combineStatements(statements: readonly Statement[]): { sqls: string[]; params: Params } {
  const merged: Params = {};
  const taken = new Set(statements.flatMap((s) => Object.keys(s.params ?? {})));
  const sqls = statements.map((s, k) => {
    const renames = new Map<string, string>();
    for (const [name, v] of Object.entries(s.params ?? {})) {
      if (!(name in merged)) { merged[name] = v; continue; }
      if (bindingKey(merged[name]) === bindingKey(v)) continue;
      let alias = `${name}__${k}`;
      for (let n = 2; taken.has(alias); n++) alias = `${name}__${k}_${n}`;
      taken.add(alias);
      renames.set(name, alias);
      merged[alias] = v;
    }
    return renames.size ? renameParams(s.sql, renames) : s.sql;
  });
  return { sqls, params: merged };
}

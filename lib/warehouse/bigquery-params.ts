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
import { showParam, toTyped, type Params } from './params.ts';
import { WarehouseError, type Statement } from './types.ts';

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

/**
 * The parameters of several statements run as one script. BigQuery binds a
 * name once per job, so two statements may share a name only with the same value.
 */
export function mergeParams(statements: readonly Statement[]): Params {
  const merged: Params = {};
  for (const s of statements) {
    for (const [name, v] of Object.entries(s.params ?? {})) {
      if (name in merged && bindingKey(merged[name]) !== bindingKey(v)) {
        throw new WarehouseError('INVALID_SQL',
          `atomic statements bind @${name} to different values (${showParam(merged[name])} and ${showParam(v)}); give one of them another name`);
      }
      merged[name] = v;
    }
  }
  return merged;
}

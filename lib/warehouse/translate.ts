/**
 * BigQuery Standard SQL → DuckDB SQL, for the embedded warehouse.
 *
 * Operators paste our SQL into `bq query`, so it is written once in BigQuery's
 * dialect and translated here. The translation works on tokens, never on raw
 * text, so string literals, quoted identifiers and comments pass through
 * untouched (a literal holding a backtick, `@` or `--` stays a literal).
 *
 * Dialect differences handled, each where it is written below:
 *  - `project.dataset.table` in backticks → `dataset.table` (datasets are schemas);
 *  - `@param` → `$param`;
 *  - BigQuery string literals ('…' or "…" with backslash escapes, triple quotes,
 *    r'…') → DuckDB literals ('…' with doubled quotes);
 *  - type names (INT64, FLOAT64, BOOL, NUMERIC, BYTES, ARRAY<T>);
 *  - functions: COUNTIF, SAFE_DIVIDE, TIMESTAMP_SUB/ADD, DATE_SUB/ADD, DATE_DIFF,
 *    TIMESTAMP_DIFF, DATE(x), CURRENT_TIMESTAMP(), CURRENT_DATE(), LOGICAL_OR/AND,
 *    DIV, TO_JSON_STRING, ARRAY_LENGTH, FORMAT_DATE, `IN UNNEST(…)`, `FROM UNNEST(…) AS x`;
 *  - `ARRAY_AGG(x ORDER BY y [DESC] [LIMIT n])[OFFSET(k)]` (also SAFE_OFFSET,
 *    ORDINAL, SAFE_ORDINAL): BigQuery's NULL order made explicit, LIMIT as a
 *    slice, the 0-based subscript as DuckDB's 1-based one, out of range an error
 *    (OFFSET, ORDINAL) or NULL (SAFE_…) as in BigQuery;
 *  - DDL: PARTITION BY / CLUSTER BY / OPTIONS(…) after a CREATE TABLE are dropped;
 *  - `COMMIT TRANSACTION` → `COMMIT`, `ROLLBACK TRANSACTION` → `ROLLBACK`.
 */

export type TokenKind = 'ws' | 'comment' | 'string' | 'qident' | 'param' | 'word' | 'number' | 'punct';
export interface Token { kind: TokenKind; text: string; value?: string }

export class TranslateError extends Error {}

/** Splits BigQuery SQL into tokens; `value` holds a literal's or identifier's decoded text. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const start = i;
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(sql[i])) i++;
      out.push({ kind: 'ws', text: sql.slice(start, i) });
    } else if ((c === '-' && sql[i + 1] === '-') || c === '#') {
      while (i < n && sql[i] !== '\n') i++;
      out.push({ kind: 'comment', text: sql.slice(start, i) });
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new TranslateError('unterminated /* comment');
      i = end + 2;
      out.push({ kind: 'comment', text: sql.slice(start, i) });
    } else if (c === '`') {
      const end = sql.indexOf('`', i + 1);
      if (end < 0) throw new TranslateError('unterminated backtick identifier');
      i = end + 1;
      out.push({ kind: 'qident', text: sql.slice(start, i), value: sql.slice(start + 1, end) });
    } else if (c === "'" || c === '"' || ((c === 'r' || c === 'R') && (sql[i + 1] === "'" || sql[i + 1] === '"'))) {
      const raw = c === 'r' || c === 'R';
      if (raw) i++;
      const q = sql[i];
      const triple = sql.slice(i, i + 3) === q.repeat(3);
      const delim = triple ? q.repeat(3) : q;
      i += delim.length;
      let value = '';
      for (;;) {
        if (i >= n) throw new TranslateError('unterminated string literal');
        if (sql.startsWith(delim, i)) { i += delim.length; break; }
        const ch = sql[i];
        if (ch === '\\' && !raw) {
          const [decoded, used] = unescape(sql, i);
          value += decoded;
          i += used;
          continue;
        }
        if (ch === '\\' && raw) { value += sql.slice(i, i + 2); i += 2; continue; }
        if (ch === '\n' && !triple) throw new TranslateError('newline inside a string literal (BigQuery rejects it)');
        value += ch;
        i++;
      }
      out.push({ kind: 'string', text: sql.slice(start, i), value });
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      i++;
      while (i < n && /\w/.test(sql[i])) i++;
      out.push({ kind: 'param', text: sql.slice(start, i), value: sql.slice(start + 1, i) });
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[\w$]/.test(sql[i])) i++;
      out.push({ kind: 'word', text: sql.slice(start, i) });
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(sql[i + 1] ?? ''))) {
      while (i < n && /[\d.eE]/.test(sql[i])) {
        if ((sql[i] === 'e' || sql[i] === 'E') && /[+-]/.test(sql[i + 1] ?? '')) i++;
        i++;
      }
      out.push({ kind: 'number', text: sql.slice(start, i) });
    } else {
      const two = sql.slice(i, i + 2);
      i += ['<=', '>=', '<>', '!=', '||'].includes(two) ? 2 : 1;
      out.push({ kind: 'punct', text: sql.slice(start, i) });
    }
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07',
  '\\': '\\', "'": "'", '"': '"', '`': '`', '?': '?',
};

function unescape(sql: string, i: number): [string, number] {
  const e = sql[i + 1];
  if (e === undefined) throw new TranslateError('dangling backslash in string literal');
  if (e in SIMPLE_ESCAPES) return [SIMPLE_ESCAPES[e], 2];
  if (e === 'x' || e === 'X') return [String.fromCodePoint(parseInt(sql.slice(i + 2, i + 4), 16)), 4];
  if (e === 'u') return [String.fromCodePoint(parseInt(sql.slice(i + 2, i + 6), 16)), 6];
  if (e === 'U') return [String.fromCodePoint(parseInt(sql.slice(i + 2, i + 10), 16)), 10];
  if (/[0-7]/.test(e)) return [String.fromCodePoint(parseInt(sql.slice(i + 1, i + 4), 8)), 4];
  throw new TranslateError(`unknown escape \\${e} in string literal`);
}

/** A DuckDB string literal: single quotes, doubled to escape. */
export function duckString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A DuckDB identifier, quoted only when it must be. */
function duckIdent(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

const TYPE_WORDS: Record<string, string> = {
  INT64: 'BIGINT', FLOAT64: 'DOUBLE', BOOL: 'BOOLEAN', NUMERIC: 'DECIMAL(38,9)',
  BIGNUMERIC: 'DOUBLE', BYTES: 'BLOB', STRING: 'VARCHAR',
};

/** Renames with identical arguments. */
const RENAMES: Record<string, string> = {
  COUNTIF: 'count_if', LOGICAL_OR: 'bool_or', LOGICAL_AND: 'bool_and', ARRAY_LENGTH: 'len',
};

const DATE_PARTS = new Set(['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND']);
/** Parts BigQuery's TIMESTAMP_DIFF does not take (it stops at DAY). */
const CALENDAR_PARTS = new Set(['WEEK', 'MONTH', 'QUARTER', 'YEAR']);

/** Translate one BigQuery script (one or more statements) to DuckDB. */
export function translate(sql: string): string {
  const tokens = tokenize(sql);
  return emit(tokens, 0, tokens.length);
}

function isWord(t: Token | undefined, w: string): boolean {
  return !!t && t.kind === 'word' && t.text.toUpperCase() === w;
}

/** Index of the next non-whitespace, non-comment token at or after i. */
function next(tokens: Token[], i: number, end = tokens.length): number {
  while (i < end && (tokens[i].kind === 'ws' || tokens[i].kind === 'comment')) i++;
  return i;
}

/** Given the index of an opening paren, the index of its matching close paren. */
function matchParen(tokens: Token[], open: number, end: number): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    if (tokens[i].text === '(' && tokens[i].kind === 'punct') depth++;
    else if (tokens[i].text === ')' && tokens[i].kind === 'punct' && --depth === 0) return i;
  }
  throw new TranslateError('unbalanced parentheses');
}

/** Splits the tokens between parens at top-level commas: [start, end) ranges. */
function splitArgs(tokens: Token[], open: number, close: number): [number, number][] {
  const args: [number, number][] = [];
  let depth = 0;
  let from = open + 1;
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i];
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    else if (t.text === ',' && depth === 0) { args.push([from, i]); from = i + 1; }
  }
  if (close > open + 1) args.push([from, close]);
  return args;
}

function emit(tokens: Token[], from: number, to: number): string {
  let out = '';
  let i = from;
  let inCreateTable = false;
  let createDepth = 0;
  let depth = 0;
  while (i < to) {
    const t = tokens[i];
    if (t.kind === 'qident') { out += tablePath(t.value!); i++; continue; }
    if (t.kind === 'string') { out += duckString(t.value!); i++; continue; }
    if (t.kind === 'param') { out += `$${t.value}`; i++; continue; }
    if (t.kind === 'punct') {
      if (t.text === '(') depth++;
      if (t.text === ')') depth--;
      if (t.text === ';') inCreateTable = false;
      out += t.text;
      i++;
      continue;
    }
    if (t.kind !== 'word') { out += t.text; i++; continue; }

    const upper = t.text.toUpperCase();
    const after = next(tokens, i + 1, to);
    const callOpen = tokens[after]?.text === '(' && tokens[after]?.kind === 'punct' ? after : -1;

    // CREATE [OR REPLACE] TABLE …: remember it, to drop BigQuery-only clauses after the columns.
    if (upper === 'CREATE') { inCreateTable = true; createDepth = depth; }
    if (inCreateTable && depth === createDepth && (upper === 'PARTITION' || upper === 'CLUSTER' || upper === 'OPTIONS')) {
      i = skipTableClause(tokens, i, to);
      continue;
    }
    if (upper === 'AS' && inCreateTable && depth === createDepth) inCreateTable = false;

    // COMMIT TRANSACTION / ROLLBACK TRANSACTION: DuckDB takes the bare verb.
    if ((upper === 'COMMIT' || upper === 'ROLLBACK') && isWord(tokens[after], 'TRANSACTION')) {
      out += upper;
      i = after + 1;
      continue;
    }

    // x IN UNNEST(array) → x IN (SELECT UNNEST(array)).
    if (upper === 'IN' && isWord(tokens[after], 'UNNEST')) {
      const open = next(tokens, after + 1, to);
      const close = matchParen(tokens, open, to);
      out += `IN (SELECT UNNEST(${emit(tokens, open + 1, close)}))`;
      i = close + 1;
      continue;
    }

    // FROM UNNEST(array) AS x → FROM (SELECT UNNEST(array) AS x): DuckDB's unnest
    // table function would name its column after the function, not the alias.
    if (upper === 'UNNEST' && callOpen >= 0) {
      const close = matchParen(tokens, callOpen, to);
      const asAt = next(tokens, close + 1, to);
      const aliasAt = isWord(tokens[asAt], 'AS') ? next(tokens, asAt + 1, to) : -1;
      if (aliasAt > 0 && tokens[aliasAt]?.kind === 'word') {
        const alias = tokens[aliasAt].text;
        out += `(SELECT UNNEST(${emit(tokens, callOpen + 1, close)}) AS ${alias}) AS _unnest_${alias}`;
        i = aliasAt + 1;
        continue;
      }
    }

    // ARRAY<T> → T[] (in DDL and CAST).
    if (upper === 'ARRAY' && tokens[after]?.text === '<') {
      const close = tokens.findIndex((x, k) => k > after && x.text === '>');
      if (close < 0) throw new TranslateError('unterminated ARRAY<…> type');
      out += `${emit(tokens, after + 1, close).trim()}[]`;
      i = close + 1;
      continue;
    }

    if (callOpen >= 0) {
      const fn = rewriteCall(upper, tokens, callOpen, to);
      if (fn) { out += fn.text; i = fn.next; continue; }
    }

    if (upper in TYPE_WORDS && callOpen < 0) { out += TYPE_WORDS[upper]; i++; continue; }
    out += t.text;
    i++;
  }
  return out;
}

/** Skips PARTITION BY …, CLUSTER BY …, OPTIONS(…) up to the next clause or statement end. */
function skipTableClause(tokens: Token[], i: number, to: number): number {
  const stops = new Set(['PARTITION', 'CLUSTER', 'OPTIONS', 'AS']);
  let k = i + 1;
  let depth = 0;
  while (k < to) {
    const t = tokens[k];
    if (t.kind === 'punct' && t.text === '(') depth++;
    else if (t.kind === 'punct' && t.text === ')') depth--;
    else if (depth === 0 && t.kind === 'punct' && t.text === ';') break;
    else if (depth === 0 && t.kind === 'word' && stops.has(t.text.toUpperCase())) break;
    k++;
  }
  return k;
}

function rewriteCall(name: string, tokens: Token[], open: number, to: number): { text: string; next: number } | null {
  const close = matchParen(tokens, open, to);
  const args = () => splitArgs(tokens, open, close).map(([a, b]) => emit(tokens, a, b).trim());
  const done = (text: string) => ({ text, next: close + 1 });
  if (name in RENAMES) return done(`${RENAMES[name]}(${args().join(', ')})`);
  switch (name) {
    case 'ARRAY_AGG': return arrayAgg(tokens, open, close, to);
    case 'SAFE_DIVIDE': {
      const [a, b] = args();
      return done(`(CASE WHEN (${b}) = 0 THEN NULL ELSE (${a}) / (${b}) END)`);
    }
    // An INTERVAL n UNIT argument is valid DuckDB as it stands; date arithmetic
    // in DuckDB yields a TIMESTAMP, so DATE_* casts back to DATE as BigQuery does.
    case 'TIMESTAMP_SUB': { const [a, b] = args(); return done(`((${a}) - ${b})`); }
    case 'TIMESTAMP_ADD': { const [a, b] = args(); return done(`((${a}) + ${b})`); }
    case 'DATE_SUB': { const [a, b] = args(); return done(`CAST((${a}) - ${b} AS DATE)`); }
    case 'DATE_ADD': { const [a, b] = args(); return done(`CAST((${a}) + ${b} AS DATE)`); }
    // DATE_DIFF counts part boundaries crossed, as DuckDB's date_diff does, except
    // WEEK (BigQuery's weeks start on Sunday, DuckDB's on Monday): refused.
    // TIMESTAMP_DIFF counts whole intervals elapsed: DuckDB's date_sub; its calendar
    // parts are refused, as BigQuery refuses them.
    case 'DATE_DIFF':
    case 'TIMESTAMP_DIFF': {
      const [a, b, part] = args();
      const unit = part.toUpperCase();
      if (!DATE_PARTS.has(unit) || (name === 'DATE_DIFF' ? unit === 'WEEK' : CALENDAR_PARTS.has(unit))) throw new TranslateError(`${name}: unsupported part ${part}`);
      return done(`${name === 'DATE_DIFF' ? 'date_diff' : 'date_sub'}('${part.toLowerCase()}', ${b}, ${a})`);
    }
    case 'DATE': {
      const a = args();
      if (a.length !== 1) return null;
      return done(`CAST(${a[0]} AS DATE)`);
    }
    // BigQuery's integer division; DuckDB spells it //.
    case 'DIV': { const [a, b] = args(); return done(`((${a}) // (${b}))`); }
    case 'CURRENT_TIMESTAMP': return done('current_timestamp');
    case 'CURRENT_DATE': return done('current_date');
    case 'TO_JSON_STRING': return done(`CAST(to_json(${args()[0]}) AS VARCHAR)`);
    case 'FORMAT_DATE': { const [fmt, d] = args(); return done(`strftime(${d}, ${fmt})`); }
    default: return null;
  }
}

/** BigQuery's array subscripts: the 0-based ones, and whether out of range is NULL. */
const SUBSCRIPTS: Record<string, { base: 0 | 1; safe: boolean }> = {
  OFFSET: { base: 0, safe: false }, SAFE_OFFSET: { base: 0, safe: true },
  ORDINAL: { base: 1, safe: false }, SAFE_ORDINAL: { base: 1, safe: true },
};

/**
 * ARRAY_AGG(x [ORDER BY keys] [LIMIT n]) and a subscript after it.
 *  - ORDER BY: BigQuery sorts NULLs first ascending and last descending, DuckDB
 *    last both ways, so each key without NULLS FIRST/LAST gets BigQuery's;
 *  - LIMIT n (not valid DuckDB inside an aggregate): the first n of the list;
 *  - [OFFSET(k)]: DuckDB lists are 1-based, a negative index counts from the end
 *    and one past the end is NULL; BigQuery fails on an index out of range
 *    (NULL with SAFE_), and a NULL array (no rows) gives NULL.
 */
function arrayAgg(tokens: Token[], open: number, close: number, to: number): { text: string; next: number } | null {
  const afterCall = next(tokens, close + 1, to);
  if (isWord(tokens[afterCall], 'OVER')) return null; // the analytic form: left as it is
  let orderAt = -1;
  let limitAt = -1;
  let depth = 0;
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i];
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
    else if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
    else if (depth === 0 && isWord(t, 'ORDER') && isWord(tokens[next(tokens, i + 1, close)], 'BY')) orderAt = i;
    else if (depth === 0 && isWord(t, 'LIMIT')) limitAt = i;
    else if (depth === 0 && (isWord(t, 'IGNORE') || isWord(t, 'RESPECT'))) throw new TranslateError('ARRAY_AGG: IGNORE/RESPECT NULLS is not supported');
  }
  const valueEnd = orderAt >= 0 ? orderAt : limitAt >= 0 ? limitAt : close;
  let agg = `array_agg(${emit(tokens, open + 1, valueEnd).trim()}`;
  if (orderAt >= 0) {
    const by = next(tokens, orderAt + 1, close);
    const keysEnd = limitAt >= 0 ? limitAt : close;
    const keys = splitArgs(tokens, by, keysEnd).map(([a, b]) => {
      const words = tokens.slice(a, b).filter((t) => t.kind === 'word').map((t) => t.text.toUpperCase());
      const key = emit(tokens, a, b).trim();
      if (words.includes('NULLS')) return key;
      return `${key} ${words.at(-1) === 'DESC' ? 'NULLS LAST' : 'NULLS FIRST'}`;
    });
    agg += ` ORDER BY ${keys.join(', ')}`;
  }
  agg += ')';
  if (limitAt >= 0) {
    const n = emit(tokens, next(tokens, limitAt + 1, close), close).trim();
    if (!/^\d+$/.test(n)) throw new TranslateError(`ARRAY_AGG: LIMIT must be a number, not ${n}`);
    agg = `list_slice(${agg}, 1, ${n})`;
  }

  // A subscript: [OFFSET(k)], [SAFE_OFFSET(k)], [ORDINAL(k)], [SAFE_ORDINAL(k)].
  const bracket = afterCall;
  const kindAt = next(tokens, bracket + 1, to);
  const kind = tokens[kindAt]?.text.toUpperCase();
  if (tokens[bracket]?.text !== '[' || tokens[kindAt]?.kind !== 'word' || !(kind! in SUBSCRIPTS)) return { text: agg, next: close + 1 };
  const kOpen = next(tokens, kindAt + 1, to);
  if (tokens[kOpen]?.text !== '(') throw new TranslateError(`ARRAY_AGG(…)[${kind}…]: expected ${kind}(index)`);
  const kClose = matchParen(tokens, kOpen, to);
  const end = next(tokens, kClose + 1, to);
  if (tokens[end]?.text !== ']') throw new TranslateError(`ARRAY_AGG(…)[${kind}(…)]: expected ]`);
  const { base, safe } = SUBSCRIPTS[kind!];
  const k = `(${emit(tokens, kOpen + 1, kClose).trim()})`;
  const index = base === 0 ? `${k} + 1` : k; // DuckDB's 1-based position
  const inRange = `${index} >= 1 AND ${index} <= len(${agg})`;
  const text = safe
    ? `(CASE WHEN ${inRange} THEN (${agg})[${index}] END)`
    : `(CASE WHEN (${agg}) IS NULL THEN NULL WHEN ${inRange} THEN (${agg})[${index}] ELSE error(concat('Array index ', ${k}, ' is out of bounds')) END)`;
  return { text, next: end + 1 };
}

/** `project.dataset.table` → `dataset.table`: BigQuery datasets are DuckDB schemas. */
function tablePath(path: string): string {
  const parts = path.split('.');
  const kept = parts.length === 3 ? parts.slice(1) : parts;
  return kept.map(duckIdent).join('.');
}

/** Splits a script into statements at top-level semicolons (literals and comments respected). */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const t of tokenize(sql)) {
    if (t.kind === 'punct' && t.text === ';') {
      if (current.trim()) out.push(current.trim());
      current = '';
    } else current += t.text;
  }
  const onlyComments = tokenize(current).every((t) => t.kind === 'ws' || t.kind === 'comment');
  if (!onlyComments) out.push(current.trim());
  return out;
}

import { splitStatements, tokenize } from '../warehouse/translate.ts';

/** Backticked BigQuery table paths, as operators paste them into `bq query`. */
export function table(project: string, name: string): string {
  return `\`${project}.${name}\``;
}

/** Ranks a processor's attempts at a date, latest first: a date's current state is its rank-1 row. */
export const LATEST_ATTEMPT = 'ROW_NUMBER() OVER (PARTITION BY processor_name, data_date ORDER BY attempt DESC, started_at DESC)';

/**
 * The sandbox (--sandbox-suffix S): every dataset the reference platform writes
 * becomes `<dataset>S`, so a try-out on a real project never touches the
 * platform's tables. Phase 2 (`nba_raw`) stays the real one, read-only, and so
 * does the seed marker that describes it.
 */
export const SANDBOXED_DATASETS: readonly string[] = ['nba_analytics', 'nba_precompute', 'nba_predictions', 'nba_reference'];
/** Tables in a sandboxed dataset that belong with Phase 2 and are never moved. */
const KEPT_TABLES = new Set(['nba_reference.seed_info']);

/** Where a query's dataset names point: the real datasets, or a sandbox. */
export interface DatasetResolver {
  /** The sandbox suffix, or null for the real datasets. */
  readonly suffix: string | null;
  /** A query with every sandboxed dataset renamed (identity without a sandbox). */
  sql(sql: string): string;
  /** `dataset.table` as queries actually reach it. */
  name(datasetTable: string): string;
}

export const REAL_DATASETS: DatasetResolver = { suffix: null, sql: (s) => s, name: (n) => n };

export function sandboxResolver(suffix: string): DatasetResolver {
  const moved = (dataset: string, tbl?: string) =>
    SANDBOXED_DATASETS.includes(dataset.toLowerCase()) && !(tbl && KEPT_TABLES.has(`${dataset}.${tbl}`.toLowerCase()));
  const renamePath = (parts: string[]): string[] => {
    // `project.dataset.table`, `dataset.table` or `project.dataset` (CREATE SCHEMA): rename the part that is a dataset.
    return parts.map((part, k) => (moved(part, parts[k + 1]) ? `${part}${suffix}` : part));
  };
  return {
    suffix,
    name: (n) => renamePath(n.split('.')).join('.'),
    // On tokens, so literals and comments (a dependency named in an error message) keep the real names.
    sql: (sql) => {
      const tokens = tokenize(sql);
      return tokens.map((t, k) => {
        if (t.kind === 'qident') return `\`${renamePath(t.value!.split('.')).join('.')}\``;
        if (t.kind === 'word' && moved(t.text)) {
          // A bare dataset: `nba_analytics.t` or `CREATE SCHEMA nba_analytics`; never a column `x.nba_analytics` or `AS nba_analytics`.
          const before = tokens.slice(Math.max(0, k - 12), k).filter((x) => x.kind !== 'ws' && x.kind !== 'comment');
          if (before.at(-1)?.text === '.') return t.text;
          const next = tokens[k + 1]?.text === '.' ? tokens[k + 2] : undefined;
          const tablePath = next?.kind === 'word' && moved(t.text, next.text);
          const schemaName = before.slice(-4).some((x) => /^SCHEMA$/i.test(x.text));
          return tablePath || schemaName ? `${t.text}${suffix}` : t.text;
        }
        return t.text;
      }).join('');
    },
  };
}

const WRITES = /^(INSERT|DELETE|UPDATE|MERGE|TRUNCATE|CREATE|DROP|ALTER)$/i;

/**
 * The dataset each mutating statement of the SQL writes to (DML target, table
 * or schema created/dropped); temporary tables have none. Used to refuse a write
 * outside the sandbox before it is sent.
 */
export function writeTargets(sql: string): { statement: string; dataset: string | null; target: string }[] {
  const out: { statement: string; dataset: string | null; target: string }[] = [];
  for (const stmt of splitStatements(sql)) {
    const tokens = tokenize(stmt).filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
    const verb = tokens[0]?.text ?? '';
    if (!WRITES.test(verb)) continue;
    const schema = tokens.slice(0, 6).some((t) => /^SCHEMA$/i.test(t.text));
    const k = tokens.findIndex((t, i) => i > 0 && (t.kind === 'qident' || (t.kind === 'word' && !KEYWORDS.has(t.text.toUpperCase()))));
    if (k < 0) continue;
    const t = tokens[k];
    let parts: string[];
    if (t.kind === 'qident') parts = t.value!.split('.');
    else {
      parts = [t.text];
      for (let i = k + 1; tokens[i]?.text === '.' && tokens[i + 1]; i += 2) parts.push(tokens[i + 1].text);
    }
    const temp = tokens.slice(0, k).some((x) => /^(TEMP|TEMPORARY)$/i.test(x.text));
    const dataset = temp ? null : schema ? parts.at(-1)! : parts.length >= 2 ? parts.at(-2)! : null;
    out.push({ statement: verb.toUpperCase(), dataset, target: parts.join('.') });
  }
  return out;
}

const KEYWORDS = new Set(['INTO', 'FROM', 'TABLE', 'SCHEMA', 'IF', 'NOT', 'EXISTS', 'OR', 'REPLACE', 'TEMP', 'TEMPORARY', 'VIEW', 'MATERIALIZED']);

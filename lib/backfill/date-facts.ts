/**
 * What a run needs to know about its dates before it writes anything, read in
 * ONE query: the final game dates of the range (or of a date list), and for
 * each table a job reads (its dependencies, its scope) which of those dates it
 * has rows on. On BigQuery every query is a job of about a second whatever its
 * size; a UNION ALL of the per-table reads scans the same partitions in one job.
 */
import { p, type Params } from '../warehouse/params.ts';
import type { Warehouse } from '../warehouse/types.ts';
import { table } from '../queries/tables.ts';

/** A table read by its date column. */
export interface DatedTable { table: string; dateColumn: string }

/** Dates of a range, or an explicit list. */
export type DateSpan = { start: string; end: string } | { dates: string[] };

export interface DateFacts {
  /** Final game dates (game_status = 3) in the span, ascending. */
  games: string[];
  /** Per table (see factKey): the dates of the span it has rows on. */
  present: Map<string, Set<string>>;
  /** Per table asked for in `firstOf`: its earliest date anywhere, or null when empty. */
  first: Map<string, string | null>;
}

export const factKey = (t: DatedTable) => `${t.table}|${t.dateColumn}`;

/**
 * One query: `games` from the schedule (unless `games: false`), every table's
 * dates within the span (partition-pruned by the same bounds), and the earliest
 * date of `firstOf`'s tables (the odds feed's start, for the dry run's "scope starts").
 */
export async function readDateFacts(
  w: Warehouse, span: DateSpan, o: { tables?: DatedTable[]; firstOf?: DatedTable[]; games?: boolean } = {},
): Promise<DateFacts> {
  const within = (col: string) => spanFilter(col, span).where;
  const params = spanFilter('d', span).params;
  const unique = <T extends DatedTable>(ts: T[]) => [...new Map(ts.map((t) => [factKey(t), t])).values()];
  const reads = unique(o.tables ?? []);
  const firsts = unique(o.firstOf ?? []);
  const branches = [
    ...(o.games === false ? [] : [`SELECT 'games' AS k, game_date AS d FROM (SELECT DISTINCT game_date FROM ${table(w.project, 'nba_raw.nbac_schedule')} WHERE game_status = 3 AND ${within('game_date')}) AS g`]),
    ...reads.map((t, i) => `SELECT 't${i}' AS k, d FROM (SELECT DISTINCT ${t.dateColumn} AS d FROM ${table(w.project, t.table)} WHERE ${within(t.dateColumn)}) AS t${i}`),
    ...firsts.map((t, i) => `SELECT 'f${i}' AS k, MIN(${t.dateColumn}) AS d FROM ${table(w.project, t.table)}`),
  ];
  // An empty date list selects nothing: no need to ask.
  const rows = ('dates' in span && !span.dates.length && !firsts.length) || !branches.length
    ? []
    : (await w.query<{ k: string; d: string | null }>(branches.join('\nUNION ALL\n'), params)).rows;
  const facts: DateFacts = { games: [], present: new Map(reads.map((t) => [factKey(t), new Set<string>()])), first: new Map(firsts.map((t) => [factKey(t), null])) };
  for (const r of rows) {
    if (r.k === 'games') facts.games.push(r.d!);
    else if (r.k.startsWith('t')) facts.present.get(factKey(reads[Number(r.k.slice(1))]))!.add(r.d!);
    else facts.first.set(factKey(firsts[Number(r.k.slice(1))]), r.d);
  }
  facts.games.sort();
  return facts;
}

/** A filter on a date column to the span, and its parameters (@dates, or @start_date and @end_date). */
export function spanFilter(column: string, span: DateSpan): { where: string; params: Params } {
  return 'dates' in span
    ? { where: `${column} IN UNNEST(@dates)`, params: { dates: p.dates(span.dates) } }
    : { where: `${column} BETWEEN @start_date AND @end_date`, params: { start_date: p.date(span.start), end_date: p.date(span.end) } };
}

/**
 * Facts read once for several jobs, with what earlier jobs of the same sequence
 * reported of their own output (its dates in the span after their last chunk).
 */
export function withKnown(shared: DateFacts, known: { table: DatedTable; dates: string[] }[]): DateFacts {
  const present = new Map(shared.present);
  for (const k of known) present.set(factKey(k.table), new Set(k.dates));
  return { games: shared.games, present, first: shared.first };
}

/** Dates (of those given) on which the table has no rows, by the facts read. */
export function datesLacking(facts: DateFacts, t: DatedTable, dates: string[]): Set<string> {
  const present = facts.present.get(factKey(t));
  if (!present) throw new Error(`no facts read for ${t.table}.${t.dateColumn}`);
  return new Set(dates.filter((d) => !present.has(d)));
}

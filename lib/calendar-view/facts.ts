/**
 * The facts a coverage calendar is drawn from, loaded once for a range and a
 * set of tables. Kept as plain sets and maps so the drawing and the arithmetic
 * built on them (Step 5's expected outcomes) are pure and testable.
 */
import type { Phase } from '../jobs/types.ts';
import type { DateRange } from '../notebook/flags.ts';
import type { Warehouse } from '../warehouse/types.ts';
import { latestAttempts, type LatestAttemptRow } from './queries.ts';
import { datesLacking, factKey, readDateFacts } from '../backfill/date-facts.ts';
import type { LatestAttempt } from './states.ts';

/** What the calendar needs of a job; a RegisteredJob is one. */
export interface CoverageSource {
  job: string;
  processorName: string;
  phase: Phase;
  output: { name: string; dateColumn: string };
  /** Dates outside this table's dates are expected to be empty (the player context needs props lines). */
  scope?: { table: string; dateColumn: string; skipReason?: string };
}

export interface TableFacts {
  source: CoverageSource;
  /** Dates the table has rows for. */
  present: Set<string>;
  /** The latest attempt per date. */
  latest: Map<string, LatestAttempt>;
  /** Game dates outside the source's scope (e.g. without props lines); empty without a scope. */
  outOfScope: Set<string>;
}

export interface CoverageFacts {
  range: DateRange;
  gameDates: Set<string>;
  tables: TableFacts[];
}

/**
 * Two reads at once (on BigQuery, two jobs side by side): the game dates with
 * every table's and scope's dates (one UNION ALL), and the latest attempts.
 */
export async function loadCoverageFacts(w: Warehouse, sources: readonly CoverageSource[], range: DateRange): Promise<CoverageFacts> {
  const outputs = sources.map((s) => ({ table: s.output.name, dateColumn: s.output.dateColumn }));
  const scopes = sources.flatMap((s) => (s.scope ? [s.scope] : []));
  const attempts = sources.length ? latestAttempts(w.project, sources.map((s) => s.processorName), range) : null;
  const [facts, latestRows] = await w.hold(() => Promise.all([
    readDateFacts(w, range, { tables: [...outputs, ...scopes] }),
    attempts ? w.query<LatestAttemptRow>(attempts.sql, attempts.params).then((r) => r.rows) : Promise.resolve([]),
  ]));
  const gameDates = new Set(facts.games);
  const latest = new Map<string, Map<string, LatestAttempt>>(sources.map((s) => [s.processorName, new Map()]));
  for (const r of latestRows) {
    latest.get(r.processor_name)?.set(r.data_date, {
      status: r.status, skip_reason: r.skip_reason, missing_dependencies: r.missing_dependencies, errors: r.errors, records_processed: r.records_processed,
    });
  }
  return {
    range,
    gameDates,
    tables: sources.map((source, k) => ({
      source,
      present: facts.present.get(factKey(outputs[k]))!,
      latest: latest.get(source.processorName)!,
      outOfScope: source.scope ? datesLacking(facts, source.scope, [...gameDates]) : new Set<string>(),
    })),
  };
}

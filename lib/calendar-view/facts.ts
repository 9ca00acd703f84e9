/**
 * The facts a coverage calendar is drawn from, loaded once for a range and a
 * set of tables. Kept as plain sets and maps so the drawing and the arithmetic
 * built on them (Step 5's expected outcomes) are pure and testable.
 */
import type { Phase } from '../jobs/types.ts';
import type { DateRange } from '../notebook/flags.ts';
import type { Warehouse } from '../warehouse/types.ts';
import { datesPresent, gameDays, latestAttempts, type LatestAttemptRow } from './queries.ts';
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

export async function loadCoverageFacts(w: Warehouse, sources: readonly CoverageSource[], range: DateRange): Promise<CoverageFacts> {
  return w.hold(async () => {
    const games = await w.query<{ game_date: string }>(gameDays(w.project, range).sql, gameDays(w.project, range).params);
    const gameDates = new Set(games.rows.map((r) => r.game_date));
    const present = new Map<string, Set<string>>(sources.map((s) => [s.output.name, new Set<string>()]));
    if (sources.length) {
      const q = datesPresent(w.project, sources.map((s) => s.output), range);
      for (const r of (await w.query<{ table_name: string; d: string }>(q.sql, q.params)).rows) present.get(r.table_name)?.add(r.d);
    }
    const latest = new Map<string, Map<string, LatestAttempt>>(sources.map((s) => [s.processorName, new Map()]));
    if (sources.length) {
      const q = latestAttempts(w.project, sources.map((s) => s.processorName), range);
      for (const r of (await w.query<LatestAttemptRow>(q.sql, q.params)).rows) {
        latest.get(r.processor_name)?.set(r.data_date, {
          status: r.status, skip_reason: r.skip_reason, missing_dependencies: r.missing_dependencies, errors: r.errors, records_processed: r.records_processed,
        });
      }
    }
    const scopes = new Map<string, Set<string>>();
    for (const s of sources) {
      if (!s.scope || scopes.has(s.scope.table)) continue;
      const q = datesPresent(w.project, [{ name: s.scope.table, dateColumn: s.scope.dateColumn }], range);
      scopes.set(s.scope.table, new Set((await w.query<{ d: string }>(q.sql, q.params)).rows.map((r) => r.d)));
    }
    return {
      range,
      gameDates,
      tables: sources.map((source) => {
        const scope = source.scope ? scopes.get(source.scope.table)! : null;
        return {
          source,
          present: present.get(source.output.name)!,
          latest: latest.get(source.processorName)!,
          outOfScope: new Set(scope ? [...gameDates].filter((d) => !scope.has(d)) : []),
        };
      }),
    };
  });
}

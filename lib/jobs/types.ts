/**
 * What a backfill job is: the registry (lib/jobs/registry.ts) lists them, the
 * runner (lib/backfill) runs them. Names are fixed by DATA-CONTRACT.md.
 */
import type { TableDef } from '../seed/schema.ts';

export type Phase = 'phase_2_raw' | 'phase_3_analytics' | 'phase_4_precompute';

/** An upstream table a job reads for a date. */
export interface Dependency {
  /** dataset.table */
  table: string;
  dateColumn: string;
  /**
   * Days before the date that are read too (0: the date itself only). Only the
   * date itself must have data; the lookback feeds completeness_pct.
   */
  lookbackDays: number;
  /** When false, missing data degrades the output instead of failing the date. */
  required: boolean;
  /**
   * Alternatives: dependencies sharing an anyOf name stand in for one another (two
   * sources of the same box scores). Each is required: false on its own; the date
   * fails with DependencyError only when no member of the group has data for it.
   */
  anyOf?: string;
}

export interface ProcessorDef {
  /** 'analytics/player_game_summary', as run_backfill.sh names it. */
  job: string;
  processorName: string;
  phase: Phase;
  /** The output table, with its columns documented. */
  output: TableDef;
  /** Phase 4 order, 1..5; Phase 3 jobs run in parallel and have none. */
  order?: number;
  dependencies: Dependency[];
  /** One line for --list and RUNBOOK.md. */
  description: string;
  /**
   * BigQuery SQL that inserts the output rows for every date in the DATE array
   * parameter @dates (set-based: one statement for all of them), bound with
   * `insertParams` (lib/jobs/dates.ts). The runner deletes those dates first, in the same
   * transaction, so a re-run replaces them.
   * It must read only data available before or on each date (Phase 4: strictly before).
   */
  insertSql(project: string): string;
}

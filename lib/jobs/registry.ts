/**
 * Every backfill job run_backfill.sh knows, by the names of the data contract:
 * the six Phase 2 re-loads, the five Phase 3 processors (parallel) and the five
 * Phase 4 processors (strictly in order, each depending on the ones before).
 */
import type { RunnableJob } from '../backfill/runner.ts';
import type { Warehouse } from '../warehouse/types.ts';
import { ensureDdl } from '../warehouse/open.ts';
import { PHASE2_LOADS } from '../seed/phase2-loads.ts';
import { PHASE2_TABLES, createTableSql } from '../seed/schema.ts';
import { PHASE3_PROCESSORS } from './phase3/index.ts';
import { PHASE4_PROCESSORS } from './phase4/index.ts';
import type { ProcessorDef } from './types.ts';

export interface RegisteredJob extends RunnableJob {
  description: string;
  order?: number;
  /** The table definition, for `--list`, RUNBOOK.md and data checks. */
  columns: [string, string, string][];
}

const TEAM_TABLES = new Set(['nba_analytics.team_offense_game_summary', 'nba_analytics.team_defense_game_summary', 'nba_analytics.upcoming_team_game_context']);

function fromProcessor(def: ProcessorDef): RegisteredJob {
  return {
    job: def.job, processorName: def.processorName, phase: def.phase, description: def.description, order: def.order,
    output: { name: def.output.name, dateColumn: def.output.dateColumn, keys: def.output.keys },
    columns: def.output.columns,
    dependencies: def.dependencies,
    createSql: (project) => createTableSql(def.output, project),
    // Team tables hold one row per team per final game: the data check holds them to the schedule.
    rowsPerGame: TEAM_TABLES.has(def.output.name) ? 2 : undefined,
    insertSql: (project) => def.insertSql(project),
    // The player context exists only where props lines do (hence ~270 dates): other dates are skipped, not failed.
    scope: def.processorName === 'UpcomingPlayerGameContextProcessor'
      ? { table: 'nba_raw.odds_api_player_points_props', dateColumn: 'game_date', skipReason: 'no_props_lines' }
      : undefined,
  };
}

const phase2: RegisteredJob[] = PHASE2_LOADS.map((l) => {
  const def = PHASE2_TABLES.find((t) => t.name === l.table)!;
  return {
    job: l.job, processorName: l.processorName, phase: 'phase_2_raw' as const,
    description: `re-load ${l.table} from its source for the given dates`,
    output: { name: def.name, dateColumn: def.dateColumn, keys: def.keys },
    columns: def.columns,
    dependencies: [],
    // The generator loads only when a re-load actually runs.
    load: async (w, dates, alsoCommit) => (await import('../seed/load.ts')).reloadPhase2Dates(w, l.table, dates, { alsoCommit }),
  };
});

export const JOBS: RegisteredJob[] = [...phase2, ...PHASE3_PROCESSORS.map(fromProcessor), ...PHASE4_PROCESSORS.map(fromProcessor)];

export const PHASE3_JOBS = JOBS.filter((j) => j.phase === 'phase_3_analytics');
export const PHASE4_JOBS = JOBS.filter((j) => j.phase === 'phase_4_precompute').sort((a, b) => (a.order ?? 0) - (b.order ?? 0));

/** Every job's output table, so validation queries find them before the first run. */
export async function ensureJobTables(w: Warehouse): Promise<void> {
  await ensureDdl(w, jobTablesDdl(w));
}

export function jobTablesDdl(w: Warehouse): string[] {
  return JOBS.flatMap((j) => (j.createSql ? [j.createSql(w.project)] : []));
}

export function findJob(name: string): RegisteredJob | undefined {
  return JOBS.find((j) => j.job === name);
}

export function jobForTable(tableName: string): RegisteredJob | undefined {
  return JOBS.find((j) => j.output.name === tableName || j.output.name.endsWith(`.${tableName}`));
}

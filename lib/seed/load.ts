/**
 * Writing the generated Phase 2 data into a warehouse: the first-run seed (all
 * four seasons, minus the planned gaps) and the Phase 2 re-load jobs that fix a
 * gap by regenerating its dates, as re-running a source's load would.
 */
import { buildLeague, checkScale, type League } from './generate.ts';
import { gapFor, GAP_PLAN, unrecoverableReason } from './gaps.ts';
import { insertStatements, rowValues } from './insert.ts';
import { PHASE2_TABLE_NAMES, type Phase2Rows, type Phase2Table } from './rows.ts';
import { PHASE2_TABLES, createTableSql, type TableDef } from './schema.ts';
import { AS_OF } from './seasons.ts';
import type { DuckDBWarehouse } from '../warehouse/duckdb.ts';
import { ensureBaseSchema } from '../warehouse/open.ts';
import { p } from '../warehouse/params.ts';
import { WarehouseError, stopsTheRun, unlessMissing, type Statement, type Warehouse } from '../warehouse/types.ts';

/** Bump when the generator's output changes, so an old seed is recognisably old. */
export const SEED_VERSION = 'phase2-v1';

export { PHASE2_LOADS } from './phase2-loads.ts';

export interface SeedOptions {
  scale?: number;
  /** Called after each chunk of dates is written: games done of games in total. */
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface SeedSummary {
  scale: number;
  seconds: number;
  /** Rows written per table (dataset.table). */
  rows: Record<string, number>;
  /** Dates left out per table, as GAP_PLAN says. */
  gaps: Record<string, number>;
}

export interface SeedInfo {
  version: string;
  scale: number;
  seededAt: string;
}

export interface LoadResult {
  date: string;
  ok: boolean;
  rows: number;
  reason?: string;
  /** Whose fault a failure is: 'SourceUnavailable' (the source has nothing), or the warehouse error's code. */
  errorType?: string;
}

const path = (w: Warehouse, table: string) => `\`${w.project}.${table}\``;
const SEED_INFO = 'nba_reference.seed_info';
/** Rows per table written at once by the seed. */
const BATCH_ROWS = 20_000;

/** Leagues are pure functions of their scale: re-loads share one per scale. */
const leagues = new Map<number, League>();
function leagueOf(scale: number): League {
  let league = leagues.get(scale);
  if (!league) leagues.set(scale, (league = buildLeague({ scale })));
  return league;
}

function phase2Def(table: string): { def: TableDef; short: Phase2Table } {
  const short = table.replace(/^raw\//, '').replace(/^nba_raw\./, '') as Phase2Table;
  const def = PHASE2_TABLES.find((t) => t.name === `nba_raw.${short}`);
  if (!def || !PHASE2_TABLE_NAMES.includes(short)) throw new Error(`not a Phase 2 table: ${table}`);
  return { def, short };
}

async function writeRows(w: Warehouse, def: TableDef, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  // The embedded warehouse takes a bulk append (the appender); checked by shape so the DuckDB module loads only when used.
  if (w.backend === 'duckdb' && typeof (w as Partial<DuckDBWarehouse>).append === 'function') {
    await (w as DuckDBWarehouse).append(def.name, def.columns.map(([name]) => name), rowValues(def, rows));
  } else {
    for (const s of insertStatements(w.project, def, rows)) await w.execute(s.sql, s.params);
  }
}

/** Dates grouped by calendar month: the seed's unit of work and of progress. */
function byMonth(dates: readonly string[]): [string, string[]][] {
  const out = new Map<string, string[]>();
  for (const d of dates) {
    const month = out.get(d.slice(0, 7));
    if (month) month.push(d);
    else out.set(d.slice(0, 7), [d]);
  }
  return [...out];
}

/**
 * Creates the Phase 2 tables and fills them with all four seasons, leaving out
 * the planned gaps. Replaces whatever Phase 2 rows were there. The seed marker
 * is written last, so an interrupted seed does not count as seeded.
 */
export async function seedWarehouse(w: Warehouse, opts: SeedOptions = {}): Promise<SeedSummary> {
  const started = performance.now();
  const scale = checkScale(opts.scale ?? 1);
  const rows: Record<string, number> = Object.fromEntries(PHASE2_TABLES.map((t) => [t.name, 0]));
  const gaps: Record<string, number> = Object.fromEntries(PHASE2_TABLES.map((t) => [t.name, 0]));
  const skip = new Map<Phase2Table, Set<string>>(PHASE2_TABLE_NAMES.map((t) => [t, new Set(GAP_PLAN.filter((g) => g.table === t).map((g) => g.date))]));
  await w.hold(async () => {
    await ensureBaseSchema(w);
    await createSeedInfo(w);
    await w.execute(`DELETE FROM ${path(w, SEED_INFO)} WHERE TRUE`);
    for (const t of PHASE2_TABLES) {
      await w.execute(createTableSql(t, w.project));
      await w.execute(`DELETE FROM ${path(w, t.name)} WHERE TRUE`);
    }
    const league = leagueOf(scale);
    const total = league.gameDates.reduce((n, d) => n + league.gamesOn(d).length, 0) * scale;
    let done = 0;
    opts.onProgress?.(0, total, 'generating');
    // Generated a month at a time, written in larger batches: each append has a fixed cost.
    const pending = new Map<Phase2Table, object[]>(PHASE2_TABLE_NAMES.map((t) => [t, []]));
    const flush = async (short: Phase2Table, atLeast: number) => {
      const batch = pending.get(short)!;
      if (batch.length < atLeast) return;
      await writeRows(w, phase2Def(short).def, batch);
      pending.set(short, []);
    };
    for (const [month, dates] of byMonth(league.gameDates)) {
      const generated: Phase2Rows = league.rowsFor(dates);
      for (const short of PHASE2_TABLE_NAMES) {
        const name = phase2Def(short).def.name;
        const missing = skip.get(short)!;
        const kept = (generated[short] as { game_date: string }[]).filter((r) => !missing.has(r.game_date));
        const batch = pending.get(short)!;
        for (const r of kept) batch.push(r);
        rows[name] += kept.length;
        gaps[name] += dates.filter((d) => missing.has(d)).length;
        await flush(short, BATCH_ROWS);
      }
      done += dates.reduce((n, d) => n + league.gamesOn(d).length, 0) * scale;
      opts.onProgress?.(done, total, month);
    }
    for (const short of PHASE2_TABLE_NAMES) await flush(short, 1);
    await w.execute(
      `INSERT INTO ${path(w, SEED_INFO)} (seed_version, scale, as_of, seeded_at, row_count)
VALUES (@version, @scale, @as_of, @seeded_at, @row_count)`,
      {
        version: SEED_VERSION, scale: p.int(scale), as_of: p.date(AS_OF),
        seeded_at: p.timestamp(new Date().toISOString()), row_count: p.int(Object.values(rows).reduce((a, b) => a + b, 0)),
      },
    );
  });
  return { scale, seconds: (performance.now() - started) / 1000, rows, gaps };
}

async function createSeedInfo(w: Warehouse): Promise<void> {
  await w.execute(`CREATE TABLE IF NOT EXISTS ${path(w, SEED_INFO)} (
  seed_version STRING,
  scale INT64,
  as_of DATE,
  seeded_at TIMESTAMP,
  row_count INT64
)`);
}

/** The seed marker, or null when the warehouse was never (completely) seeded. */
export async function seedInfo(w: Warehouse): Promise<SeedInfo | null> {
  const rows = await unlessMissing(w.query<{ seed_version: string; scale: number; seeded_at: string }>(
    `SELECT seed_version, scale, seeded_at FROM ${path(w, SEED_INFO)} ORDER BY seeded_at DESC LIMIT 1`,
  ).then((r) => r.rows), []); // no marker table: never seeded
  return rows.length ? { version: rows[0].seed_version, scale: rows[0].scale, seededAt: rows[0].seeded_at } : null;
}

export async function isSeeded(w: Warehouse): Promise<boolean> {
  return (await seedInfo(w)) !== null;
}

/**
 * The Phase 2 fix: re-run a table's load for some dates. Each date is replaced
 * atomically (DELETE the date, INSERT the generator's rows); a date whose data
 * the source never had fails with the source's reason and writes nothing.
 * `table` is 'nba_raw.x', 'x' or the job name 'raw/x'.
 */
export async function reloadPhase2Dates(
  w: Warehouse, table: string, dates: string[], opts: { scale?: number; alsoCommit?: (date: string) => Statement[] } = {},
): Promise<LoadResult[]> {
  const { def, short } = phase2Def(table);
  const scale = checkScale(opts.scale ?? (await seedInfo(w))?.scale ?? 1);
  const league = leagueOf(scale);
  const out: LoadResult[] = [];
  for (const date of dates) {
    const gap = gapFor(short, date);
    if (gap && !gap.recoverable) {
      out.push({ date, ok: false, rows: 0, reason: unrecoverableReason(short, league.gamesOn(date).length * scale), errorType: 'SourceUnavailable' });
      continue;
    }
    const rows = league.rowsFor([date])[short];
    try {
      await w.atomic([
        { sql: `DELETE FROM ${path(w, def.name)} WHERE ${def.dateColumn} = @date`, params: { date: p.date(date) } },
        ...insertStatements(w.project, def, rows),
        ...(opts.alsoCommit?.(date) ?? []),
      ]);
    } catch (e) {
      // The warehouse is gone: stop, the caller records what is left. Otherwise this date failed, for this reason.
      if (stopsTheRun(e) || !(e instanceof WarehouseError)) throw e;
      out.push({ date, ok: false, rows: 0, reason: e.message, errorType: e.code });
      continue;
    }
    out.push({ date, ok: true, rows: rows.length });
  }
  return out;
}

/**
 * Small warehouse files for the Step 5, monitor and troubleshoot tests: a few
 * hand-placed games (RawFixtureBuilder), every job's table, run-history rows
 * written with SQL, and the seed marker lib/seed/load.ts writes — so scripts
 * take the file as already seeded and never generate four seasons.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBWarehouse } from '../../lib/warehouse/duckdb.ts';
import { ensureBaseSchema } from '../../lib/warehouse/open.ts';
import { p } from '../../lib/warehouse/params.ts';
import { PHASE2_TABLES, createTableSql } from '../../lib/seed/schema.ts';
import { SEED_VERSION } from '../../lib/seed/load.ts';
import { ensureJobTables } from '../../lib/jobs/registry.ts';
import type { RawFixture, RawTable } from './fixtures.ts';

export const PROJECT = 'nba-props-platform';
export const ROOT = path.resolve(import.meta.dirname, '../..');
const t = (name: string) => `\`${PROJECT}.${name}\``;

export interface Attempt {
  processor: string;
  phase: 'phase_2_raw' | 'phase_3_analytics' | 'phase_4_precompute';
  date: string;
  status: 'running' | 'success' | 'failed' | 'skipped';
  runId?: string;
  attempt?: number;
  /** When it started, in minutes before now (default 10). */
  minutesAgo?: number;
  errors?: string;
  missing?: string[];
  skipReason?: string;
  pid?: number;
}

export interface SmallWarehouse { dir: string; file: string; journal: string }

/** Builds the file; `extra` runs inside with the warehouse held (insert output rows, …). */
export async function smallWarehouse(fx: RawFixture, attempts: Attempt[], extra?: (w: DuckDBWarehouse) => Promise<void>): Promise<SmallWarehouse> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-small-'));
  const file = path.join(dir, 'nba.duckdb');
  const w = new DuckDBWarehouse({ file, project: PROJECT });
  await w.hold(async () => {
    await ensureBaseSchema(w);
    await ensureJobTables(w);
    for (const def of PHASE2_TABLES) {
      await w.execute(createTableSql(def, PROJECT));
      const rows = fx.tables[def.name.split('.')[1] as RawTable] ?? [];
      const columns = def.columns.map(([name]) => name);
      if (rows.length) await w.append(def.name, columns, rows.map((r) => columns.map((c) => r[c] ?? null)));
    }
    // The marker lib/seed/load.ts writes last: its presence means "seeded".
    await w.execute(`CREATE TABLE IF NOT EXISTS ${t('nba_reference.seed_info')} (seed_version STRING, scale INT64, as_of DATE, seeded_at TIMESTAMP, row_count INT64)`);
    await w.execute(`INSERT INTO ${t('nba_reference.seed_info')} (seed_version, scale, as_of, seeded_at, row_count) VALUES (@v, 1, @as_of, CURRENT_TIMESTAMP(), 0)`, { v: SEED_VERSION, as_of: p.date('2024-11-29') });
    for (const a of attempts) await insertAttempt(w, a);
    await extra?.(w);
  });
  await w.close();
  return { dir, file, journal: path.join(dir, 'journal.jsonl') };
}

export async function insertAttempt(w: DuckDBWarehouse, a: Attempt): Promise<void> {
  const ago = Math.round(a.minutesAgo ?? 10); // a whole number, written into the SQL
  await w.execute(`INSERT INTO ${t('nba_reference.processor_run_history')}
  (run_id, processor_name, phase, data_date, status, started_at, finished_at, records_processed, errors, missing_dependencies, skip_reason, attempt, host, pid)
VALUES (@run_id, @processor, @phase, @date, @status,
  TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL ${ago} MINUTE),
  ${a.status === 'running' ? 'CAST(NULL AS TIMESTAMP)' : `TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL ${ago} MINUTE)`},
  0, @errors, @missing, @skip, @attempt, @host, @pid)`, {
    run_id: a.runId ?? `fixture-${a.processor}`, processor: a.processor, phase: a.phase, date: p.date(a.date), status: a.status,
    errors: a.errors ?? p.null('STRING'), missing: p.strings(a.missing ?? []), skip: a.skipReason ?? p.null('STRING'),
    attempt: p.int(a.attempt ?? 1), host: os.hostname(), pid: p.int(a.pid ?? 999_999),
  });
}

export function errorText(type: string, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ error: `${type}: ${message}`, error_type: type, ...extra });
}

export interface Ran { code: number; stdout: string; stderr: string }

const ENV = { NO_COLOR: '1', TMUX: '', STY: '' };

/** A runbook script as a user runs it: `./runbook/<name>.mts …` from the repo root. */
export function runScript(name: string, args: string[], sw: SmallWarehouse): Ran {
  const r = spawnSync(`./runbook/${name}.mts`, [...args, '--warehouse', sw.file, '--journal', sw.journal], {
    cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...ENV },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The same, left running: for Ctrl+C. Resolves when `ready` matches stdout, then on exit. */
export function startScript(name: string, args: string[], sw: SmallWarehouse) {
  const child = spawn(`./runbook/${name}.mts`, [...args, '--warehouse', sw.file, '--journal', sw.journal], {
    cwd: ROOT, env: { ...process.env, ...ENV },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += String(d); });
  child.stderr.on('data', (d) => { stderr += String(d); });
  const exited = new Promise<Ran>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
  const waitFor = async (re: RegExp, ms = 60_000) => {
    const deadline = Date.now() + ms;
    while (!re.test(stdout)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`never printed ${re}: ${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exited, waitFor, stderr: () => stderr };
}

/**
 * One small 2021-22 backfill with known trouble, shared by the script tests:
 *  - games on 10-19 and 10-20 (Phase 4 bootstrap), 10-26, 10-27, 11-02, and a playoff game on 2022-04-20;
 *  - team box scores missing on 10-27 (its re-load already failed: the source has nothing)
 *    and on 11-02 (never re-loaded: a load would fix it);
 *  - player_game_summary failed on 10-26 with a processor error (a re-run fixes it);
 *  - team_defense_game_summary failed with DependencyError on 10-27 and 11-02, and so did
 *    team_defense_zone_analysis, for lack of it;
 *  - player_shot_zone_analysis is running now (this process's pid): 10-26 done, 10-27 in flight.
 */
export async function troubledSeason(): Promise<SmallWarehouse> {
  const { RawFixtureBuilder, rotation } = await import('./fixtures.ts');
  const fx = new RawFixtureBuilder();
  const games: [string, string, boolean, ('Regular Season' | 'Playoffs')?][] = [
    ['0022100001', '2021-10-19', true], ['0022100002', '2021-10-20', true], ['0022100003', '2021-10-26', true],
    ['0022100004', '2021-10-27', false], ['0022100005', '2021-11-02', false], ['0042100001', '2022-04-20', true, 'Playoffs'],
  ];
  for (const [gameId, date, teamBox, seasonType] of games) {
    fx.game({ gameId, date, home: 'BOS', away: 'NYK', teamBox, seasonType, players: [...rotation('BOS', gameId), ...rotation('NYK', gameId)] });
  }
  const P3 = 'phase_3_analytics' as const;
  const P4 = 'phase_4_precompute' as const;
  const dep = (missing: string) => ({ status: 'failed' as const, errors: errorText('DependencyError', `upstream data missing for the date: ${missing}`, { missing_dependencies: [missing] }), missing: [missing] });
  const attempts: Attempt[] = [
    { processor: 'NbacTeamBoxscoreProcessor', phase: 'phase_2_raw', date: '2021-10-27', status: 'failed', errors: errorText('SourceUnavailable', 'source has no data: NBA.com boxscore feed returned 404 for 1 game') },
    ...['2021-10-19', '2021-10-20', '2021-10-27', '2021-11-02'].map((date): Attempt => ({ processor: 'PlayerGameSummaryProcessor', phase: P3, date, status: 'success' })),
    { processor: 'PlayerGameSummaryProcessor', phase: P3, date: '2021-10-26', status: 'failed', errors: errorText('ProcessorError', 'connection reset') },
    ...['2021-10-19', '2021-10-20', '2021-10-26'].map((date): Attempt => ({ processor: 'TeamDefenseGameSummaryProcessor', phase: P3, date, status: 'success' })),
    ...['2021-10-27', '2021-11-02'].map((date): Attempt => ({ processor: 'TeamDefenseGameSummaryProcessor', phase: P3, date, ...dep('nba_raw.nbac_team_boxscore') })),
    ...['2021-10-19', '2021-10-20'].map((date): Attempt => ({ processor: 'TeamDefenseZoneAnalysisProcessor', phase: P4, date, status: 'skipped', skipReason: 'bootstrap' })),
    { processor: 'TeamDefenseZoneAnalysisProcessor', phase: P4, date: '2021-10-26', status: 'success' },
    ...['2021-10-27', '2021-11-02'].map((date): Attempt => ({ processor: 'TeamDefenseZoneAnalysisProcessor', phase: P4, date, ...dep('nba_analytics.team_defense_game_summary') })),
    { processor: 'PlayerShotZoneAnalysisProcessor', phase: P4, date: '2021-10-26', status: 'success', runId: 'fixture-psza-run', minutesAgo: 1 },
    { processor: 'PlayerShotZoneAnalysisProcessor', phase: P4, date: '2021-10-27', status: 'running', runId: 'fixture-psza-run', minutesAgo: 0, pid: process.pid },
  ];
  return smallWarehouse(fx.build(), attempts, async (w) => {
    for (const d of ['2021-10-19', '2021-10-20', '2021-10-27', '2021-11-02']) {
      await w.execute(`INSERT INTO ${t('nba_analytics.player_game_summary')} (game_id, game_date, player_lookup) VALUES ('G', @d, 'bos1')`, { d: p.date(d) });
    }
    for (const d of ['2021-10-19', '2021-10-20', '2021-10-26']) {
      await w.execute(`INSERT INTO ${t('nba_analytics.team_defense_game_summary')} (game_id, game_date, team_abbr) VALUES ('G', @d, 'BOS')`, { d: p.date(d) });
    }
    await w.execute(`INSERT INTO ${t('nba_precompute.team_defense_zone_analysis')} (analysis_date, team_abbr, completeness_pct) VALUES ('2021-10-26', 'BOS', 45.0)`);
    await w.execute(`INSERT INTO ${t('nba_precompute.player_shot_zone_analysis')} (analysis_date, player_lookup, completeness_pct) VALUES ('2021-10-26', 'bos1', 40.0)`);
  });
}

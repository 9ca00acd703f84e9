/** Steps 2, 3 and 4, and run_backfill.sh, run as a user would (child processes on a seeded copy). */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backfill, fileDigest, sandbox, scriptAsync as script } from './support/scripts.ts';
import { latestStates, tableChecksum, withWarehouse } from './support/inspect.ts';
import { PHASE3_JOBS } from '../lib/jobs/registry.ts';
import { copyOf, once } from './support/shared.ts';

/** Every Phase 3 table's rows, by checksum (ignoring processed_at). */
const phase3Tables = (file: string) => Promise.all(PHASE3_JOBS.map(async (j) => [j.output.name, await tableChecksum(file, j.output.name, j.output.keys)] as const));

const DOC = ['--answer', '2.4.1=document:team box scores missing at the source'];

/**
 * Step 2 of 2021-22 with its failures documented (--json), on a seeded copy:
 * run once, by the first test that reads it; each test works on a copy of the result.
 */
const phase3With2021Answers = once(async () => {
  const sb = sandbox();
  const r = await script('02-phase3', ['--season', '2021-22', '--yes', '--json', ...DOC], sb);
  return { sb, r };
});

describe('run_backfill.sh, the original command line', () => {
  it('--list shows every job with its processor, table and how it runs', async () => {
    const r = backfill(['--list'], sandbox({ seeded: false }));
    expect(r.code).toBe(0);
    for (const line of ['analytics/player_game_summary', 'PlayerGameSummaryProcessor', 'precompute/ml_feature_store', 'nba_predictions.ml_feature_store']) expect(r.stdout).toContain(line);
    expect(r.stdout.split('\n').filter((l) => l.includes('precompute/')).map((l) => l.trim().split(/\s+/).at(-1))).toEqual(['1st', '2nd', '3rd', '4th', '5th']);
  });

  it('--dry-run says what would run and writes nothing', async () => {
    const sb = sandbox();
    const before = fileDigest(sb.warehouse);
    const r = backfill(['analytics/player_game_summary', '--start-date=2021-10-19', '--end-date=2022-04-10', '--dry-run'], sb);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/would process 166 game date\(s\)/);
    expect(fileDigest(sb.warehouse)).toBe(before);
  });

  it('--dates processes exactly those dates, and a date without games is skipped, not failed', async () => {
    const sb = sandbox();
    const r = backfill(['analytics/player_game_summary', '--dates=2021-11-03,2021-11-04,2021-12-24'], sb);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 succeeded, 0 failed, 1 skipped/);
    const states = await latestStates(sb.warehouse, 'PlayerGameSummaryProcessor');
    expect(states.map((s) => [s.data_date, s.status, s.skip_reason])).toEqual([
      ['2021-11-03', 'success', null], ['2021-11-04', 'success', null], ['2021-12-24', 'skipped', 'no_games'],
    ]);
  });

  it('records a missing upstream as DependencyError with the missing tables', async () => {
    const sb = sandbox();
    const r = backfill(['analytics/team_offense_game_summary', '--start-date=2021-10-19', '--end-date=2022-04-10'], sb);
    expect(r.code).toBe(1);
    const failed = await withWarehouse(sb.warehouse, async (w) => (await w.query(`SELECT errors, missing_dependencies FROM \`nba-props-platform.nba_reference.processor_run_history\` WHERE status = 'failed'`)).rows);
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) {
      expect(String(f.errors)).toContain('DependencyError');
      expect(f.missing_dependencies).toEqual(['nba_raw.nbac_team_boxscore']);
    }
    expect(r.stdout).toContain('re-run only these: ./bin/run_backfill.sh analytics/team_offense_game_summary --dates=');
  });
});

describe('02-phase3 as a user runs it', () => {
  it('--yes runs the five in parallel, validates, takes the failures gate\'s in-place Phase 2 fix, then documents what the source cannot fill', async () => {
    const sb = sandbox();
    const r = await script('02-phase3', ['--season', '2021-22', '--yes'], sb);
    expect(r.code, r.stdout.slice(-1500)).toBe(0);
    expect(r.stdout).toContain('Note: the first 7 days (2021-10-19..2021-10-25) will have Phase 4 skip due to bootstrap.');
    expect(r.stdout).toMatch(/analytics\/player_game_summary\s+\|\s+166 \|\s+0 \|/);
    expect(r.stdout).toMatch(/upcoming_player_ga\S*\s+\|\s+0 \|\s+0 \| game dates with props lines \| met/);
    expect(r.stdout).toMatch(/Recommendation: Fix Phase 2 first/);
    // --yes takes a repair once per evidence; the gate is asked again and the rest is documented with its reason.
    expect(r.stdout).toMatch(/✔ 2\.4\.1: Fix Phase 2 .*\(from --yes\)/);
    expect(r.stdout).toMatch(/✔ 2\.4\.1: Continue and document the failures — note: accepted under --yes: .*source cannot provide/);
  });

  it('--json with answers: one document, the original column names, and a second run changes nothing', async () => {
    const { sb: ran, r } = await phase3With2021Answers();
    const sb = copyOf(ran);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const v = doc.steps.find((s: { id: string }) => s.id === '2.3');
    expect(Object.keys(v.rows[0])).toEqual(['table_name', 'dates', 'earliest', 'latest']);
    expect(v.rows.find((x: { table_name: string }) => x.table_name === 'player_game_summary')).toEqual({ table_name: 'player_game_summary', dates: 166, earliest: '2021-10-19', latest: '2022-04-10' });
    expect(doc.gates.map((g: { id: string; answer: string }) => `${g.id}=${g.answer}`)).toEqual(['2.1.1=run', '2.4.1=document']);
    const before = { states: await latestStates(sb.warehouse), tables: await phase3Tables(sb.warehouse) };
    for (const [name, sum] of before.tables) if (!name.endsWith('upcoming_player_game_context')) expect(sum.rows, name).toBeGreaterThan(0);
    const again = await script('02-phase3', ['--season', '2021-22', '--yes', ...DOC], sb);
    expect(again.code).toBe(0);
    // The second run re-ran every job: the same rows in every table, the same latest states.
    expect(await phase3Tables(sb.warehouse)).toEqual(before.tables);
    expect(await latestStates(sb.warehouse)).toEqual(before.states);
  });

  it('--dry-run lists the five commands and the queries, writing nothing', async () => {
    const sb = sandbox();
    const before = fileDigest(sb.warehouse);
    const r = await script('02-phase3', ['--season', '2022-23', '--dry-run'], sb);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('./bin/run_backfill.sh analytics/upcoming_player_game_context --start-date=2022-10-18 --end-date=2023-04-09 --dry-run');
    expect(r.stdout).toContain("COUNTIF(status = 'success') as success");
    expect(fileDigest(sb.warehouse)).toBe(before);
    expect(fs.existsSync(sb.journal)).toBe(false);
  });
});

describe('03-phase4 and 04-remaining-seasons', () => {
  it('03 runs the five strictly in order, shows bootstrap as expected, and passes the quality gate', async () => {
    const phase3 = await phase3With2021Answers();
    expect(phase3.r.code, phase3.r.stderr).toBe(0);
    const sb = copyOf(phase3.sb);
    const r = await script('03-phase4', ['--season', '2021-22', '--yes', '--answer', '3.4.1=document:upstream gaps'], sb);
    expect(r.code, r.stdout.slice(-2000)).toBe(0);
    const order = [...r.stdout.matchAll(/── 3\.1\.(\d) Run (precompute\/\w+)/g)].map((m) => m[2]);
    expect(order).toEqual(['precompute/team_defense_zone_analysis', 'precompute/player_shot_zone_analysis', 'precompute/player_composite_factors', 'precompute/player_daily_cache', 'precompute/ml_feature_store']);
    expect(r.stdout).toMatch(/Recommendation: Continue — \d+(\.\d)?% Good after week 3/);
    // 3.1.6 is asked once, after the first job with failed dates; a later job failing on the same
    // dates (their upstream missing) is not asked about again, and the screen says so.
    expect(r.stdout.match(/── 3\.1\.6 /g)).toHaveLength(1);
    const failedPsza = (await latestStates(sb.warehouse, 'PlayerShotZoneAnalysisProcessor')).filter((s) => s.status === 'failed').map((s) => String(s.data_date));
    expect(failedPsza.length).toBeGreaterThan(0);
    expect(r.stdout).toContain(`3.1.6 not asked again: precompute/player_shot_zone_analysis's failed date(s) ${failedPsza.join(', ')} are the ones accepted after precompute/team_defense_zone_analysis`);
    const boot = (await latestStates(sb.warehouse, 'PlayerShotZoneAnalysisProcessor')).filter((s) => s.skip_reason === 'bootstrap').map((s) => s.data_date);
    // Expected from the schedule: the final-game dates of the season's first 7 days (2021-10-19..25).
    const gameDays = await withWarehouse(sb.warehouse, async (w) => (await w.query(`SELECT DISTINCT game_date FROM \`nba-props-platform.nba_raw.nbac_schedule\`
WHERE game_status = 3 AND game_date BETWEEN DATE '2021-10-19' AND DATE '2021-10-25' ORDER BY game_date`)).rows.map((r) => r.game_date));
    expect(gameDays.length).toBeGreaterThan(3);
    expect(boot).toEqual(gameDays);
  });

  it('04 resumes where an interrupted run stopped, reading the run history', async () => {
    const sb = sandbox();
    // 2024-25 has only six weeks: its weeks 4-6 are below the 80% Good bar, and the gate says so; the operator documents it.
    const answers = ['--yes', ...DOC, '--answer', '3.4.1=document:upstream gaps', '--answer', '4.2.1=proceed', '--answer', '3.3.2=document:partial season, weeks 4-6 still ramping'];
    // A first run that covers only Phase 3 of 2024-25 (as if it had been interrupted there).
    expect((await script('02-phase3', ['--season', '2024-25', '--yes', '--answer', '2.4.1=document:gaps'], sb)).code).toBe(0);
    const r = await script('04-remaining-seasons', ['--seasons', '2024-25', ...answers], sb);
    expect(r.code, r.stdout.slice(-1500)).toBe(0);
    expect(r.stdout).toMatch(/\| 2024-25 \| regular season \|\s+37 \| (done|decided[^|]*?)\s+\| not started\s+\| phase 4 \|/);
    expect(r.stdout).not.toContain('Step 2: Phase 3 Backfill — 2024-25');
    expect(r.stdout).toContain('Step 3: Phase 4 Backfill — 2024-25 regular season');
    // Run again: everything is done, nothing runs.
    const again = await script('04-remaining-seasons', ['--seasons', '2024-25', ...answers], sb);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('2024-25 regular season: Phase 3 and Phase 4 done — skipped');
  });
});

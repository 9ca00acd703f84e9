/** The Troubleshooting Quick Reference, run as a user would: one subcommand each, on a small season with known trouble. */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript, troubledSeason, type SmallWarehouse } from './support/small-warehouse.ts';
import { latestStates } from './support/inspect.ts';

let base: SmallWarehouse;
const made: string[] = [];
beforeAll(async () => { base = await troubledSeason(); made.push(base.dir); });
afterAll(() => { for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });

/** A fresh copy per test that writes. */
function copy(): SmallWarehouse {
  const dir = fs.mkdtempSync(`${base.dir}-copy-`);
  made.push(dir);
  fs.copyFileSync(base.file, `${dir}/nba.duckdb`);
  return { dir, file: `${dir}/nba.duckdb`, journal: `${dir}/journal.jsonl` };
}

describe('troubleshoot.mts', () => {
  it('refuses an unknown subcommand in one line listing the valid ones (exit 2)', () => {
    const r = runScript('troubleshoot', ['frobnicate'], base);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: unknown subcommand "frobnicate"; valid: dependency-errors, phase4-zeros, rerun-failed');
    expect(r.stdout).toBe('');
  });

  it('asks for a subcommand when none is given (exit 2)', () => {
    const r = runScript('troubleshoot', [], base);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/name a subcommand: dependency-errors, phase4-zeros, rerun-failed/);
  });

  it('lists the subcommands in --help', () => {
    const r = runScript('troubleshoot', ['--help'], base);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: \.\/runbook\/troubleshoot\.mts <subcommand> \[options\]/);
    for (const s of ['dependency-errors', 'phase4-zeros', 'rerun-failed', '--job']) expect(r.stdout).toContain(s);
  });

  it('dependency-errors: the dates, what they lack, and the Phase 2 load that fixes them, with the commands', () => {
    const r = runScript('troubleshoot', ['dependency-errors'], base);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2021-11-02 \| TeamDefenseGameSummaryProcessor\s+\| \[nba_raw\.nbac_team_boxscore\]/);
    expect(r.stdout).toMatch(/2021-10-27 \| TeamDefenseZoneAnalysisProcessor\s+\| \[nba_analytics\.team_defense_game_summary\]/);
    // The fix for each missing table: the raw job for a Phase 2 table; where its source has nothing.
    expect(r.stdout).toMatch(/\| raw\/nbac_team_boxscore\s+\| 2021-10-27, 2021-11-02 \| 2021-10-27\s+\|/);
    // 11-02 can be loaded, then re-run, in order; 10-27 cannot (the re-load already failed).
    const cmds = r.stdout.split('\n').filter((l) => l.includes('$ ./bin/run_backfill.sh')).map((l) => l.trim());
    expect(cmds).toEqual([
      '$ ./bin/run_backfill.sh raw/nbac_team_boxscore --dates=2021-11-02',
      '$ ./bin/run_backfill.sh analytics/team_defense_game_summary --dates=2021-11-02',
      '$ ./bin/run_backfill.sh precompute/team_defense_zone_analysis --dates=2021-11-02',
    ]);
    expect(r.stdout).toMatch(/analytics\/team_defense_game_summary on 2021-10-27 cannot be fixed by a re-run: the source has nothing for nba_raw\.nbac_team_boxscore/);
  });

  it('phase4-zeros: bootstrap dates are expected, postseason was never backfilled, the rest are gaps with the reason', () => {
    const r = runScript('troubleshoot', ['phase4-zeros'], base);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Expected: Oct 19-25 (2021), Oct 18-24 (2022), Oct 24-30 (2023), Oct 22-28 (2024)');
    expect(r.stdout).toMatch(/2021-10-19\.\.2021-10-20 \(2\)\s+\| bootstrap \(expected\)/);
    expect(r.stdout).toMatch(/2022-04-20\s+\| postseason \(not backfilled\)/);
    expect(r.stdout).toMatch(/3 date\(s\) are real gaps:/);
    expect(r.stdout).toMatch(/2021-10-27 \(all 5\): team_defense_zone_analysis: DependencyError \(nba_analytics\.team_defense_game_summary\)/);
    expect(r.stdout).toContain('2021-10-26 (player_composite_factors, player_daily_cache, ml_feature_store): never run');
    expect(r.stdout).toContain('2021-11-02 (all 5): team_defense_zone_analysis: DependencyError (nba_analytics.team_defense_game_summary); player_shot_zone_analysis, player_composite_factors, player_daily_cache, ml_feature_store: never run');
  });

  it('rerun-failed asks before changing data: without a terminal or --yes it stops (exit 2) and writes nothing', async () => {
    const sw = copy();
    const r = runScript('troubleshoot', ['rerun-failed', '--job', 'analytics/player_game_summary'], sw);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('$ ./bin/run_backfill.sh analytics/player_game_summary --dates=2021-10-26');
    expect(r.stderr).toMatch(/step T3\.2 needs confirmation and there is no terminal: re-run with --yes or --answer T3\.2=run\|skip\|quit/);
    const pgs = await latestStates(sw.file, 'PlayerGameSummaryProcessor');
    expect(pgs.find((s) => s.data_date === '2021-10-26')?.status).toBe('failed');
  });

  it('rerun-failed --job re-runs only that job\'s failed dates (--yes)', async () => {
    const sw = copy();
    const r = runScript('troubleshoot', ['rerun-failed', '--job', 'analytics/player_game_summary', '--yes'], sw);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2021-10-26 \| Playe\S*\s+\|\s+1 \| true /); // one failed attempt, still failing (names shortened in the middle to fit 100 columns)
    expect(r.stdout).not.toMatch(/\| TeamD\S*\s+\|/);
    expect(r.stdout).not.toMatch(/run_backfill\.sh analytics\/team_/);
    expect(r.stdout).toContain('every re-run date succeeded');
    const pgs = await latestStates(sw.file, 'PlayerGameSummaryProcessor');
    expect(pgs.find((s) => s.data_date === '2021-10-26')?.status).toBe('success');
    const tdgs = await latestStates(sw.file, 'TeamDefenseGameSummaryProcessor');
    expect(tdgs.filter((s) => s.status === 'failed').map((s) => s.data_date)).toEqual(['2021-10-27', '2021-11-02']);
    // Fixed: the original's query still lists its failed attempt; ours says it no longer fails, and re-runs nothing.
    const again = runScript('troubleshoot', ['rerun-failed', '--job', 'analytics/player_game_summary', '--yes'], sw);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/2021-10-26 \| Playe\S*\s+\|\s+1 \| false /);
    expect(again.stdout).toContain('failed attempts (the original\'s query, a row per attempt): 1 on 1 processor-date(s); still failing (latest attempt failed): 0 — 1 fixed by a later attempt.');
    expect(again.stdout).not.toContain('T3.2');
  });

  it('rerun-failed without --job covers every job, in run order', () => {
    const r = runScript('troubleshoot', ['rerun-failed', '--answer', 'T3.2=skip'], base);
    expect(r.code, r.stderr).toBe(0);
    const cmds = r.stdout.split('\n').filter((l) => l.includes('$ ./bin/run_backfill.sh')).map((l) => l.trim().split(' ')[2]);
    expect(cmds).toEqual(['raw/nbac_team_boxscore', 'analytics/player_game_summary', 'analytics/team_defense_game_summary', 'precompute/team_defense_zone_analysis']);
    expect(r.stdout).toMatch(/skipped T3\.2 Re-run Failed Dates Only \(skipped by operator\)/);
  });

  it('rejects an unknown --job before opening anything (exit 2)', () => {
    const r = runScript('troubleshoot', ['rerun-failed', '--job', 'analytics/nope'], base);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown job "analytics\/nope"; jobs: raw\/nbac_schedule, /);
  });
});

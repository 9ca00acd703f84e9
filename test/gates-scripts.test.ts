/** Gates met as a user meets them: child processes on a copy of the seeded warehouse (Phase 2 only). */
import { describe, expect, it } from 'vitest';
import { sandbox, scriptAsync as script } from './support/scripts.ts';
import { latestStates, withWarehouse } from './support/inspect.ts';

const T = (name: string) => `\`nba-props-platform.${name}\``;

describe('03 on a warehouse without Phase 3', () => {
  it('stops at the first job and names Phase 3 as what is missing, not Phase 2', async () => {
    const r = await script('03-phase4', ['--season', '2024-25', '--yes'], sandbox());
    expect(r.code, r.stdout.slice(-1500)).toBe(3);
    expect(r.stdout).toMatch(/Recommendation: Stop here — no date of precompute\/team_defense_zone_analysis succeeded: all \d+ failed, lacking Phase 3: nba_analytics\.team_defense_game_summary/);
    expect(r.stdout).not.toMatch(/lack Phase 2/);
    expect(r.stdout).not.toContain('── 3.1.2');
  }, 120_000);

  it('--from 3.3: the quality gate over zero records stops and names Phase 3 with the command that produces it', async () => {
    const r = await script('03-phase4', ['--season', '2024-25', '--yes', '--from', '3.3'], sandbox());
    expect(r.code, r.stdout.slice(-1500)).toBe(3);
    expect(r.stdout).toMatch(/Recommendation: Stop and investigate \(Phase 3 gaps, 2\.3\) — no Phase 4 records to judge: Phase 3 \(player_game_summary\) lacks (\d+) of the \1 game dates in the range \(all of them\): run Phase 3 first \(\.\/runbook\/02-phase3\.mts --season 2024-25\)/);
    expect(r.stdout).not.toContain('no week after week 3');
  }, 120_000);
});

describe('2.4.1 fixes Phase 2 in place', () => {
  it('a team box-score row removed behind the runbook\'s back: one date fails its check, is re-loaded and re-run, and the run completes', async () => {
    const sb = sandbox();
    // The first game of the first game date from November 5th loses one of its two team rows.
    const { game, date } = await withWarehouse(sb.warehouse, async (w) => {
      const first = (await w.query(`SELECT game_date AS d, MIN(game_id) AS id FROM ${T('nba_raw.nbac_team_boxscore')}
        WHERE game_date = (SELECT MIN(game_date) FROM ${T('nba_raw.nbac_team_boxscore')} WHERE game_date >= DATE '2024-11-05') GROUP BY game_date`)).rows[0];
      const g = first.id as string;
      await w.execute(`DELETE FROM ${T('nba_raw.nbac_team_boxscore')} WHERE game_id = @g AND team_abbr = (SELECT MIN(team_abbr) FROM ${T('nba_raw.nbac_team_boxscore')} WHERE game_id = @g)`, { g });
      return { game: g, date: first.d as string };
    });
    const r = await script('02-phase3', ['--season', '2024-25', '--yes', '--answer', '2.4.1=fix-phase2'], sb);
    expect(r.code, r.stdout.slice(-2000)).toBe(0);
    // Only that date failed, by the check's name, with the game short of a row.
    expect(r.stdout).toContain(`team_defense_game_summary: 1 missing — failed: DataCheckError: rows per final game: nba_analytics.team_defense_game_summary on ${date}`);
    expect(r.stdout).toContain(`Recommendation: Fix Phase 2 first: re-load those dates, then re-run them — 1 date(s) (${date}) lack Phase 2 data (nba_raw.nbac_team_boxscore)`);
    expect(r.stdout).toContain('── 2.4.3 Fix Phase 2 for Those Dates, Then Re-run Them');
    for (const proc of ['TeamDefenseGameSummaryProcessor', 'TeamOffenseGameSummaryProcessor']) {
      const states = await latestStates(sb.warehouse, proc);
      expect(states.filter((s) => s.status !== 'success').map((s) => s.data_date), proc).toEqual([]);
    }
    const rows = await withWarehouse(sb.warehouse, async (w) => (await w.query(`SELECT COUNT(*) AS n FROM ${T('nba_analytics.team_defense_game_summary')} WHERE game_id = @g`, { g: game })).rows[0].n);
    expect(rows).toBe(2);
    // Nothing failed afterwards, so the failures question is not asked again.
    expect(r.stdout.match(/── 2\.4\.1 Failures Decision/g)).toHaveLength(1);
  }, 240_000);
});

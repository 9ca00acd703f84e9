/** Gates met as a user meets them: child processes on a copy of the seeded warehouse (Phase 2 only). */
import { describe, expect, it } from 'vitest';
import { sandbox, scriptAsync as script } from './support/scripts.ts';

describe('03 on a warehouse without Phase 3', () => {
  it('stops at the first job and names Phase 3 as what is missing, not Phase 2', async () => {
    const r = await script('03-phase4', ['--season', '2024-25', '--yes'], sandbox());
    expect(r.code, r.stdout.slice(-1500)).toBe(3);
    expect(r.stdout).toMatch(/Recommendation: Stop here — no date of precompute\/team_defense_zone_analysis succeeded: all \d+ failed, lacking Phase 3: nba_analytics\.team_defense_game_summary/);
    expect(r.stdout).not.toMatch(/lack Phase 2/);
    expect(r.stdout).not.toContain('── 3.1.2');
  });

  it('--from 3.3: the quality gate over zero records stops and names Phase 3 with the command that produces it', async () => {
    const r = await script('03-phase4', ['--season', '2024-25', '--yes', '--from', '3.3'], sandbox());
    expect(r.code, r.stdout.slice(-1500)).toBe(3);
    expect(r.stdout).toMatch(/Recommendation: Stop and investigate \(Phase 3 gaps, 2\.3\) — no Phase 4 records to judge: Phase 3 \(player_game_summary\) lacks (\d+) of the \1 game dates in the range \(all of them\): run Phase 3 first \(\.\/runbook\/02-phase3\.mts --season 2024-25\)/);
    expect(r.stdout).not.toContain('no week after week 3');
  });
});

/**
 * The backfill jobs as the document needs them (name, output table, phase,
 * order, what limits their dates). Read from the job registry; the registry
 * pulls in every processor, so while one of those does not import, the names
 * fixed by DATA-CONTRACT.md below stand in and the caller is told.
 */

export interface JobInfo {
  /** 'analytics/player_game_summary', as run_backfill.sh names it. */
  job: string;
  phase: 'phase_3_analytics' | 'phase_4_precompute';
  /** 'nba_analytics.player_game_summary' */
  table: string;
  /** A table whose dates bound the job's (the player context needs props lines). */
  scopeTable?: string;
}

/** DATA-CONTRACT.md's job table, in run order (Phase 4 strictly sequential). */
export const CONTRACT_JOBS: readonly JobInfo[] = [
  { job: 'analytics/player_game_summary', phase: 'phase_3_analytics', table: 'nba_analytics.player_game_summary' },
  { job: 'analytics/team_defense_game_summary', phase: 'phase_3_analytics', table: 'nba_analytics.team_defense_game_summary' },
  { job: 'analytics/team_offense_game_summary', phase: 'phase_3_analytics', table: 'nba_analytics.team_offense_game_summary' },
  { job: 'analytics/upcoming_team_game_context', phase: 'phase_3_analytics', table: 'nba_analytics.upcoming_team_game_context' },
  { job: 'analytics/upcoming_player_game_context', phase: 'phase_3_analytics', table: 'nba_analytics.upcoming_player_game_context', scopeTable: 'nba_raw.odds_api_player_points_props' },
  { job: 'precompute/team_defense_zone_analysis', phase: 'phase_4_precompute', table: 'nba_precompute.team_defense_zone_analysis' },
  { job: 'precompute/player_shot_zone_analysis', phase: 'phase_4_precompute', table: 'nba_precompute.player_shot_zone_analysis' },
  { job: 'precompute/player_composite_factors', phase: 'phase_4_precompute', table: 'nba_precompute.player_composite_factors' },
  { job: 'precompute/player_daily_cache', phase: 'phase_4_precompute', table: 'nba_precompute.player_daily_cache' },
  { job: 'precompute/ml_feature_store', phase: 'phase_4_precompute', table: 'nba_predictions.ml_feature_store' },
];

export interface JobList { jobs: readonly JobInfo[]; source: 'registry' | 'contract'; warning?: string }

interface RegistryJob { job: string; output: { name: string }; scope?: { table: string } }

export async function loadJobs(): Promise<JobList> {
  try {
    const reg = (await import('../jobs/registry.ts')) as unknown as { PHASE3_JOBS: RegistryJob[]; PHASE4_JOBS: RegistryJob[] };
    const from = (phase: JobInfo['phase']) => (j: RegistryJob): JobInfo => ({
      job: j.job, phase, table: j.output.name, ...(j.scope ? { scopeTable: j.scope.table } : {}),
    });
    return { jobs: [...reg.PHASE3_JOBS.map(from('phase_3_analytics')), ...reg.PHASE4_JOBS.map(from('phase_4_precompute'))], source: 'registry' };
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    return { jobs: CONTRACT_JOBS, source: 'contract', warning: `lib/jobs/registry.ts did not import (${why}); job names taken from DATA-CONTRACT.md (lib/render/jobs.ts)` };
  }
}

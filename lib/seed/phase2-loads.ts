/** The Phase 2 re-load jobs, apart from the generator so the job registry loads without it. */

/** The six Phase 2 load jobs, as run_backfill.sh names them. */
export const PHASE2_LOADS: readonly { job: string; processorName: string; table: string; critical: boolean }[] = [
  { job: 'raw/nbac_schedule', processorName: 'NbacScheduleProcessor', table: 'nba_raw.nbac_schedule', critical: true },
  { job: 'raw/nbac_team_boxscore', processorName: 'NbacTeamBoxscoreProcessor', table: 'nba_raw.nbac_team_boxscore', critical: true },
  { job: 'raw/nbac_gamebook_player_stats', processorName: 'NbacGamebookProcessor', table: 'nba_raw.nbac_gamebook_player_stats', critical: true },
  { job: 'raw/bdl_player_boxscores', processorName: 'BdlBoxscoresProcessor', table: 'nba_raw.bdl_player_boxscores', critical: false },
  { job: 'raw/odds_api_player_points_props', processorName: 'OddsApiPropsProcessor', table: 'nba_raw.odds_api_player_points_props', critical: false },
  { job: 'raw/nbac_play_by_play_shots', processorName: 'NbacPlayByPlayProcessor', table: 'nba_raw.nbac_play_by_play_shots', critical: false },
];

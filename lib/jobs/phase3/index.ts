/**
 * The five Phase 3 processors, in the data contract's order. They read only
 * Phase 2 (`nba_raw`), so the runner may run them in parallel.
 */
import type { ProcessorDef } from '../types.ts';
import { playerGameSummaryProcessor } from './player_game_summary.ts';
import { teamDefenseGameSummaryProcessor } from './team_defense_game_summary.ts';
import { teamOffenseGameSummaryProcessor } from './team_offense_game_summary.ts';
import { upcomingPlayerGameContextProcessor } from './upcoming_player_game_context.ts';
import { upcomingTeamGameContextProcessor } from './upcoming_team_game_context.ts';

export {
  playerGameSummaryProcessor, teamDefenseGameSummaryProcessor, teamOffenseGameSummaryProcessor,
  upcomingPlayerGameContextProcessor, upcomingTeamGameContextProcessor,
};

export const PHASE3_PROCESSORS: ProcessorDef[] = [
  playerGameSummaryProcessor,
  teamDefenseGameSummaryProcessor,
  teamOffenseGameSummaryProcessor,
  upcomingTeamGameContextProcessor,
  upcomingPlayerGameContextProcessor,
];

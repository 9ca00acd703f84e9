/**
 * The five Phase 4 processors, in the order they must run: each reads what the
 * ones before it wrote for the same date (DATA-CONTRACT.md, runbook Step 3.1).
 */
import type { ProcessorDef } from '../types.ts';
import { teamDefenseZoneAnalysis } from './team_defense_zone_analysis.ts';
import { playerShotZoneAnalysis } from './player_shot_zone_analysis.ts';
import { playerCompositeFactors } from './player_composite_factors.ts';
import { playerDailyCache } from './player_daily_cache.ts';
import { mlFeatureStore } from './ml_feature_store.ts';

export const PHASE4_PROCESSORS: ProcessorDef[] = [
  teamDefenseZoneAnalysis, playerShotZoneAnalysis, playerCompositeFactors, playerDailyCache, mlFeatureStore,
];

export { teamDefenseZoneAnalysis, playerShotZoneAnalysis, playerCompositeFactors, playerDailyCache, mlFeatureStore };
export { ML_FEATURES, ML_FEATURE_VERSION, type MLFeature } from './features.ts';
export * from './tables.ts';

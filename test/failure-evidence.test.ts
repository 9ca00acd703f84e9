/**
 * The failures gate's evidence (lib/backfill/validate.ts failureEvidence): how a
 * Phase 4 date that failed on a missing upstream Phase 4 table is judged, from
 * the run history and the data of a small hand-made warehouse.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import { p } from '../lib/warehouse/params.ts';
import { failureEvidence } from '../lib/backfill/validate.ts';
import type { RunContext } from '../lib/notebook/steps.ts';
import { RawFixtureBuilder } from './support/fixtures.ts';
import { PROJECT, errorText, smallWarehouse, type Attempt, type SmallWarehouse } from './support/small-warehouse.ts';

const DATE = '2021-12-01';
const CACHE = 'PlayerDailyCacheProcessor';
const ZONES = 'PlayerShotZoneAnalysisProcessor';
const ZONES_TABLE = 'nba_precompute.player_shot_zone_analysis';
// Phase 4 reads these Phase 3 tables: the date is present in each, so Phase 3 is not what is missing.
const PHASE3_READS = ['nba_analytics.player_game_summary', 'nba_analytics.team_offense_game_summary', 'nba_analytics.team_defense_game_summary', 'nba_analytics.upcoming_player_game_context', 'nba_analytics.upcoming_team_game_context'];

const made: SmallWarehouse[] = [];
afterAll(() => { for (const m of made) fs.rmSync(m.dir, { recursive: true, force: true }); });

/** The cache failed on DATE for lack of shot zones; the shot-zone job's own latest attempt is `zones`. */
async function judge(zones: Attempt['status'], zoneRowPresent: boolean) {
  const cacheFailed: Attempt = {
    processor: CACHE, phase: 'phase_4_precompute', date: DATE, status: 'failed', minutesAgo: 5,
    errors: errorText('DependencyError', `missing ${ZONES_TABLE}`), missing: [ZONES_TABLE],
  };
  const zonesRan: Attempt = { processor: ZONES, phase: 'phase_4_precompute', date: DATE, status: zones, minutesAgo: 6, ...(zones === 'failed' ? { errors: errorText('ProcessorError', 'boom') } : {}) };
  const sw = await smallWarehouse(new RawFixtureBuilder().build(), [zonesRan, cacheFailed], async (w) => {
    for (const t of PHASE3_READS) await w.execute(`INSERT INTO \`${PROJECT}.${t}\` (game_date) VALUES (@d)`, { d: p.date(DATE) });
    if (zoneRowPresent) await w.execute(`INSERT INTO \`${PROJECT}.${ZONES_TABLE}\` (analysis_date, player_lookup) VALUES (@d, 'someone')`, { d: p.date(DATE) });
  });
  made.push(sw);
  const w = new DuckDBWarehouse({ file: sw.file, project: PROJECT });
  try {
    const ctx = { w, project: PROJECT, range: { start: DATE, end: DATE }, season: null, asOf: '2024-11-29' } as unknown as RunContext;
    const e = await failureEvidence(ctx, [{ data_date: DATE, processor_name: CACHE, error_preview: cacheFailed.errors!, missing_dependencies: [ZONES_TABLE] }], 'Step 4');
    return e.failures[0].state;
  } finally {
    await w.close();
  }
}

describe('a Phase 4 date missing an upstream Phase 4 table', () => {
  it('is "upstream-empty" when the upstream job succeeded there and wrote nothing (a re-run fails the same way)', async () => {
    expect(await judge('success', false)).toBe('upstream-empty');
  });
  it('is transient when the upstream job failed there (re-run in order)', async () => {
    expect(await judge('failed', false)).toBe('transient');
  });
  it('is "upstream-fixed" when the upstream table has the date now', async () => {
    expect(await judge('success', true)).toBe('upstream-fixed');
  });
});

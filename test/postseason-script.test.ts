/**
 * Step 4 on the seed runs a season's postseason (play-in and playoffs) right
 * after its regular season, and the postseason's Phase 4 continues the regular
 * season's rolling windows. Every expected figure is derived from the schedule
 * and the Phase 3 rows, independently of the processors' SQL (support/postseason.ts).
 */
import { describe, expect, it } from 'vitest';
import { sandbox, scriptAsync as script } from './support/scripts.ts';
import { withWarehouse } from './support/inspect.ts';
import { expectFullLookback, expectPostseasonHeld, postseasonDates } from './support/postseason.ts';

describe('04-remaining-seasons runs the postseason', () => {
  it('04 --seasons 2021-22 --yes backfills the postseason dates after the regular season, with no bootstrap and full windows on its first date', async () => {
    const sb = sandbox();
    const r = await script('04-remaining-seasons', ['--seasons', '2021-22', '--yes'], sb);
    expect(r.code, r.stdout.slice(-2000) + r.stderr.slice(-1000)).toBe(0);

    await withWarehouse(sb.warehouse, async (w) => {
      const post = await postseasonDates(w, '2021-22');
      // 4.1's closing table: the postseason row, its game dates counted from the schedule, both phases done.
      expect(r.stdout).toMatch(new RegExp(`\\| 2021-22 \\| postseason\\s+\\|\\s+${post.length} \\| done\\s+\\| done\\s+\\| done\\s+\\|`));
      // The postseason ran after the regular season's Phase 4, Phase 3 before Phase 4.
      const at = (s: string) => r.stdout.indexOf(s);
      expect(at('Step 3: Phase 4 Backfill — 2021-22 regular season')).toBeGreaterThan(0);
      expect(at('Step 2: Phase 3 Backfill — 2021-22 postseason')).toBeGreaterThan(at('Step 3: Phase 4 Backfill — 2021-22 regular season'));
      expect(at('Step 3: Phase 4 Backfill — 2021-22 postseason')).toBeGreaterThan(at('Step 2: Phase 3 Backfill — 2021-22 postseason'));

      await expectPostseasonHeld(w, '2021-22', post);
      await expectFullLookback(w, '2021-22', post[0]);
    });
  }, 420_000);
});

/**
 * The overnight run the issue asks for: on a freshly seeded warehouse, Step 1,
 * Step 4 and Step 5 under --yes finish with exit 0, stopping only where a
 * gate's recommendation is to stop; afterwards every season and phase is done,
 * or decided with its missing dates documented, and every postseason is held with
 * full lookback windows on its first date. About ten minutes on two cores,
 * so it runs only when asked: RUNBOOK_SLOW_TESTS=1 npx vitest run test/unattended.test.ts
 */
import { describe, expect, it } from 'vitest';
import { sandbox, scriptAsync as script } from './support/scripts.ts';
import { withWarehouse } from './support/inspect.ts';
import { seasonStatuses } from '../lib/backfill/season-status.ts';
import { DecisionStore } from '../lib/decisions/store.ts';
import { DEFAULT_AS_OF } from '../lib/seasons/calendar.ts';
import { ORIGINAL_REGULAR_END, expectFullLookback, expectPostseasonHeld, postseasonDates } from './support/postseason.ts';

describe.skipIf(!process.env.RUNBOOK_SLOW_TESTS)('an unattended backfill from a fresh seed', () => {
  it('01 --yes, 04 --yes, 05 --yes all exit 0; every season is done or documented', async () => {
    const sb = sandbox();
    for (const [name, args] of [['01-validate-phase2', ['--yes']], ['04-remaining-seasons', ['--yes']], ['05-final', ['--yes', '--report-dir', sb.dir]]] as const) {
      const r = await script(name, [...args], sb);
      expect(r.code, `${name}: ${r.stdout.slice(-2500)}\n${r.stderr.slice(-500)}`).toBe(0);
    }
    await withWarehouse(sb.warehouse, async (w) => {
      const states = await seasonStatuses(w, DEFAULT_AS_OF);
      for (const s of states) {
        expect(s.next, `${s.season}: ${s.story.join('; ')}`).toBe('done');
        for (const st of Object.values(s.states)) if (st.kind === 'decided') expect(st.documented).toBeGreaterThan(0);
      }
      // Each complete season's postseason: every final game date in Phase 3 and 4, full windows on its first date.
      for (const season of Object.keys(ORIGINAL_REGULAR_END)) {
        const post = await postseasonDates(w, season);
        await expectPostseasonHeld(w, season, post);
        await expectFullLookback(w, season, post[0]);
      }
      // Every automatic answer says which rule produced it.
      const auto = (await new DecisionStore(w).list()).filter((d) => d.answered_by === 'yes');
      expect(auto.length).toBeGreaterThan(0);
      for (const d of auto) expect(d.rule).toMatch(/^--yes takes the recommendation/);
    });
  }, 1_800_000);
});

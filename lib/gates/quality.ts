/**
 * Step 3.3's expectation made a rule: "mostly Good after the first few weeks",
 * read with the Expected Outcomes' "after week 3: 80%+ should be Good".
 */
import type { GateStep } from '../notebook/steps.ts';

export interface WeekQuality { week: number; week_start: string; records: number; good: number; good_pct: number }

export const QUALITY_POLICY = { afterWeek: 3, goodPct: 80 };

export function qualityGate(policy = QUALITY_POLICY): Omit<GateStep<WeekQuality[]>, 'id' | 'title' | 'kind'> {
  const { afterWeek, goodPct } = policy;
  return {
    question: 'Phase 4 quality: continue?',
    choices: [
      { value: 'continue', label: 'Continue', effect: 'proceed' },
      { value: 'document', label: 'Document the low-quality weeks and continue', effect: 'proceed', needsNote: true },
      { value: 'stop', label: 'Stop and investigate (Phase 3 gaps, 2.3)', effect: 'stop' },
    ],
    table: () => [
      { when: `after week ${afterWeek}: ${goodPct}%+ of records Good (completeness ≥ 90)`, choice: 'continue', action: 'Continue' },
      { when: `after week ${afterWeek}: below ${goodPct}% Good`, choice: 'stop', action: 'Investigate: usually missing Phase 3 dates (2.3/2.4)' },
      { when: `weeks 1-${afterWeek}`, choice: null, action: 'Expected to be degraded (limited history); shown, not judged' },
    ],
    evidence: (weeks) => weeks.map((w) => ({ ...w, judged: w.week > afterWeek ? (w.good_pct >= goodPct ? 'ok' : 'LOW') : 'early (expected degraded)' })),
    decide(weeks) {
      const later = weeks.filter((w) => w.week > afterWeek);
      if (!later.length) return { recommendation: 'continue', reason: `the range has no week after week ${afterWeek} yet; early weeks are expected to be degraded` };
      const good = later.reduce((a, w) => a + w.good, 0);
      const total = later.reduce((a, w) => a + w.records, 0);
      const pct = total ? Math.round((good * 1000) / total) / 10 : 0;
      const low = later.filter((w) => w.good_pct < goodPct);
      if (pct >= goodPct) {
        return { recommendation: 'continue', reason: `${pct}% Good after week ${afterWeek} (≥ ${goodPct}%)${low.length ? `; weeks below: ${low.map((w) => `${w.week} (${w.good_pct}%)`).join(', ')}` : ''}` };
      }
      return { recommendation: 'stop', reason: `only ${pct}% Good after week ${afterWeek} (< ${goodPct}%); low weeks: ${low.map((w) => `${w.week} (${w.good_pct}%)`).join(', ')}` };
    },
  };
}

/**
 * Step 3.3's expectation made a rule: "mostly Good after the first few weeks",
 * read with the Expected Outcomes' "after week 3: 80%+ should be Good".
 * completeness_pct measures data (the share of the team's last games with the
 * player's Phase 3 row), so a low week points at the Phase 3 dates missing from
 * its records' windows, and the diagnosis names them. No records at all is no
 * evidence of quality: the gate then stops and says which phase is missing.
 */
import type { GateStep } from '../notebook/steps.ts';

export interface WeekQuality { week: number; week_start: string; records: number; good: number; good_pct: number }

/** A game date Phase 3 lacks: in the range, or inside the windows of low records. */
export interface Phase3Gap { missing_date: string; in_range: boolean; low_records: number }

export interface QualityEvidence {
  weeks: WeekQuality[];
  /** Final game dates in the range (the denominator for "Phase 3 lacks N of them"). */
  gameDates: number;
  gaps: Phase3Gap[];
  /** How to produce the missing phase, e.g. "./runbook/02-phase3.mts --season 2021-22". */
  phase3Command: string;
}

export const QUALITY_POLICY = { afterWeek: 3, goodPct: 80 };

const list = (gs: Phase3Gap[], n = 8) => `${gs.slice(0, n).map((g) => (g.low_records ? `${g.missing_date} (${g.low_records} low records)` : g.missing_date)).join(', ')}${gs.length > n ? `, … (${gs.length} in all)` : ''}`;

export function qualityGate(policy = QUALITY_POLICY): Omit<GateStep<QualityEvidence>, 'id' | 'title' | 'kind'> {
  const { afterWeek, goodPct } = policy;
  return {
    question: 'Phase 4 quality: continue?',
    choices: [
      { value: 'continue', label: 'Continue', effect: 'proceed' },
      { value: 'document', label: 'Document the low-quality weeks and continue', effect: 'proceed', needsNote: true },
      { value: 'stop', label: 'Stop and investigate (Phase 3 gaps, 2.3)', effect: 'stop' },
    ],
    table: () => [
      { when: 'no Phase 4 records at all', choice: 'stop', action: 'Stop: nothing to judge; produce the missing phase first (Phase 3 with Step 2, or Phase 4 with 3.1)' },
      { when: `after week ${afterWeek}: ${goodPct}%+ of records Good (completeness ≥ 90)`, choice: 'continue', action: 'Continue' },
      { when: `after week ${afterWeek}: below ${goodPct}% Good`, choice: 'stop', action: 'Investigate: the Phase 3 dates missing from the low records\' windows are listed (2.3/2.4)' },
      { when: `weeks 1-${afterWeek}`, choice: null, action: 'Expected to be degraded (limited history); shown, not judged' },
    ],
    evidence: (e) => e.weeks.map((w) => ({ ...w, judged: w.week > afterWeek ? (w.good_pct >= goodPct ? 'ok' : 'LOW') : 'early (expected degraded)' })),
    decide(e) {
      const total = e.weeks.reduce((a, w) => a + w.records, 0);
      const inRange = e.gaps.filter((g) => g.in_range);
      if (!total) {
        if (inRange.length) {
          return { recommendation: 'stop', reason: `no Phase 4 records to judge: Phase 3 (player_game_summary) lacks ${inRange.length} of the ${e.gameDates} game dates in the range${inRange.length === e.gameDates ? ' (all of them)' : ` (${list(inRange)})`}: run Phase 3 first (${e.phase3Command})` };
        }
        return { recommendation: 'stop', reason: 'no Phase 4 records to judge although Phase 3 holds every game date: run Phase 4 (3.1) first' };
      }
      const later = e.weeks.filter((w) => w.week > afterWeek);
      if (!later.length) return { recommendation: 'continue', reason: `the range has no week after week ${afterWeek} yet; early weeks are expected to be degraded` };
      const good = later.reduce((a, w) => a + w.good, 0);
      const laterTotal = later.reduce((a, w) => a + w.records, 0);
      const pct = laterTotal ? Math.round((good * 1000) / laterTotal) / 10 : 0;
      const low = later.filter((w) => w.good_pct < goodPct);
      const lowering = e.gaps.filter((g) => g.low_records > 0);
      const diagnosis = lowering.length
        ? `Phase 3 dates missing from the low records' windows: ${list(lowering)}`
        : 'no Phase 3 date is missing from the low records\' windows: they are players with few games of data for their team (new arrivals, trades, absences the gamebook did not record)';
      if (pct >= goodPct) {
        return { recommendation: 'continue', reason: `${pct}% Good after week ${afterWeek} (≥ ${goodPct}%)${low.length ? `; weeks below: ${low.map((w) => `${w.week} (${w.good_pct}%)`).join(', ')}; ${diagnosis}` : ''}` };
      }
      return { recommendation: 'stop', reason: `only ${pct}% Good after week ${afterWeek} (< ${goodPct}%); low weeks: ${low.map((w) => `${w.week} (${w.good_pct}%)`).join(', ')}; ${diagnosis}` };
    },
  };
}

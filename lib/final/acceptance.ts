/**
 * Step 5's last decision: accept the backfill, or re-run what is missing.
 *  - every table holds its expected dates, quality as expected → accept;
 *  - dates missing that a re-run can fill → re-run the listed commands (stops
 *    here), then run Step 5 again;
 *  - dates missing only where the source has nothing → accept and document them;
 *  - quality below the bar with no date missing → no recommendation: look at
 *    the inputs before accepting.
 */
import type { GateStep } from '../notebook/steps.ts';
import { QUALITY_POLICY } from '../gates/quality.ts';
import type { Row } from '../warehouse/types.ts';
import type { TableOutcome } from './outcomes.ts';
import type { QualityCheck } from './quality.ts';
import type { RerunPlan } from './rerun.ts';
import { count } from './ranges.ts';

export interface FinalVerdict { outcomes: TableOutcome[]; quality: QualityCheck[]; plan: RerunPlan }

export function acceptanceGate(policy = QUALITY_POLICY): Omit<GateStep<FinalVerdict>, 'id' | 'title' | 'kind'> {
  return {
    question: 'Accept the backfill?',
    choices: [
      { value: 'accept', label: 'Accept the backfill', effect: 'proceed' },
      { value: 'document', label: 'Accept and document what is missing', effect: 'proceed', needsNote: true },
      { value: 'rerun', label: 'Re-run the listed dates first (stops here)', effect: 'stop' },
    ],
    table: () => [
      { when: 'every table holds its expected dates; quality as expected', choice: 'accept', action: 'Accept the backfill' },
      { when: 'dates missing that a re-run can fill (failed, never run, Phase 2 still loadable)', choice: 'rerun', action: 'Run the listed ./bin/run_backfill.sh commands, then Step 5 again' },
      { when: 'dates missing only where the Phase 2 re-load already failed (the source has nothing)', choice: 'document', action: 'Accept and document them' },
      { when: `quality below ${policy.goodPct}% Good after week ${policy.afterWeek}, no dates missing`, choice: null, action: 'Investigate the inputs (lookback coverage) before accepting' },
    ],
    evidence: (v) => [
      ...v.outcomes.map((o): Row => ({ check: `${o.row.table} dates`, expected: o.expected.length, actual: o.actual, status: o.met ? 'met' : 'NOT MET' })),
      ...v.quality.map((q): Row => ({ check: `${q.expectation} (${q.season})`, expected: '', actual: q.actual, status: q.status === 'not met' ? 'NOT MET' : q.status })),
    ],
    decide(v) {
      const short = v.outcomes.filter((o) => !o.met);
      const lowQuality = v.quality.filter((q) => q.kind === 'good-after-week-3' && q.status === 'not met');
      const offQuality = v.quality.filter((q) => q.status === 'not met').map((q) => `${q.expectation} (${q.season}: ${q.actual})`);
      const also = offQuality.length ? `; quality not as expected: ${offQuality.join(', ')}` : '';
      if (v.plan.steps.length) {
        const dates = v.plan.steps.reduce((a, s) => a + s.dates.length, 0);
        return { recommendation: 'rerun', reason: `${count(short.length, 'table')} short of expected (${short.map((o) => o.row.table).join(', ')}): ${count(v.plan.steps.length, 'command')} re-run ${count(dates, 'job-date')}${also}` };
      }
      if (short.length) {
        const dates = [...new Set(v.plan.unrecoverable.flatMap((u) => u.dates))].sort();
        return { recommendation: 'document', reason: `the ${count(dates.length, 'missing date')} (${dates.join(', ')}) lack Phase 2 data the source cannot provide (their re-load already failed): document them and accept${also}` };
      }
      if (lowQuality.length) {
        return { recommendation: null, reason: `every expected date is present, but quality is below ${policy.goodPct}% Good after week ${policy.afterWeek} in ${lowQuality.map((q) => `${q.season} (${q.actual})`).join(', ')}` };
      }
      return { recommendation: 'accept', reason: `every table holds its expected dates${also || '; quality as expected'}` };
    },
  };
}

/**
 * Step 1.2's decision, from the original's table:
 *   all critical tables 99%+ → proceed; any critical < 95% → fix Phase 2 first;
 *   only optional tables low → document and proceed.
 * The original leaves a critical table between 95% and 99% undecided; so does
 * this rule (no recommendation), and the operator chooses.
 */
import type { GateChoice, GateStep } from '../notebook/steps.ts';
import type { Row } from '../warehouse/types.ts';

export interface CoverageRow { table_name: string; actual_dates: number; expected: number; pct: number }

export interface Phase2Policy {
  critical: string[];
  optional: string[];
  /** At or above: good enough to proceed. */
  proceedPct: number;
  /** Below: fix first. */
  fixBelowPct: number;
}

export const DEFAULT_POLICY: Phase2Policy = {
  critical: ['nbac_schedule', 'nbac_team_boxscore', 'nbac_gamebook_player_stats'],
  optional: ['bdl_player_boxscores'],
  proceedPct: 99,
  fixBelowPct: 95,
};

export const PHASE2_CHOICES: GateChoice[] = [
  { value: 'proceed', label: 'Proceed to Step 2', effect: 'proceed' },
  { value: 'document', label: 'Document the gaps and proceed', effect: 'proceed', needsNote: true },
  { value: 'fix', label: 'Fix Phase 2 gaps first (1.3)', effect: 'repair' },
  { value: 'stop', label: 'Stop here', effect: 'stop' },
];

const fmt = (r: CoverageRow) => `${r.table_name} ${r.pct}% (${r.actual_dates}/${r.expected})`;

export function phase2Gate(policy: Phase2Policy = DEFAULT_POLICY): Omit<GateStep<CoverageRow[]>, 'id' | 'title' | 'kind'> {
  const { proceedPct: hi, fixBelowPct: lo } = policy;
  const role = (t: string) => (policy.critical.includes(t) ? 'critical' : policy.optional.includes(t) ? 'optional' : 'unclassified');
  return {
    question: 'Phase 2 coverage: how do you want to go on?',
    choices: PHASE2_CHOICES,
    table: () => [
      { when: `all critical tables ${hi}%+ (and optional ones too)`, choice: 'proceed', action: 'Proceed to Step 2' },
      { when: `any critical table < ${lo}%`, choice: 'fix', action: 'Fix Phase 2 gaps first (1.3)' },
      { when: `critical tables ${hi}%+, only optional tables < ${hi}%`, choice: 'document', action: 'Document and proceed' },
      { when: `a critical table between ${lo}% and ${hi}%`, choice: null, action: 'No rule in the original: the operator decides (fixing first is usually cheap)' },
    ],
    evidence: (rows): Row[] => rows.map((r) => ({
      table_name: r.table_name, role: role(r.table_name), actual_dates: r.actual_dates, expected: r.expected, pct: r.pct,
      verdict: r.pct >= hi ? 'ok' : r.pct < lo ? `below ${lo}%` : `${lo}-${hi}%`,
    })),
    decide(rows) {
      const critical = rows.filter((r) => role(r.table_name) === 'critical');
      const others = rows.filter((r) => role(r.table_name) !== 'critical');
      const missingCritical = policy.critical.filter((t) => !rows.some((r) => r.table_name === t));
      if (missingCritical.length) return { recommendation: 'fix', reason: `no coverage figure for critical table(s) ${missingCritical.join(', ')}` };
      const bad = critical.filter((r) => r.pct < lo);
      if (bad.length) return { recommendation: 'fix', reason: `critical table(s) below ${lo}%: ${bad.map(fmt).join(', ')}` };
      const middling = critical.filter((r) => r.pct < hi);
      if (middling.length) {
        return { recommendation: null, reason: `critical table(s) between ${lo}% and ${hi}%: ${middling.map(fmt).join(', ')}; the original runbook has no rule for this band — fix (1.3) if the missing dates are recoverable, or document and proceed` };
      }
      const lowOptional = others.filter((r) => r.pct < hi);
      if (lowOptional.length) return { recommendation: 'document', reason: `all critical tables are ${hi}%+; only optional table(s) are low: ${lowOptional.map(fmt).join(', ')}` };
      const lowest = [...critical].sort((a, b) => a.pct - b.pct)[0];
      return { recommendation: 'proceed', reason: `all tables are ${hi}%+ (lowest: ${lowest ? fmt(lowest) : 'n/a'})` };
    },
  };
}

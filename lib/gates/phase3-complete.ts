/**
 * Step 4's "Validate Phase 3 complete" between a season's Phase 3 and Phase 4:
 * Phase 4 reads every Phase 3 table, so each must hold (nearly) every expected date.
 */
import type { GateStep } from '../notebook/steps.ts';
import type { Row } from '../warehouse/types.ts';

export const PHASE3_COMPLETE_PCT = 98;

export function phase3CompleteGate(minPct = PHASE3_COMPLETE_PCT): Omit<GateStep<Row[]>, 'id' | 'title' | 'kind'> {
  const pct = (r: Row) => (Number(r.expected) ? Math.round((Number(r.dates) * 1000) / Number(r.expected)) / 10 : 100);
  return {
    question: 'Phase 3 for this season: go on to Phase 4?',
    choices: [
      { value: 'proceed', label: 'Proceed to Phase 4', effect: 'proceed' },
      { value: 'document', label: 'Document the gaps and proceed to Phase 4', effect: 'proceed', needsNote: true },
      { value: 'stop', label: 'Stop (fix Phase 3 first; re-running Step 4 asks again)', effect: 'stop' },
    ],
    table: () => [
      { when: `every Phase 3 table holds ${minPct}%+ of its expected dates`, choice: 'proceed', action: 'Proceed to Phase 4' },
      { when: `a Phase 3 table below ${minPct}%`, choice: 'stop', action: 'Stop: Phase 4 would inherit the gaps' },
    ],
    evidence: (rows) => rows.map((r) => ({ table_name: r.table_name, dates: r.dates, expected: r.expected, pct: pct(r), explanation: r.explanation })),
    decide(rows) {
      const low = rows.filter((r) => pct(r) < minPct);
      if (low.length) return { recommendation: 'stop', reason: `below ${minPct}%: ${low.map((r) => `${r.table_name} ${pct(r)}% (${r.explanation})`).join('; ')}` };
      const short = rows.filter((r) => Number(r.dates) < Number(r.expected));
      return { recommendation: 'proceed', reason: short.length ? `every table ≥ ${minPct}%; small shortfalls explained: ${short.map((r) => `${r.table_name}: ${r.explanation}`).join('; ')}` : 'every table holds every expected date' };
    },
  };
}

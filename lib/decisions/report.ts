/**
 * The gate decisions of the whole backfill for Step 5's report, read from the
 * warehouse (runbook_decisions): the latest answer per season (or range) and
 * gate, how many times it was asked, and a stop still waiting shown as such.
 */
import type { GateDecision } from '../report/journal-gates.ts';
import type { StoredDecision } from './store.ts';

export function gateDecisionRows(all: StoredDecision[]): GateDecision[] {
  const latest = new Map<string, GateDecision>();
  for (const d of all) {
    const key = `${d.season ?? d.scope}|${d.gate}`;
    const before = latest.get(key);
    latest.set(key, {
      when: d.decided_at.replace('T', ' ').slice(0, 19),
      script: d.script,
      range: d.season ?? d.scope,
      gate: `${d.gate} ${d.gate_title}`.trim(),
      answer: d.effect === 'pending' ? 'waiting (stopped)' : d.answer ?? '',
      by: d.answered_by === 'operator' ? d.operator : d.answered_by,
      note: d.note ?? '',
      times_asked: (before?.times_asked ?? 0) + 1,
    });
  }
  return [...latest.values()].sort((a, b) => a.when.localeCompare(b.when));
}

/** The warehouse's decisions, plus any the journal holds that the warehouse does not (answered before decisions were kept there). */
export function mergeDecisionRows(recorded: GateDecision[], journal: GateDecision[]): GateDecision[] {
  const have = new Set(recorded.map((r) => `${r.range}|${r.gate.split(' ')[0]}`));
  return [...recorded, ...journal.filter((j) => !have.has(`${j.range}|${j.gate.split(' ')[0]}`))].sort((a, b) => a.when.localeCompare(b.when));
}

/**
 * The gate decisions of the whole backfill, read back from the journal: every
 * script appends its answers there, so Step 5's report can show who decided
 * what, on which range, and why.
 */
import { readJournal } from '../notebook/journal.ts';
import type { Row } from '../warehouse/types.ts';

export interface GateDecision extends Row {
  when: string;
  script: string;
  range: string;
  gate: string;
  answer: string;
  by: string;
  note: string;
  times_asked: number;
}

type Event = Record<string, unknown>;

/** The latest answer per script, range and gate, oldest first; earlier answers are counted. */
export function gateDecisions(events: Event[]): GateDecision[] {
  const ranges = new Map<string, string>();
  for (const e of events) {
    const r = e.range as { start?: string; end?: string } | undefined;
    if (e.event === 'start' && r?.start) ranges.set(String(e.run_id), `${r.start}..${r.end}`);
  }
  const latest = new Map<string, GateDecision>();
  for (const e of events) {
    if (e.event !== 'gate') continue;
    const range = ranges.get(String(e.run_id)) ?? '';
    const key = `${String(e.script)}|${range}|${String(e.id)}`;
    const before = latest.get(key);
    latest.set(key, {
      when: String(e.ts ?? '').replace('T', ' ').slice(0, 19),
      script: String(e.script),
      range,
      gate: `${String(e.id)} ${String(e.title ?? '')}`.trim(),
      answer: e.answer == null ? 'stopped (unanswered)' : String(e.answer),
      by: String(e.answeredBy ?? ''),
      note: e.note ? String(e.note) : '',
      times_asked: (before?.times_asked ?? 0) + 1,
    });
  }
  return [...latest.values()].sort((a, b) => a.when.localeCompare(b.when));
}

export function readGateDecisions(journalFile: string): GateDecision[] {
  return gateDecisions(readJournal(journalFile));
}

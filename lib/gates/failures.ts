/**
 * After a phase runs: what to do about the dates that failed (the original:
 * "note the dates and errors, decide whether to fix now or continue"). Each
 * failed date is judged by its cause, read from the run history and the data
 * (lib/backfill/validate.ts builds the evidence):
 *  - its Phase 2 data is missing or fails a data check, and no Phase 2 re-load
 *    was tried since it started failing → fix Phase 2 here (re-load those
 *    dates, then re-run them);
 *  - the missing data is there now, or the failure is transient (a crash, an
 *    interruption, an abandoned run) and has not repeated → re-run the date;
 *  - a Phase 4 date lacks Phase 3 data that Step 2 could still produce, a
 *    transient failure keeps repeating, or a data check fails that no re-load
 *    can fix (duplicate or NULL keys: the processor) → stop and fix that first;
 *  - the source has nothing for it (its Phase 2 re-load failed, or the re-loaded
 *    data still fails the check) → continue and document.
 * In-place repairs come first: each changes the evidence, so the gate asks
 * again with what is left, and never recommends a re-run that cannot help.
 */
import type { GateStep } from '../notebook/steps.ts';

/** What a failed date needs, derived from its error, the run history and the data. */
export type FailureState =
  /** Phase 2 data missing or failing a check, no re-load tried since the date started failing. */
  | 'phase2-not-reloaded'
  /** Its Phase 2 re-load failed: the source has nothing. */
  | 'phase2-unavailable'
  /** Phase 2 was re-loaded since it started failing, and the date still fails its data check. */
  | 'phase2-reload-did-not-help'
  /** A Phase 4 date whose Phase 3 data is missing and could still be produced by Step 2. */
  | 'phase3-missing'
  /** A Phase 4 date whose Phase 3 data is missing because its Phase 2 source has nothing. */
  | 'phase3-unavailable'
  /** The data it lacked is there now: a re-run will pass. */
  | 'upstream-fixed'
  /** The upstream job it waits for ran on the date and wrote no rows: a re-run fails the same way. */
  | 'upstream-empty'
  /** A crash, an interruption, an abandoned run. */
  | 'transient'
  /** A data check a re-run reproduces: duplicate or NULL keys from the processor itself. */
  | 'processor-check';

export interface FailureCase {
  data_date: string;
  processor_name: string;
  error_preview: string | null;
  missing_dependencies: string[] | null;
  state: FailureState;
  /** Consecutive failed attempts of this processor on this date. */
  failed_attempts: number;
  /** Raw tables a Phase 2 re-load would refill for this date (for 'phase2-not-reloaded'). */
  reload_tables: string[];
  /** Phase 3 tables that lack the date (Phase 4 failures). */
  phase3_missing: string[];
}

export interface FailureEvidence {
  failures: FailureCase[];
  /** What "continue" leads to, e.g. "continue with Step 3 (./runbook/03-phase4.mts)". */
  next: string;
  /** The command that produces Phase 3 for these dates (named when Phase 3 is what is missing). */
  phase3Command: string;
}

/** A transient failure that has failed this many times in a row is not transient. */
export const MAX_TRANSIENT_ATTEMPTS = 3;

export const FAILURE_CHOICES = [
  { value: 'continue', label: 'Continue', effect: 'proceed' },
  { value: 'rerun', label: 'Re-run the failed dates now (only those)', effect: 'repair' },
  { value: 'fix-phase2', label: 'Fix Phase 2 first: re-load those dates, then re-run them', effect: 'repair' },
  { value: 'document', label: 'Continue and document the failures', effect: 'proceed', needsNote: true },
  { value: 'stop', label: 'Stop here', effect: 'stop' },
] as const;

export type FailureChoice = (typeof FAILURE_CHOICES)[number]['value'];

/** What each failed date needs on its own; the gate recommends the most urgent of them. */
export function remedyOf(f: FailureCase): FailureChoice {
  switch (f.state) {
    case 'phase2-not-reloaded': return 'fix-phase2';
    case 'upstream-fixed': return 'rerun';
    case 'transient': return f.failed_attempts < MAX_TRANSIENT_ATTEMPTS ? 'rerun' : 'stop';
    case 'phase3-missing':
    case 'processor-check': return 'stop';
    default: return 'document';
  }
}

const ORDER: FailureChoice[] = ['fix-phase2', 'rerun', 'stop', 'document'];

function datesOf(fs: FailureCase[]): string {
  const ds = [...new Set(fs.map((f) => f.data_date))].sort();
  return `${ds.length} date(s) (${ds.slice(0, 6).join(', ')}${ds.length > 6 ? ', …' : ''})`;
}

const short = (p: string) => p.replace(/Processor$/, '');

export function failureGate(): Omit<GateStep<FailureEvidence>, 'id' | 'title' | 'kind'> {
  return {
    question: 'Some dates failed. What now?',
    choices: FAILURE_CHOICES.map((c) => ({ ...c })),
    table: () => [
      { when: 'no failed dates', choice: 'continue', action: 'Continue (the question is not asked)' },
      { when: 'Phase 2 data missing or failing a data check, no Phase 2 re-load since the date started failing', choice: 'fix-phase2', action: 'Re-load those dates with the Phase 2 job, then re-run them (the runbook runs both commands)' },
      { when: `the missing data is there now, or a transient failure (crash, interrupted, abandoned) seen fewer than ${MAX_TRANSIENT_ATTEMPTS} times in a row`, choice: 'rerun', action: 'Re-run only the failed dates' },
      { when: `a Phase 4 date lacks Phase 3 data Step 2 can still produce; a transient failure repeated ${MAX_TRANSIENT_ATTEMPTS}+ times; duplicate or NULL keys`, choice: 'stop', action: 'Stop: a re-run cannot fix it; fix the cause first' },
      { when: 'the source has nothing (the Phase 2 re-load failed, or the re-loaded data still fails the check); the upstream job it needs succeeded on the date with no rows', choice: 'document', action: 'Continue and document' },
    ],
    evidence: (e) => e.failures.map((f) => ({
      data_date: f.data_date, processor_name: f.processor_name, cause: f.state, failed_attempts: f.failed_attempts,
      error_preview: f.error_preview, missing_dependencies: (f.missing_dependencies ?? []).join(', '),
    })),
    decide(e) {
      if (!e.failures.length) return { recommendation: 'continue', reason: `no failed dates; ${e.next}` };
      const by = new Map<FailureChoice, FailureCase[]>();
      for (const f of e.failures) by.set(remedyOf(f), [...(by.get(remedyOf(f)) ?? []), f]);
      const choice = ORDER.find((c) => by.has(c))!;
      const fs = by.get(choice)!;
      const later = ORDER.filter((c) => c !== choice && by.has(c)).map((c) => `${by.get(c)!.length} more failed processor-date(s) to ${c} afterwards`);
      const tail = later.length ? `; ${later.join(', ')}` : '';
      if (choice === 'fix-phase2') {
        const tables = [...new Set(fs.flatMap((f) => f.reload_tables))];
        return { recommendation: choice, reason: `${datesOf(fs)} lack Phase 2 data (${tables.join(', ')}) that has not been re-loaded since they failed: re-load them with the Phase 2 job, then re-run them${tail}` };
      }
      if (choice === 'rerun') {
        const fixed = fs.filter((f) => f.state === 'upstream-fixed');
        const transient = fs.filter((f) => f.state === 'transient');
        const parts = [
          ...(fixed.length ? [`${datesOf(fixed)} now have the data they lacked`] : []),
          ...(transient.length ? [`${transient.length} failure(s) are transient (${[...new Set(transient.map((f) => short(f.processor_name)))].join(', ')}; ${[...new Set(transient.map((f) => errorType(f)))].join(', ')}), none repeated ${MAX_TRANSIENT_ATTEMPTS} times`] : []),
        ];
        return { recommendation: choice, reason: `${parts.join('; ')}: re-running just those dates should clear them${tail}` };
      }
      if (choice === 'stop') {
        const p3 = fs.filter((f) => f.state === 'phase3-missing');
        const stuck = fs.filter((f) => f.state === 'transient');
        const checks = fs.filter((f) => f.state === 'processor-check');
        const parts = [
          ...(p3.length ? [`${datesOf(p3)} lack Phase 3 data (${[...new Set(p3.flatMap((f) => f.phase3_missing))].join(', ')}): run Phase 3 for them first (${e.phase3Command})`] : []),
          ...(stuck.length ? [`${datesOf(stuck)} failed ${MAX_TRANSIENT_ATTEMPTS}+ times in a row (${[...new Set(stuck.map((f) => errorType(f)))].join(', ')}): another re-run will not help; investigate (./runbook/troubleshoot.mts)`] : []),
          ...(checks.length ? [`${datesOf(checks)} fail a data check the processor itself causes (${[...new Set(checks.map((f) => (f.error_preview ?? '').replace(/^\{"error":"/, '').slice(0, 60)))].join('; ')}): a re-run writes the same rows`] : []),
        ];
        return { recommendation: choice, reason: `${parts.join('; ')}${tail}` };
      }
      const p2 = fs.filter((f) => f.state === 'phase2-unavailable' || f.state === 'phase2-reload-did-not-help');
      const p3 = fs.filter((f) => f.state === 'phase3-unavailable');
      const empty = fs.filter((f) => f.state === 'upstream-empty');
      const parts = [
        ...(p2.length ? [`${datesOf(p2)} lack Phase 2 data the source cannot provide (their re-load failed, or the re-loaded data still fails the check)`] : []),
        ...(p3.length ? [`${datesOf(p3)} lack Phase 3 data (${[...new Set(p3.flatMap((f) => f.phase3_missing))].join(', ')}) that Step 2 could not produce: its Phase 2 source has nothing for them`] : []),
        ...(empty.length ? [`${datesOf(empty)} need ${[...new Set(empty.flatMap((f) => f.missing_dependencies ?? []))].join(', ')}, whose job succeeded on them and wrote no rows: a re-run fails the same way`] : []),
      ];
      return { recommendation: 'document', reason: `${parts.join('; ')}: document them and ${e.next}` };
    },
  };
}

/** The error type a failure recorded ("Interrupted", "Abandoned", …), from its preview. */
export function errorType(f: Pick<FailureCase, 'error_preview'>): string {
  const m = /"error":"([A-Za-z]+)/.exec(f.error_preview ?? '') ?? /"error_type":"([A-Za-z]+)/.exec(f.error_preview ?? '');
  return m?.[1] ?? 'error';
}

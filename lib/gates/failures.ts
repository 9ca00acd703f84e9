/**
 * After a phase runs: what to do about the dates that failed (the original:
 * "note the dates and errors, decide whether to fix now or continue").
 *  - no failures → continue;
 *  - failures that are not dependency errors (a crash, an interruption, an
 *    abandoned run) → re-run just those dates, they are usually transient;
 *  - dependency errors whose Phase 2 load was never retried → fix Phase 2 first;
 *  - dependency errors the source cannot fill (its re-load already failed) →
 *    continue and document them.
 */
import type { GateStep } from '../notebook/steps.ts';

export interface FailureEvidence {
  failures: { data_date: string; processor_name: string; error_preview: string | null; missing_dependencies: string[] | null }[];
  /** Dates whose Phase 2 re-load already failed: the source has nothing for them. */
  unrecoverable: Set<string>;
  /** The command that fixes Phase 2 for this range. */
  fixCommand: string;
  next: string;
}

export function failureGate(): Omit<GateStep<FailureEvidence>, 'id' | 'title' | 'kind'> {
  return {
    question: 'Some dates failed. What now?',
    choices: [
      { value: 'continue', label: 'Continue', effect: 'proceed' },
      { value: 'rerun', label: 'Re-run the failed dates now (only those)', effect: 'repair' },
      { value: 'fix-phase2', label: 'Fix Phase 2 first (stops here)', effect: 'stop' },
      { value: 'document', label: 'Continue and document the failures', effect: 'proceed', needsNote: true },
      { value: 'stop', label: 'Stop here', effect: 'stop' },
    ],
    table: () => [
      { when: 'no failed dates', choice: 'continue', action: 'Continue' },
      { when: 'failures other than DependencyError (crash, interrupted, abandoned)', choice: 'rerun', action: 'Re-run only the failed dates' },
      { when: 'DependencyError, Phase 2 re-load not yet tried for the date', choice: 'fix-phase2', action: 'Fix Phase 2 first (01 --from 1.3), then re-run the failed dates' },
      { when: 'DependencyError, Phase 2 re-load already failed (the source has nothing)', choice: 'document', action: 'Continue and document' },
    ],
    evidence: (e) => e.failures.map((f) => ({ ...f, missing_dependencies: (f.missing_dependencies ?? []).join(', ') })),
    decide(e) {
      if (!e.failures.length) return { recommendation: 'continue', reason: `no failed dates; ${e.next}` };
      const dep = e.failures.filter((f) => (f.error_preview ?? '').includes('DependencyError'));
      const other = e.failures.filter((f) => !dep.includes(f));
      if (other.length) return { recommendation: 'rerun', reason: `${other.length} failure(s) are not dependency errors (${[...new Set(other.map((f) => f.processor_name))].join(', ')}): re-running just those dates usually clears them` };
      const fixable = dep.filter((f) => !e.unrecoverable.has(f.data_date));
      if (fixable.length) {
        const dates = [...new Set(fixable.map((f) => f.data_date))];
        return { recommendation: 'fix-phase2', reason: `${dates.length} date(s) lack Phase 2 data that has not been re-loaded yet (${dates.join(', ')}): run ${e.fixCommand}, then re-run the failed dates` };
      }
      const dates = [...new Set(dep.map((f) => f.data_date))];
      return { recommendation: 'document', reason: `the ${dates.length} failed date(s) (${dates.join(', ')}) lack Phase 2 data the source cannot provide (their re-load already failed): document them and continue` };
    },
  };
}

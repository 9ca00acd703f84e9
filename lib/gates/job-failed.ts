/**
 * Step 3.1's stop: a Phase 4 job finished with failed dates. The next job reads
 * this one's output date by date, so a date that failed here fails there too
 * (DependencyError) while every other date goes on; whether to go on depends on
 * why the dates failed.
 */
import type { GateStep } from '../notebook/steps.ts';
import type { RunSummary } from '../backfill/runner.ts';

export function jobFailedGate(): Omit<GateStep<RunSummary>, 'id' | 'title' | 'kind'> {
  return {
    question: 'A Phase 4 job has failed dates. What now?',
    choices: [
      { value: 'continue', label: 'Continue with the next job (its failed dates will record DependencyError downstream)', effect: 'proceed' },
      { value: 'rerun', label: 'Re-run this job’s failed dates now', effect: 'repair' },
      { value: 'stop', label: 'Stop here', effect: 'stop' },
    ],
    table: () => [
      { when: 'every failed date is a DependencyError (upstream data missing)', choice: 'continue', action: 'Continue: re-running cannot help until the upstream is fixed' },
      { when: 'some dates failed for another reason (crash, interrupted, data check)', choice: 'rerun', action: 'Re-run just those dates before the next job reads them' },
    ],
    evidence: (s) => s.outcomes.filter((o) => o.status === 'failed').map((o) => ({ job: s.job, data_date: o.date, reason: o.missing ? `DependencyError: ${o.missing.join(', ')}` : o.reason ?? '' })),
    decide(s) {
      const failed = s.outcomes.filter((o) => o.status === 'failed');
      const other = failed.filter((o) => !o.missing);
      if (other.length) return { recommendation: 'rerun', reason: `${other.length} date(s) failed for a reason other than missing upstream data (${[...new Set(other.map((o) => o.reason))].join('; ').slice(0, 120)})` };
      return { recommendation: 'continue', reason: `all ${failed.length} failed date(s) lack upstream data (${[...new Set(failed.flatMap((o) => o.missing ?? []))].join(', ')}); the next jobs run every other date` };
    },
  };
}

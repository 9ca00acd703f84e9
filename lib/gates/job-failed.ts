/**
 * Step 3.1's stop: a Phase 4 job finished with failed dates. The next job reads
 * this one's output date by date, so a date that failed here fails there too
 * (DependencyError) while every other date goes on; whether to go on depends on
 * why the dates failed, and on whether any date succeeded at all.
 */
import type { GateStep } from '../notebook/steps.ts';
import { missingByPhase, type DateOutcome, type RunSummary } from '../backfill/runner.ts';

const transient = (o: DateOutcome) => !o.missing && !/data check/i.test(o.reason ?? '');

export function jobFailedGate(): Omit<GateStep<RunSummary>, 'id' | 'title' | 'kind'> {
  return {
    question: 'A Phase 4 job has failed dates. What now?',
    choices: [
      { value: 'continue', label: 'Continue with the next job (its failed dates will record DependencyError downstream)', effect: 'proceed' },
      { value: 'rerun', label: 'Re-run this job’s failed dates now', effect: 'repair' },
      { value: 'stop', label: 'Stop here', effect: 'stop' },
    ],
    table: () => [
      { when: 'no date of the job succeeded (nothing for the next job to read)', choice: 'stop', action: 'Stop: fix the missing upstream phase first' },
      { when: 'a data check failed (the processor wrote bad rows: a re-run writes the same)', choice: 'stop', action: 'Stop and investigate' },
      { when: 'some dates failed transiently (crash, interrupted, abandoned)', choice: 'rerun', action: 'Re-run just those dates before the next job reads them' },
      { when: 'every failed date lacks upstream data, other dates succeeded', choice: 'continue', action: 'Continue: re-running cannot help until the upstream is fixed' },
    ],
    evidence: (s) => s.outcomes.filter((o) => o.status === 'failed').map((o) => ({ job: s.job, data_date: o.date, reason: o.missing ? `DependencyError: ${missingByPhase(o.missing)}` : o.reason ?? '' })),
    decide(s) {
      const failed = s.outcomes.filter((o) => o.status === 'failed');
      const ok = s.outcomes.filter((o) => o.status === 'success');
      if (!failed.length) return { recommendation: 'continue', reason: 'no failed dates' };
      const missing = missingByPhase(failed.flatMap((o) => o.missing ?? []));
      if (!ok.length) {
        return { recommendation: 'stop', reason: `no date of ${s.job} succeeded: all ${failed.length} failed${missing ? `, lacking ${missing}` : ''}; the next jobs would have nothing to read: fix that first` };
      }
      const checks = failed.filter((o) => !o.missing && !transient(o));
      if (checks.length) return { recommendation: 'stop', reason: `${checks.length} date(s) failed a data check (${[...new Set(checks.map((o) => o.reason))].join('; ').slice(0, 160)}): a re-run writes the same rows; investigate` };
      const other = failed.filter(transient);
      if (other.length) return { recommendation: 'rerun', reason: `${other.length} date(s) failed for a reason other than missing upstream data (${[...new Set(other.map((o) => o.reason))].join('; ').slice(0, 120)})` };
      return { recommendation: 'continue', reason: `all ${failed.length} failed date(s) lack upstream data (${missing}); the next jobs run the other ${ok.length} date(s)` };
    },
  };
}

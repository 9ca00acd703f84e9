/**
 * The original's "--dry-run first, then run": the dry run's figures are the
 * evidence, and the gate confirms the commands before anything is written.
 */
import type { GateStep } from '../notebook/steps.ts';
import type { JobPreview } from '../backfill/preview.ts';

export function confirmRunGate(what: string): Omit<GateStep<JobPreview[]>, 'id' | 'title' | 'kind'> {
  return {
    question: `Run ${what} now?`,
    choices: [
      { value: 'run', label: `Run ${what}`, effect: 'proceed' },
      { value: 'stop', label: 'Stop (nothing has been written)', effect: 'stop' },
    ],
    table: () => [
      { when: 'every job has dates to process', choice: 'run', action: 'Run them' },
      { when: 'a job has nothing to process in the range', choice: null, action: 'Check the range or the upstream data first' },
    ],
    evidence: (rows) => rows.map(({ gap_dates: _g, ...r }) => r),
    decide(rows) {
      const idle = rows.filter((r) => r.to_process === 0 && r.skipped < r.game_dates);
      if (idle.length) return { recommendation: null, reason: `${idle.map((r) => r.job).join(', ')} would process no date in this range` };
      const gaps = rows.filter((r) => r.dependency_gaps > 0);
      const total = rows.reduce((a, r) => a + r.to_process, 0);
      return {
        recommendation: 'run',
        reason: `${total} job-dates to process${gaps.length ? `; ${gaps.map((r) => `${r.job} will record ${r.dependency_gaps} DependencyError date(s) (${r.gap_dates})`).join('; ')}` : '; every upstream table has data for every date'}`,
      };
    },
  };
}

/**
 * The original's "--dry-run first, then run": the dry run's figures are the
 * evidence, and the gate confirms the commands before anything is written.
 *
 * A job with nothing to process is judged by why: the player context skips
 * every date before the odds data starts (no props lines, by design: those
 * dates are recorded as skipped, not failed), which is no reason to hold the
 * other four back; a job whose every date lacks its upstream data, or a range
 * without game dates, means the range or Phase 2 needs checking first.
 */
import type { GateStep } from '../notebook/steps.ts';
import type { JobPreview } from '../backfill/preview.ts';

const REASONS: Record<string, string> = { no_props_lines: 'no props lines' };

/** Every game date of the job is skipped for its documented reason (not bootstrap, not a gap). */
const skipsByDesign = (r: JobPreview) => r.to_process === 0 && r.dependency_gaps === 0 && r.game_dates > 0 && !!r.skip_reason && r.skipped === r.game_dates;

export function confirmRunGate(what: string): Omit<GateStep<JobPreview[]>, 'id' | 'title' | 'kind'> {
  return {
    question: `Run ${what} now?`,
    choices: [
      { value: 'run', label: `Run ${what}`, effect: 'proceed' },
      { value: 'stop', label: 'Stop (nothing has been written)', effect: 'stop' },
    ],
    table: () => [
      { when: 'every job has dates to process', choice: 'run', action: 'Run them' },
      { when: 'a job skips every date by design (the player context before the odds data starts: no props lines)', choice: 'run', action: 'Run them: those dates are recorded as skipped, not failed' },
      { when: 'a job has nothing to process for another reason (its upstream data missing on every date, no game dates)', choice: 'stop', action: 'Check the range or the upstream data first' },
    ],
    // skip_reason only when some job has one: an empty column would squeeze the job names at 100 columns.
    evidence: (rows) => rows.map(({ gap_dates: _g, scope_starts: _s, skip_reason, ...r }) => (rows.some((x) => x.skip_reason) ? { ...r, skip_reason } : r)),
    decide(rows) {
      if (!rows.length) return { recommendation: 'stop', reason: 'no job to preview' };
      const byDesign = rows.filter(skipsByDesign);
      const idle = rows.filter((r) => r.to_process === 0 && !byDesign.includes(r));
      if (idle.length) {
        return {
          recommendation: 'stop',
          reason: `${idle.map((r) => `${r.job} would process no date (${r.game_dates ? `${r.dependency_gaps} of ${r.game_dates} game dates lack upstream data` : 'no game dates in the range'})`).join('; ')}: check the range or the upstream data first`,
        };
      }
      const gaps = rows.filter((r) => r.dependency_gaps > 0);
      const total = rows.reduce((a, r) => a + r.to_process, 0);
      const notes = [
        ...byDesign.map((r) => `${r.job} has nothing to process by design: ${REASONS[r.skip_reason] ?? r.skip_reason} in this range${r.scope_starts ? ` (the odds data starts ${r.scope_starts})` : ''}, so its ${r.skipped} dates are recorded as skipped, not failed`),
        ...gaps.map((r) => `${r.job} will record ${r.dependency_gaps} DependencyError date(s) (${r.gap_dates})`),
      ];
      return {
        recommendation: 'run',
        reason: `${total} job-dates to process; ${notes.length ? notes.join('; ') : 'every upstream table has data for every date'}`,
      };
    },
  };
}

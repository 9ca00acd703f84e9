/**
 * Why a date a table should hold is not there, in words, from the date's
 * latest attempt in the run history.
 */
import type { LatestAttempt } from '../calendar-view/states.ts';

export interface GapReason {
  /** Groups dates with the same reason. */
  key: string;
  /** "N dates …" */
  words(n: string): string;
  /** Missing upstream tables (DependencyError), for the re-run plan. */
  missing: string[];
}

function errorType(errors: string | null): string {
  if (!errors) return 'no error recorded';
  try {
    const e = JSON.parse(errors) as { error_type?: string; message?: string };
    return e.error_type ?? e.message?.slice(0, 40) ?? 'error';
  } catch {
    return errors.slice(0, 40);
  }
}

export function gapReason(latest: LatestAttempt | undefined): GapReason {
  if (!latest) return { key: 'never run', words: (n) => `${n} never run`, missing: [] };
  const missing = latest.missing_dependencies ?? [];
  switch (latest.status) {
    case 'failed':
      if (missing.length || (latest.errors ?? '').includes('DependencyError')) {
        const what = missing.length ? ` (${missing.join(', ')})` : '';
        return { key: `DependencyError${what}`, words: (n) => `${n} failed with DependencyError${what}`, missing };
      }
      return { key: `failed: ${errorType(latest.errors)}`, words: (n) => `${n} failed (${errorType(latest.errors)})`, missing: [] };
    case 'skipped':
      return { key: `skipped: ${latest.skip_reason}`, words: (n) => `${n} skipped: ${latest.skip_reason ?? 'no reason given'}`, missing: [] };
    case 'running':
      return { key: 'running', words: (n) => `${n} still running (or abandoned by a killed run)`, missing: [] };
    default:
      return { key: 'empty success', words: (n) => `${n} succeeded but wrote no rows`, missing: [] };
  }
}

/** A long list of dates cut to what a table cell can hold. */
export function brief(text: string, max = 90): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).replace(/,[^,]*$/, '')}, …`;
}

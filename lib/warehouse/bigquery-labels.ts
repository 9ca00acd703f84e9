/**
 * Job labels and job ids, so a job in the BigQuery console or INFORMATION_SCHEMA.JOBS
 * says which runbook step started it (and billing can be grouped by script).
 *
 * BigQuery's label rules: at most 64 labels; keys start with a lowercase letter;
 * keys and values hold lowercase letters, digits, `_` and `-`, at most 63 characters.
 */
import { randomUUID } from 'node:crypto';

export const APP_LABEL = 'backfill-runbook';

export function labelValue(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').slice(0, 63);
}

export function labelKey(s: string): string {
  const v = labelValue(s);
  return /^[a-z]/.test(v) ? v : `k_${v}`.slice(0, 63);
}

/**
 * A query label such as "01-validate-phase2/1.1" becomes { script, step }; the
 * process-wide labels (run_id, season) are added to every job.
 */
export function jobLabels(label: string | undefined, base: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = { app: APP_LABEL };
  for (const [k, v] of Object.entries(base)) out[labelKey(k)] = labelValue(v);
  if (label) {
    const [script, ...step] = label.split('/');
    out.script = labelValue(script);
    if (step.length) out.step = labelValue(step.join('/'));
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== ''));
}

/** A readable, unique job id: letters, digits, `_` and `-` only, as BigQuery requires. */
export function jobIdFor(label: string | undefined): string {
  const stem = (label ?? 'query').replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 80);
  return `runbook_${stem}_${randomUUID().replaceAll('-', '')}`;
}

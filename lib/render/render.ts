/**
 * From the scripts to RUNBOOK.md and RUNBOOK.html, checked on the way: the
 * one function the CLI and the tests call.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_AS_OF } from '../seasons/calendar.ts';
import { checkMarkdown } from './check.ts';
import { renderDocument, TITLE } from './document.ts';
import { externalReferences, renderHtml } from './html.ts';
import { loadJobs } from './jobs.ts';
import { loadOriginalOutcomes } from './outcomes.ts';
import { loadScripts } from './scripts.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RenderOptions {
  /** Where the scripts are (default: runbook/ of this repository). */
  dir?: string;
  asOf?: string;
}

export interface Rendered {
  markdown: string;
  html: string;
  /** What the markdown checks found; a sound document has none. */
  problems: string[];
  /** Worth saying, not failing for (e.g. job names read from the contract). */
  notes: string[];
}

/** Throws RenderProblems when a script cannot be documented (no doc comment, does not import). */
export async function render(opts: RenderOptions = {}): Promise<Rendered> {
  const dir = opts.dir ?? path.join(REPO_ROOT, 'runbook');
  const [scripts, jobs, outcomes] = await Promise.all([loadScripts(dir, REPO_ROOT), loadJobs(), loadOriginalOutcomes()]);
  const markdown = renderDocument({ scripts, jobs: jobs.jobs, outcomes, asOf: opts.asOf ?? DEFAULT_AS_OF });
  const html = renderHtml(markdown, TITLE);
  const problems = [
    ...checkMarkdown(markdown),
    ...externalReferences(html).map((ref) => `RUNBOOK.html would load ${ref}: it must be self-contained`),
  ];
  return { markdown, html, problems, notes: jobs.warning ? [jobs.warning] : [] };
}

/**
 * What every part of the document shares: the context a script is shown for,
 * and links to steps.
 */
import type { RunbookDef } from '../notebook/notebook.ts';
import type { Step, StepContext } from '../notebook/steps.ts';
import { COMMON_OPTIONS } from '../notebook/flags.ts';
import { DEFAULT_AS_OF, SEASONS, seasonAsOf } from '../seasons/calendar.ts';
import { link, slug } from './md.ts';
import type { LoadedScript } from './scripts.ts';
import { stepHeading, type Block, type ScriptView } from './steps.ts';

/** A `## ` section: its title and its blocks (paragraphs, tables, fences, headings). */
export interface Section { title: string; blocks: Block[] }

export const PROJECT = COMMON_OPTIONS.find((o) => o.name === 'project')?.default ?? 'nba-props-platform';

/**
 * The context a script is shown for: its own default range (Step 1: the Phase 2
 * range), or, for a script that needs a season, the first season, as the original shows 2021-22.
 */
export function exampleContext(def: RunbookDef, asOf = DEFAULT_AS_OF): StepContext {
  if (def.defaultRange) return { range: def.defaultRange(asOf), season: null, asOf, project: PROJECT };
  const season = seasonAsOf(SEASONS[0], asOf);
  return { range: { start: season.start, end: season.end }, season, asOf, project: PROJECT };
}

export function viewOf(s: LoadedScript, asOf: string, ctx: StepContext = exampleContext(s.def, asOf)): ScriptView {
  return { name: s.name, ctx, steps: s.def.steps, positional: s.def.positional };
}

export const allSteps = (scripts: LoadedScript[]) => scripts.flatMap((s) => s.def.steps);
export const stepLink = (st: Step) => link(stepHeading(st), slug(stepHeading(st)));


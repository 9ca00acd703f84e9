/**
 * Finds the runbook scripts, orders them as the document reads, imports each
 * (importing never runs a script: they all end in an isMain guard) and pairs
 * every step object with the doc comment the parser found for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunbookDef } from '../notebook/notebook.ts';
import type { Step } from '../notebook/steps.ts';
import { extractDocs, type ScriptDocs } from './extract.ts';

/** The original's sections that are not numbered steps, in its order. */
export const NAMED_SECTIONS = ['monitor', 'troubleshoot'] as const;

/** Steps documented together by one comment (made by a `.map` under one constant). */
export interface StepGroup { variable: string; head: string; title: string | null; doc: string }

/** A step and its prose: its own doc comment, or its group's. */
export interface DocumentedStep { step: Step; doc: string | null; group: StepGroup | null }

export interface LoadedScript {
  /** File stem: '02-phase3'. */
  name: string;
  /** Relative to the repository, for messages: 'runbook/02-phase3.mts'. */
  file: string;
  def: RunbookDef;
  docs: ScriptDocs;
  steps: DocumentedStep[];
}

/** Numbered scripts first (01, 02, …), then monitor and troubleshoot, then anything else by name. */
export function scriptOrder(a: string, b: string): number {
  const rank = (n: string) => (/^\d/.test(n) ? 0 : (NAMED_SECTIONS as readonly string[]).includes(n) ? 1 + NAMED_SECTIONS.indexOf(n as never) : 9);
  return rank(a) - rank(b) || a.localeCompare(b);
}

export function listScripts(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.mts')).map((f) => f.slice(0, -4)).sort(scriptOrder);
}

function isRunbookDef(v: unknown): v is RunbookDef {
  const d = v as RunbookDef | undefined;
  return !!d && typeof d.script === 'string' && typeof d.title === 'string' && Array.isArray(d.steps);
}

/** What stops the document from being generated; every problem is collected, then all are reported. */
export class RenderProblems extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'RenderProblems';
  }
}

/**
 * Loads every script of `dir` exporting `runbook`. A step without a doc comment,
 * a module that does not import, or a step that is not a declared constant is a
 * problem naming the script and the step.
 */
export async function loadScripts(dir: string, root = process.cwd()): Promise<LoadedScript[]> {
  const problems: string[] = [];
  const loaded: LoadedScript[] = [];
  for (const name of listScripts(dir)) {
    const abs = path.resolve(dir, `${name}.mts`);
    const file = path.relative(root, abs) || abs;
    const docs = extractDocs(file, fs.readFileSync(abs, 'utf8'));
    problems.push(...docs.problems);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
    } catch (e) {
      problems.push(`${file}: cannot import it (${firstLine(e)}); the document needs its steps`);
      continue;
    }
    if (!('runbook' in mod)) continue; // a helper module beside the scripts, not a section
    const def = mod.runbook;
    if (!isRunbookDef(def)) { problems.push(`${file}: exports \`runbook\` but it is not a RunbookDef (script, title, steps)`); continue; }
    if (!docs.prose) problems.push(`${file}: no top doc comment starting with a \`# \` heading line (the section prose)`);
    const steps: DocumentedStep[] = [];
    for (const step of def.steps) {
      const found = docs.steps.get(step.id);
      const group = found ? undefined : docs.groups.find((g) => g.matches(step.id));
      if (found?.doc) steps.push({ step, doc: found.doc, group: null });
      else if (group?.doc) steps.push({ step, doc: null, group: { variable: group.variable, head: group.head, title: group.title, doc: group.doc } });
      else if (found || group) problems.push(`${file}:${(found ?? group)!.line}: step ${step.id} (${step.title}) has no doc comment: add /** … */ above \`const ${(found ?? group)!.variable}\``);
      else problems.push(`${file}: step ${step.id} (${step.title}) has no doc comment: declare it as a constant (made by sqlStep/checkStep/actionStep/gateStep with id '${step.id}') with a /** … */ comment`);
    }
    loaded.push({ name, file, def, docs, steps });
  }
  if (problems.length) throw new RenderProblems(problems);
  return loaded;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

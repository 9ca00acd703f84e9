/**
 * Reads a runbook script's prose with the TypeScript parser: the file's top doc
 * comment (the section prose, starting with a `# ` heading line) and the doc
 * comment of every step constant, keyed by the `id` in the object literal the
 * step factory is called with. Parsing, not pattern matching, so a comment
 * moved, reformatted or wrapped still lands on its step.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type TS from 'typescript';

// Loaded through require: importing the 9 MB compiler as ESM makes Node scan it
// for named exports first, which alone costs more than a second.
const ts: typeof TS = createRequire(import.meta.url)('typescript');

/** The factories of lib/notebook/steps.ts; a script may also wrap them in its own (e.g. coverageCalendarStep). */
export const STEP_FACTORIES = ['sqlStep', 'checkStep', 'actionStep', 'gateStep'] as const;

export interface StepDoc {
  id: string;
  /** The constant's name, for error messages that say where to add the comment. */
  variable: string;
  /** The function that made it: one of STEP_FACTORIES or a script's own wrapper. */
  factory: string;
  /** The doc comment's text (markdown), or null when the constant has none. */
  doc: string | null;
  /** 1-based line of the declaration. */
  line: number;
}

/**
 * Steps made several at a time under one constant and one comment, e.g.
 * `const runInOrder = JOBS.map((job, k) => actionStep({ id: \`3.1.${k + 1}\`, … }))`.
 * Their ids are templates; `head` is the literal start (`3.1.`).
 */
export interface GroupDoc extends Omit<StepDoc, 'id'> {
  head: string;
  matches(id: string): boolean;
  /** The comment's `@title` tag, if it has one: the heading of the group. */
  title: string | null;
}

export interface ScriptDocs {
  file: string;
  /** The `# ` line of the top doc comment, without the `# `. */
  heading: string | null;
  /** The rest of the top doc comment. */
  prose: string | null;
  steps: Map<string, StepDoc>;
  groups: GroupDoc[];
  /** Problems found while reading (a duplicate id). */
  problems: string[];
}

function jsDocs(node: TS.Node): TS.JSDoc[] {
  return ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
}

const commentText = (d: TS.JSDoc) => (ts.getTextOfJSDocComment(d.comment) ?? '').trim();

/** The value of a JSDoc tag such as `@title`, or null. */
function tagText(docs: TS.JSDoc[], name: string): string | null {
  for (const d of docs) for (const t of d.tags ?? []) if (t.tagName.text === name) return (ts.getTextOfJSDocComment(t.comment) ?? '').trim() || null;
  return null;
}

type IdNode = { kind: 'exact'; id: string } | { kind: 'template'; head: string; re: RegExp };

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function idOf(literal: TS.ObjectLiteralExpression): IdNode | null {
  for (const prop of literal.properties) {
    if (!ts.isPropertyAssignment(prop) || prop.name.getText() !== 'id') continue;
    const v = prop.initializer;
    if (ts.isStringLiteral(v) || ts.isNoSubstitutionTemplateLiteral(v)) return { kind: 'exact', id: v.text };
    if (ts.isTemplateExpression(v)) {
      const re = new RegExp(`^${escapeRe(v.head.text)}${v.templateSpans.map((s) => `.+?${escapeRe(s.literal.text)}`).join('')}$`);
      return { kind: 'template', head: v.head.text, re };
    }
    return null;
  }
  return null;
}

/**
 * Every `factory({ id: …, … })` call inside a declaration: `sqlStep(…)`,
 * `gateStep<E>(…)`, a script's own wrapper, or several made by a `.map`.
 * Which of them are steps is settled by the step objects the script exports;
 * this only finds where each id is declared.
 */
function stepCalls(node: TS.Node): { factory: string; id: IdNode }[] {
  const found: { factory: string; id: IdNode }[] = [];
  const visit = (n: TS.Node) => {
    if (ts.isCallExpression(n) && n.arguments[0] && ts.isObjectLiteralExpression(n.arguments[0])) {
      const callee = n.expression;
      const factory = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '(call)';
      const id = idOf(n.arguments[0]);
      if (id) { found.push({ factory, id }); return; }
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** Parses one script's source text; `file` is only used in messages. */
export function extractDocs(file: string, text: string = fs.readFileSync(file, 'utf8')): ScriptDocs {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: ScriptDocs = { file, heading: null, prose: null, steps: new Map(), groups: [], problems: [] };

  // The file's doc comment is the first statement's first JSDoc, told apart from a
  // step's own comment by its `# ` heading line.
  const first = src.statements[0];
  const top = first ? jsDocs(first).map(commentText)[0] : undefined;
  if (top?.startsWith('# ')) {
    const [head, ...rest] = top.split('\n');
    out.heading = head.slice(2).trim();
    out.prose = rest.join('\n').trim() || null;
  }

  for (const stmt of src.statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    for (const decl of stmt.declarationList.declarations) {
      const variable = decl.name.getText(src);
      // The RunbookDef itself is not a step's declaration: a step made inline there has no comment of its own.
      if (!decl.initializer || variable === 'runbook') continue;
      const calls = stepCalls(decl.initializer);
      if (!calls.length) continue;
      const line = src.getLineAndCharacterOfPosition(decl.getStart(src)).line + 1;
      // A lone comment on the first statement may be the file's; it is the step's only when it is not the header.
      const docs = jsDocs(decl).filter((d) => !(stmt === first && commentText(d).startsWith('# ')));
      const texts = docs.map(commentText).filter(Boolean);
      const doc = texts.length ? texts.join('\n\n') : null;
      for (const { factory, id } of calls) {
        if (id.kind === 'template') {
          out.groups.push({ head: id.head, matches: (x) => id.re.test(x), variable, factory, doc, line, title: tagText(docs, 'title') });
          continue;
        }
        const seen = out.steps.get(id.id);
        if (seen) { out.problems.push(`${file}:${line}: step id ${id.id} is declared twice (${seen.variable} and ${variable})`); continue; }
        out.steps.set(id.id, { id: id.id, variable, factory, doc, line });
      }
    }
  }
  return out;
}

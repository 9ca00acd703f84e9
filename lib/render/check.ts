/**
 * Structural checks of the generated markdown, made on markdown-it's parse
 * (the same parser that renders RUNBOOK.html): headings in order with no
 * skipped level, every fence closed, every table row as wide as its header,
 * every #anchor link pointing at a heading. markdown-it is forgiving (it closes
 * a fence at the end of the file, pads a short table row), so each check looks
 * at the source lines a token came from, not only at the token.
 */
import markdownit, { type MarkdownIt, type Token } from 'markdown-it';
import { Slugger } from './md.ts';

export function markdownParser(): MarkdownIt {
  // html: the generated-file mark is an HTML comment and must stay one.
  return markdownit({ html: true, linkify: false, typographer: false });
}

/** A heading's text as a reader (and an anchor) sees it: code spans without backticks, escapes resolved. */
export function inlineText(inline: Token | undefined): string {
  return (inline?.children ?? []).filter((t) => t.type === 'text' || t.type === 'code_inline').map((t) => t.content).join('');
}

export interface Heading { level: number; text: string; anchor: string; line: number }

export function headings(tokens: Token[]): Heading[] {
  const slugger = new Slugger();
  const out: Heading[] = [];
  tokens.forEach((t, i) => {
    if (t.type !== 'heading_open') return;
    const text = inlineText(tokens[i + 1]);
    out.push({ level: Number(t.tag.slice(1)), text, anchor: slugger.next(text), line: (t.map?.[0] ?? 0) + 1 });
  });
  return out;
}

/** Table cells of one source row, split as markdown-it splits them (on `|` not escaped by a backslash). */
export function rowCells(line: string): number {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).length;
}

const STEP_ID = /^((?:pre\.)?\d+(?:\.\d+)*)\s/;
const compareIds = (a: string, b: string) => {
  const pa = a.split('.'), pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (pa[i] === undefined) return -1;
    if (pb[i] === undefined) return 1;
    const d = (Number(pa[i]) || 0) - (Number(pb[i]) || 0) || pa[i].localeCompare(pb[i]);
    if (d) return d;
  }
  return 0;
};

function checkHeadings(hs: Heading[]): string[] {
  const problems: string[] = [];
  if (hs[0]?.level !== 1) problems.push(`line ${hs[0]?.line ?? 1}: the document must start with one # title`);
  if (hs.filter((h) => h.level === 1).length > 1) problems.push('more than one # title');
  let prev = 0, lastStep = 0, lastId: string | null = null;
  for (const h of hs) {
    if (h.level > prev + 1) problems.push(`line ${h.line}: heading "${h.text}" is level ${h.level} right after level ${prev} (a level is skipped)`);
    prev = h.level;
    if (h.level === 2) {
      lastId = null;
      const n = /^Step (\d+)\b/.exec(h.text);
      if (n) {
        if (Number(n[1]) <= lastStep) problems.push(`line ${h.line}: "${h.text}" comes after Step ${lastStep}`);
        lastStep = Number(n[1]);
      }
      continue;
    }
    const id = STEP_ID.exec(h.text)?.[1];
    if (!id) continue;
    if (lastId && compareIds(id, lastId) < 0) problems.push(`line ${h.line}: step ${id} comes after step ${lastId}`);
    lastId = id;
  }
  return problems;
}

function checkFences(tokens: Token[], lines: string[]): string[] {
  const problems: string[] = [];
  for (const t of tokens) {
    if (t.type !== 'fence' || !t.map) continue;
    const [start, end] = t.map;
    const closing = lines[end - 1]?.trim() ?? '';
    const closed = end - 1 > start && closing.length >= t.markup.length && closing === t.markup[0].repeat(closing.length);
    if (!closed) problems.push(`line ${start + 1}: the ${t.markup}${t.info} fence is never closed`);
  }
  return problems;
}

function checkTables(tokens: Token[], lines: string[]): string[] {
  const problems: string[] = [];
  for (const t of tokens) {
    if (t.type === 'table_open' && t.map) {
      const [start, end] = t.map;
      const width = rowCells(lines[start]);
      for (let i = start + 1; i < end; i++) {
        if (!lines[i].trim()) continue;
        const n = rowCells(lines[i]);
        if (n !== width) problems.push(`line ${i + 1}: table row has ${n} cells, its header has ${width}`);
      }
    }
    // A header whose delimiter row does not match is not a table at all: markdown-it leaves a paragraph.
    if (t.type === 'paragraph_open' && t.map && lines[t.map[0]].trim().startsWith('|')) {
      problems.push(`line ${t.map[0] + 1}: looks like a table but does not parse as one (header and delimiter rows differ?)`);
    }
  }
  return problems;
}

function checkLinks(tokens: Token[], hs: Heading[]): string[] {
  const anchors = new Set(hs.map((h) => h.anchor));
  const problems: string[] = [];
  for (const t of tokens) {
    if (t.type !== 'inline') continue;
    for (const c of t.children ?? []) {
      const href = c.type === 'link_open' ? String(c.attrGet('href') ?? '') : '';
      if (href.startsWith('#') && !anchors.has(decodeURIComponent(href.slice(1)))) {
        problems.push(`line ${(t.map?.[0] ?? 0) + 1}: link ${href} points at no heading`);
      }
    }
  }
  return problems;
}

/** Every structural problem of the markdown, with line numbers; empty when it is sound. */
export function checkMarkdown(md: string): string[] {
  const tokens = markdownParser().parse(md, {});
  const lines = md.split('\n');
  const hs = headings(tokens);
  return [...checkHeadings(hs), ...checkFences(tokens, lines), ...checkTables(tokens, lines), ...checkLinks(tokens, hs)];
}

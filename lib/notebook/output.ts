/**
 * Where human output goes, and how it looks. With --json, stdout carries only the
 * JSON document, so everything human goes to stderr. Colour follows NO_COLOR and
 * whether the stream is a terminal; everything stays readable without it.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { Column, Row, Value } from '../warehouse/types.ts';

export interface OutputOptions {
  json: boolean;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export class Output {
  readonly human: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly err: NodeJS.WritableStream & { isTTY?: boolean };
  readonly c: ChalkInstance;

  constructor(opts: OutputOptions) {
    const stdout = opts.stdout ?? process.stdout;
    this.err = opts.stderr ?? process.stderr;
    this.human = opts.json ? this.err : stdout;
    const colour = !process.env.NO_COLOR && (Boolean(this.human.isTTY) || Boolean(process.env.FORCE_COLOR));
    this.c = new Chalk({ level: colour ? 1 : 0 });
  }

  /** Width to lay out in: the terminal's, capped at 100 so tmux panes stay tidy (not a terminal: 100). */
  get width(): number {
    return Math.min(this.tableWidth, 100);
  }

  /**
   * Width a table may take: the whole terminal, since a name cut to fit 100
   * columns is harder to read than a wider table (not a terminal: 100, so logs
   * and pipes stay as they were).
   */
  get tableWidth(): number {
    const cols = this.human.isTTY ? this.human.columns : undefined;
    return Math.max(40, cols && cols > 0 ? cols : 100);
  }

  line(text = ''): void { this.human.write(`${text}\n`); }
  heading(text: string): void { this.line(); this.line(this.c.bold.underline(text)); }
  step(id: string, title: string): void {
    const head = `── ${id} ${title} `;
    this.line();
    this.line(this.c.bold(`${head}${'─'.repeat(Math.max(3, Math.min(64, this.width) - head.length))}`));
  }
  /**
   * Prose. On a terminal a long line is wrapped at spaces, continuation lines
   * indented under the text (after a bullet); a log or a pipe keeps each line
   * whole, so grep finds it.
   */
  info(text: string): void {
    if (!this.human.isTTY || text.replace(/\x1b\[[0-9;]*m/g, '').length <= this.width || text.includes('\n')) return this.line(text);
    for (const l of wrapText(text, this.width)) this.line(l);
  }
  /**
   * Another program's output (a job's log), each line after `  | `. A table's
   * line (starting with + or |) is never wrapped, which would break its borders
   * apart: on a terminal it may use the whole width and is cut there with an
   * ellipsis; other lines wrap as prose does.
   */
  quote(lines: string[]): void {
    for (const l of lines) {
      const text = `  | ${l}`;
      if (!/^\s*[+|]/.test(l)) this.info(text);
      else if (this.human.isTTY && text.length > this.tableWidth) this.line(`${text.slice(0, this.tableWidth - 1)}…`);
      else this.line(text);
    }
  }
  note(text: string): void { this.line(this.c.dim(text)); }
  ok(text: string): void { this.line(`${this.c.green('✔')} ${text}`); }
  warn(text: string): void { this.line(`${this.c.yellow('!')} ${text}`); }
  fail(text: string): void { this.line(`${this.c.red('✘')} ${text}`); }
  /**
   * Code (SQL, a shell command) shown before it runs, indented and dim. On a
   * terminal a long shell command is broken at spaces with `\` continuations:
   * still one command when pasted.
   */
  code(text: string): void {
    const lines = text.split('\n').flatMap((l) => (this.human.isTTY && l.startsWith('$ ') && l.length + 4 > this.width ? shellLines(l, this.width - 4) : [l]));
    this.line(lines.map((l) => `    ${this.c.cyan(l)}`).join('\n'));
  }
  table(columns: Column[] | string[], rows: Row[], opts: { empty?: string } = {}): void {
    this.line(renderTable(columns, rows, { width: this.tableWidth, chalk: this.c, empty: opts.empty }));
  }
}

/** A shell command over several lines, each but the last ending in ` \`, continuations indented. */
export function shellLines(cmd: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of cmd.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (next.length + 2 > width && line.trim() && line !== '$') { out.push(`${line} \\`); line = `    ${word}`; } else line = next;
  }
  if (line) out.push(line);
  return out;
}

/** Words to lines of at most `width`, continuation lines indented under the first line's text. */
export function wrapText(text: string, width: number): string[] {
  const lead = /^(\s*(?:[•*-] |\d+\. )?)/.exec(text)![1].length;
  const indent = ' '.repeat(Math.min(lead, Math.floor(width / 3)));
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length; // colour codes take no room
  const out: string[] = [];
  let line = '';
  for (const word of text.slice(lead).split(' ')) {
    const start = out.length || line ? line : text.slice(0, lead);
    const next = line ? `${line} ${word}` : `${start}${word}`;
    if (visible(next) > width && line.trim()) { out.push(line); line = `${indent}${word}`; } else line = next;
  }
  if (line) out.push(line);
  return out;
}

/**
 * Text cut to `width` characters in the middle, keeping both ends:
 * "analytics/upcoming_player_game_context" → "analytics/…game_context", so
 * names that share a prefix stay distinguishable.
 */
export function shorten(text: string, width: number, keepStart = Math.floor((width - 1) * 0.45)): string {
  if (text.length <= width) return text;
  if (width <= 1) return text.slice(0, Math.max(0, width));
  const start = Math.max(0, Math.min(keepStart, width - 1));
  return `${text.slice(0, start)}…${text.slice(text.length - (width - 1 - start))}`;
}

/**
 * Names of one list (jobs, processors) shortened alike and kept apart: the cut
 * moves from the middle toward whichever end tells them apart
 * ("analytics/…player_game_context" and "analytics/…team_game_context").
 */
export function shortenAll(names: readonly string[], width: number): Map<string, string> {
  const distinct = [...new Set(names)];
  const balanced = Math.floor((width - 1) * 0.45);
  // What all the names share at either end ("analytics/", "Processor") tells them
  // no further apart: prefer the cut that keeps the most of what differs.
  const long = distinct.filter((n) => n.length > width);
  const shared = (pick: (n: string, i: number) => string) => {
    if (long.length < 2) return 0;
    let n = 0;
    while (n < Math.min(...long.map((x) => x.length)) && long.every((x) => pick(x, n) === pick(long[0], n))) n++;
    return n;
  };
  const head = shared((x, i) => x[i]);
  const tail = shared((x, i) => x[x.length - 1 - i]);
  const telling = (k: number) => Math.max(0, k - head) + Math.max(0, width - 1 - k - tail);
  const splits = Array.from({ length: Math.max(1, width) }, (_, k) => k)
    .sort((a, b) => telling(b) - telling(a) || Math.abs(a - balanced) - Math.abs(b - balanced));
  for (const k of splits) {
    const cut = distinct.map((n) => shorten(n, width, k));
    if (new Set(cut).size === distinct.length) return new Map(distinct.map((n, i) => [n, cut[i]]));
  }
  return new Map(distinct.map((n) => [n, shorten(n, width)]));
}

function cell(v: Value): string {
  if (v === null) return 'NULL';
  if (Array.isArray(v)) return `[${v.map(cell).join(', ')}]`;
  return String(v);
}

const NUMERIC = new Set(['INT64', 'FLOAT64', 'NUMERIC']);

/**
 * Decimal places a numeric column's numbers are all shown with, so the points
 * line up (100.0 above 98.8, not 100): the most any of them has, when that is 1
 * to 3 (a ROUND(…, 1) percentage, seconds); 0 leaves them as they are.
 */
function sharedPlaces(values: Value[]): number {
  let most = 0;
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const text = String(v);
    if (text.includes('e')) return 0;
    most = Math.max(most, text.split('.')[1]?.length ?? 0);
  }
  return most <= 3 ? most : 0;
}

/**
 * A table like `bq --format=pretty`: ASCII borders, a header row, numbers
 * right-aligned, long text cut so the table fits the width.
 */
export function renderTable(
  columns: Column[] | string[],
  rows: Row[],
  opts: { width?: number; chalk?: ChalkInstance; empty?: string } = {},
): string {
  if (rows.length === 0) return opts.empty ?? '(no rows)';
  // Rows computed in code (evidence, summaries) come without a schema: numbers still align right.
  const cols: Column[] = columns.map((c) => (typeof c !== 'string' ? c
    : { name: c, type: rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number') ? 'FLOAT64' : 'STRING' }));
  const width = opts.width ?? 100;
  const places = cols.map((c) => (NUMERIC.has(c.type) ? sharedPlaces(rows.map((r) => r[c.name])) : 0));
  let texts = rows.map((r) => cols.map((c, k) => {
    const v = r[c.name] ?? null;
    return places[k] && typeof v === 'number' ? v.toFixed(places[k]) : cell(v);
  }));
  const natural = cols.map((c, k) => Math.max(c.name.length, ...texts.map((t) => t[k].length)) + 2);
  const budget = width - (cols.length + 1);
  let colWidths = natural;
  if (natural.reduce((a, b) => a + b, 0) > budget) {
    // What a column needs to stay readable: numbers and dates keep every digit
    // (a header may be cut to 8), names and prose keep 12 characters.
    const floor = cols.map((c, k) => Math.min(natural[k], 2 + (NUMERIC.has(c.type) || c.type === 'DATE'
      ? Math.max(Math.min(c.name.length, 8), ...texts.map((t) => t[k].length)) : 12)));
    // Too narrow for that (a 60-column pane, many columns): one block per row instead, like psql's \x.
    if (floor.reduce((a, b) => a + b, 0) > budget) return renderExpanded(cols, texts, width, opts.chalk);
    colWidths = [...natural];
    while (colWidths.reduce((a, b) => a + b, 0) > budget) {
      let k = -1;
      for (let i = 0; i < colWidths.length; i++) if (colWidths[i] > floor[i] && (k < 0 || colWidths[i] > colWidths[k])) k = i;
      if (k < 0) break;
      colWidths[k]--;
    }
    // Names cut in the middle, so ones sharing a prefix stay apart; prose cut at its end.
    texts = texts.map((t) => [...t]);
    cols.forEach((c, k) => {
      const room = colWidths[k] - 2;
      const column = texts.map((t) => t[k]);
      if (!column.some((v) => v.length > room)) return;
      const names = shortenAll(column.filter((v) => !v.includes(' ')), room);
      for (const t of texts) if (t[k].length > room) t[k] = names.get(t[k]) ?? `${t[k].slice(0, room - 1)}…`;
    });
  }
  const head = cols.map((c, k) => shorten(c.name, colWidths[k] - 2));
  const table = new Table({
    head: head.map((h) => (opts.chalk ? opts.chalk.bold(h) : h)),
    colWidths,
    // One line per row, like bq: an over-long cell is cut with an ellipsis, never wrapped.
    wordWrap: false,
    colAligns: cols.map((c) => (NUMERIC.has(c.type) ? 'right' : 'left')),
    style: { head: [], border: [], compact: false },
    chars: {
      top: '-', 'top-mid': '+', 'top-left': '+', 'top-right': '+',
      bottom: '-', 'bottom-mid': '+', 'bottom-left': '+', 'bottom-right': '+',
      left: '|', 'left-mid': '+', mid: '-', 'mid-mid': '+',
      right: '|', 'right-mid': '+', middle: '|',
    },
  });
  for (const t of texts) table.push(t);
  // bq's pretty format has a rule under the header only, not between rows.
  const lines = table.toString().split('\n');
  return lines.filter((l, i) => !(i > 3 && i < lines.length - 1 && /^\+[-+]+\+$/.test(l))).join('\n');
}

/** One block per row, a line per column (`name | value`): what a table becomes where it cannot fit. */
function renderExpanded(cols: Column[], texts: string[][], width: number, chalk?: ChalkInstance): string {
  const label = Math.min(Math.max(...cols.map((c) => c.name.length)), Math.floor(width / 3));
  const room = width - label - 3;
  const lines: string[] = [];
  texts.forEach((t, r) => {
    const title = `-[ row ${r + 1} ]`;
    lines.push(`${title}${'-'.repeat(Math.max(3, width - title.length))}`);
    cols.forEach((c, k) => {
      const v = t[k].length > room ? (t[k].includes(' ') ? `${t[k].slice(0, room - 1)}…` : shorten(t[k], room)) : t[k];
      const name = shorten(c.name, label).padEnd(label);
      lines.push(`${chalk ? chalk.bold(name) : name} | ${v}`);
    });
  });
  return lines.join('\n');
}

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

  /** Width to lay tables out in: the terminal's, capped at 100 so tmux panes stay tidy. */
  get width(): number {
    return Math.min(this.human.columns ?? 100, 100);
  }

  line(text = ''): void { this.human.write(`${text}\n`); }
  heading(text: string): void { this.line(); this.line(this.c.bold.underline(text)); }
  step(id: string, title: string): void { this.line(); this.line(this.c.bold(`── ${id} ${title} ${'─'.repeat(Math.max(3, 60 - id.length - title.length))}`)); }
  info(text: string): void { this.line(text); }
  note(text: string): void { this.line(this.c.dim(text)); }
  ok(text: string): void { this.line(`${this.c.green('✔')} ${text}`); }
  warn(text: string): void { this.line(`${this.c.yellow('!')} ${text}`); }
  fail(text: string): void { this.line(`${this.c.red('✘')} ${text}`); }
  /** Code (SQL, a shell command) shown before it runs, indented and dim. */
  code(text: string): void { this.line(text.split('\n').map((l) => `    ${this.c.cyan(l)}`).join('\n')); }
  table(columns: Column[] | string[], rows: Row[], opts: { empty?: string } = {}): void {
    this.line(renderTable(columns, rows, { width: this.width, chalk: this.c, empty: opts.empty }));
  }
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
  const splits = Array.from({ length: Math.max(1, width) }, (_, k) => k).sort((a, b) => Math.abs(a - balanced) - Math.abs(b - balanced));
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
  const texts = rows.map((r) => cols.map((c) => cell(r[c.name] ?? null)));
  const natural = cols.map((c, k) => Math.max(c.name.length, ...texts.map((t) => t[k].length)) + 2);
  const budget = width - (cols.length + 1);
  let colWidths = natural;
  if (natural.reduce((a, b) => a + b, 0) > budget) {
    // Shrink the widest columns first; numbers and dates keep their width.
    colWidths = [...natural];
    while (colWidths.reduce((a, b) => a + b, 0) > budget) {
      const k = colWidths.indexOf(Math.max(...colWidths));
      if (colWidths[k] <= 12) break;
      colWidths[k]--;
    }
  }
  const table = new Table({
    head: cols.map((c) => (opts.chalk ? opts.chalk.bold(c.name) : c.name)),
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

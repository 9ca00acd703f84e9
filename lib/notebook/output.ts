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

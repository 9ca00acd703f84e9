/**
 * The live board of platform jobs: per job the dates done and failed out of the
 * dates expected (from the run history only), elapsed time, exit code and the
 * last line of its log. A job with no run-history row yet says so instead of
 * drawing a bar. Lines are cut to the terminal's width so a redraw never wraps.
 */
import { bar, formatDuration } from '../notebook/progress.ts';
import { shortenMiddle } from './text.ts';

export interface BoardItem {
  label: string;
  expected: number;
  done: number;
  failed: number;
  /** False until the job's first run-history row appears. */
  seen: boolean;
  startedAt: number | null;
  finishedAt?: number;
  exit?: string;
  lastLine?: string;
}

export function boardLine(it: BoardItem, width: number, labelWidth: number, now = Date.now()): string {
  const label = shortenMiddle(it.label, labelWidth).padEnd(labelWidth);
  if (it.startedAt === null) return fit(`${label} waiting to start`, width);
  const elapsed = formatDuration((it.finishedAt ?? now) - it.startedAt);
  const progress = it.seen
    ? `${bar(it.expected ? it.done / it.expected : 1, width >= 90 ? 20 : 10)} ${String(it.done).padStart(4)}/${String(it.expected).padEnd(4)}${it.failed ? ` ${it.failed} failed` : ''}`
    : 'no run history yet';
  const end = it.exit ? ` ${it.exit}` : '';
  const head = `${label} ${progress} ${elapsed}${end}`;
  return fit(it.lastLine ? `${head} │ ${it.lastLine}` : head, width);
}

function fit(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, Math.max(1, width - 1))}…`;
}

export class CommandBoard {
  private drawn = 0;
  private printed = new Map<number, string>();
  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    readonly items: BoardItem[],
  ) {}

  /** Something else was printed below the board: draw the next frame afresh under it. */
  detach(): void { this.drawn = 0; }

  render(final = false): void {
    const width = Math.min(this.stream.columns ?? 100, 100);
    const labelWidth = Math.min(Math.max(...this.items.map((i) => i.label.length), 10), Math.max(16, Math.floor(width * 0.4)));
    if (this.stream.isTTY) {
      if (this.drawn) this.stream.write(`\x1b[${this.drawn}A`);
      for (const it of this.items) this.stream.write(`\x1b[2K${boardLine(it, width - 1, labelWidth)}\n`);
      this.drawn = this.items.length;
      return;
    }
    // A log file or CI: a line when a job starts, first records, passes a quarter, or ends.
    for (const [k, it] of this.items.entries()) {
      const quarter = it.expected ? Math.floor((it.done / it.expected) * 4) : 0;
      const key = `${it.startedAt !== null}|${it.seen}|${quarter}|${it.exit ?? ''}`;
      if (it.startedAt === null || (this.printed.get(k) === key && !final)) continue;
      if (this.printed.get(k) === key) continue;
      this.printed.set(k, key);
      this.stream.write(`${boardLine(it, width, labelWidth)}\n`);
    }
  }
}

/**
 * Progress an operator can trust at 2 a.m.: counts, failures, elapsed, ETA.
 * On a terminal the lines redraw in place; elsewhere (a log file, CI) a line is
 * printed at each quarter so the log stays short.
 */
export interface ProgressState {
  label: string;
  done: number;
  total: number;
  failed?: number;
  startedAt: number;
  finishedAt?: number;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function bar(fraction: number, width = 24): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

export function progressLine(p: ProgressState, now = Date.now(), labelWidth = 40): string {
  const frac = p.total ? p.done / p.total : 1;
  const elapsed = (p.finishedAt ?? now) - p.startedAt;
  const eta = p.finishedAt ? 'done' : p.done > 0 ? `eta ${formatDuration((elapsed / p.done) * (p.total - p.done))}` : 'eta …';
  const failed = p.failed ? ` ${p.failed} failed` : '';
  return `${p.label.padEnd(labelWidth)} ${bar(frac)} ${String(p.done).padStart(4)}/${String(p.total).padEnd(4)}${failed} ${formatDuration(elapsed)} ${eta}`;
}

/** Several progress lines redrawn together (the five Phase 3 jobs in parallel). */
export class ProgressBoard {
  private drawn = 0;
  private lastQuarter = new Map<number, number>();
  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly items: ProgressState[],
  ) {}

  render(): void {
    const labelWidth = Math.max(...this.items.map((i) => i.label.length), 10);
    if (this.stream.isTTY) {
      if (this.drawn) this.stream.write(`\x1b[${this.drawn}A`);
      for (const it of this.items) this.stream.write(`\x1b[2K${progressLine(it, Date.now(), labelWidth)}\n`);
      this.drawn = this.items.length;
      return;
    }
    for (const [k, it] of this.items.entries()) {
      const quarter = it.finishedAt ? 4 : it.total ? Math.floor((it.done / it.total) * 4) : -1;
      if (quarter >= 0 && (this.lastQuarter.get(k) ?? -1) < quarter) {
        this.lastQuarter.set(k, quarter);
        this.stream.write(`${progressLine(it, Date.now(), labelWidth)}\n`);
      }
    }
  }
}

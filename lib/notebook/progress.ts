/**
 * Progress an operator can trust at 2 a.m.: counts, failures, elapsed, ETA.
 * On a terminal the lines redraw in place; elsewhere (a log file, CI) a line is
 * printed at each quarter so the log stays short.
 */
import { shorten, shortenAll } from './output.ts';

export interface ProgressState {
  label: string;
  done: number;
  total: number;
  failed?: number;
  /** Of `done`, the dates that took work (default: all): the ETA follows their pace alone. */
  paced?: number;
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

/**
 * label [bar] done/total failed elapsed eta, within `width` columns: the bar
 * narrows first (to 6), then the label is shortened in the middle, so
 * analytics/…game_summary and analytics/…game_context stay apart.
 */
export function progressLine(p: ProgressState, now = Date.now(), labelWidth = 40, width = 100, o: { eta?: string; barWidth?: number } = {}): string {
  const frac = p.total ? p.done / p.total : 1;
  const t = progressTail(p, now, o.eta);
  const label = Math.min(labelWidth, Math.max(12, width - t.length - 8 - 2));
  const barWidth = o.barWidth ?? Math.max(6, Math.min(24, width - label - t.length - 4));
  return `${shorten(p.label, label).padEnd(label)} ${bar(frac, barWidth)} ${t}`;
}

/** done/total, failures, elapsed and ETA: the part of a progress line that is never cut. */
export function progressTail(p: ProgressState, now = Date.now(), etaText?: string): string {
  const elapsed = (p.finishedAt ?? now) - p.startedAt;
  const paced = p.paced ?? p.done;
  const eta = etaText ?? (p.finishedAt ? 'done' : paced > 0 ? `eta ${formatDuration((elapsed / paced) * (p.total - p.done))}` : 'eta …');
  const failed = p.failed ? ` ${p.failed} failed` : '';
  return `${String(p.done).padStart(4)}/${String(p.total).padEnd(4)}${failed} ${formatDuration(elapsed)} ${eta}`;
}

/**
 * Lines for several items laid out alike: one label width (names shortened
 * so they stay apart), one bar width, all within `width`.
 */
export function progressLines(items: readonly ProgressState[], now: number, width: number): string[] {
  const tail = Math.max(...items.map((it) => progressTail(it, now).length));
  // Where room is short, a prefix every label shares ("analytics/") says nothing: drop it first.
  const prefix = /^[^/]*\//.exec(items[0]?.label ?? '')?.[0];
  const strip = items.length > 1 && prefix && items.every((it) => it.label.startsWith(prefix)) && Math.max(...items.map((it) => it.label.length)) + tail + 12 > width;
  const labels = items.map((it) => (strip ? it.label.slice(prefix!.length) : it.label));
  const longest = Math.max(10, ...labels.map((l) => l.length));
  const label = Math.max(12, Math.min(longest, width - tail - 8 - 2));
  const barWidth = Math.max(6, Math.min(24, width - label - tail - 4));
  const names = shortenAll(labels, label);
  return items.map((it, k) => progressLine({ ...it, label: names.get(labels[k]) ?? labels[k] }, now, label, width, { barWidth }));
}

/** Several progress lines redrawn together (the five Phase 3 jobs in parallel). */
export class ProgressBoard {
  private drawn = 0;
  private lastQuarter = new Map<number, number>();
  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly items: ProgressState[],
  ) {}

  /** The terminal's width, at most 100 (a log file: 100). */
  private get width(): number {
    const cols = (this.stream as { columns?: number }).columns;
    return Math.min(100, cols && cols > 0 ? cols : 100);
  }

  render(): void {
    const width = this.width;
    if (this.stream.isTTY) {
      if (this.drawn) this.stream.write(`\x1b[${this.drawn}A`);
      // One line each, never wrapped: a wrapped line would break the redraw above.
      for (const l of progressLines(this.items, Date.now(), width - 1)) this.stream.write(`\x1b[2K${l}\n`);
      this.drawn = this.items.length;
      return;
    }
    for (const [k, it] of this.items.entries()) {
      const quarter = it.finishedAt ? 4 : it.total ? Math.floor((it.done / it.total) * 4) : -1;
      if (quarter >= 0 && (this.lastQuarter.get(k) ?? -1) < quarter) {
        this.lastQuarter.set(k, quarter);
        this.stream.write(`${progressLines(this.items, Date.now(), width)[k]}\n`);
      }
    }
  }
}

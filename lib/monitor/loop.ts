/**
 * The monitor's refresh loop: a frame, then a pause of --interval seconds,
 * until Ctrl+C — which ends the loop cleanly (exit 0) whether it comes during
 * the pause or during a frame (the statement in flight finishes first).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Interrupted, UsageError } from '../notebook/errors.ts';
import type { RawFlags } from '../notebook/flags.ts';

export interface LoopOptions { seconds: number; once: boolean }

/** A day: longer would overflow the timer (2^31 ms) and refresh at once. */
export const MAX_INTERVAL = 86_400;

export function loopOptions(flags: RawFlags): LoopOptions {
  const text = String(flags.interval);
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || seconds < 1 || seconds > MAX_INTERVAL) {
    throw new UsageError(`--interval ${JSON.stringify(flags.interval)}: give whole seconds from 1 to ${MAX_INTERVAL}, e.g. --interval 300`);
  }
  return { seconds, once: flags.once === true };
}

/** Resolves false when interrupted. */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

export async function refreshLoop(signal: AbortSignal, o: LoopOptions & { onPause?(): void }, frame: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      await frame();
    } catch (e) {
      if (e instanceof Interrupted && signal.aborted) return;
      throw e;
    }
    if (o.once || signal.aborted) return;
    o.onPause?.();
    if (!(await pause(o.seconds * 1000, signal))) return;
  }
}

export function waitText(seconds: number): string {
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

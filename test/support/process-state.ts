/**
 * What a test file can change in its worker process and must put back: the
 * environment, the working directory, the exit code, fake timers. Test files
 * share workers (vitest.config.ts: isolate: false); file-hygiene.ts snapshots
 * this before each file and, after it, names and undoes every change.
 */
import { vi } from 'vitest';

export interface ProcessState { env: Record<string, string | undefined>; cwd: string; exitCode: typeof process.exitCode }

export function snapshotProcess(): ProcessState {
  return { env: { ...process.env }, cwd: process.cwd(), exitCode: process.exitCode };
}

/** Puts the process back as `before` was; returns what had changed, one line each. */
export function restoreProcess(before: ProcessState): string[] {
  const left: string[] = [];
  if (vi.isFakeTimers()) { left.push('fake timers on'); vi.useRealTimers(); }
  for (const k of new Set([...Object.keys(before.env), ...Object.keys(process.env)])) {
    if (before.env[k] === process.env[k]) continue;
    left.push(`environment variable ${k}`);
    if (before.env[k] === undefined) delete process.env[k];
    else process.env[k] = before.env[k];
  }
  if (process.cwd() !== before.cwd) { left.push(`working directory ${process.cwd()}`); process.chdir(before.cwd); }
  if (process.exitCode !== before.exitCode) { left.push(`process.exitCode ${process.exitCode}`); process.exitCode = before.exitCode; }
  return left;
}

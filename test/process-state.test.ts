/**
 * The guard that lets test files share worker processes: each kind of change a
 * file can leave behind is named and undone (test/support/process-state.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { restoreProcess, snapshotProcess } from './support/process-state.ts';

describe('restoreProcess', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('names nothing and changes nothing when the file left the process as it found it', () => {
    const before = snapshotProcess();
    expect(restoreProcess(before)).toEqual([]);
    expect({ ...process.env }).toEqual(before.env);
  });

  it('names and undoes an added, a changed and a removed environment variable', () => {
    process.env.HYGIENE_KEPT = 'kept';
    process.env.HYGIENE_CHANGED = 'before';
    process.env.HYGIENE_REMOVED = 'there';
    const before = snapshotProcess();
    process.env.HYGIENE_ADDED = '1';
    process.env.HYGIENE_CHANGED = 'after';
    delete process.env.HYGIENE_REMOVED;
    expect(restoreProcess(before).sort()).toEqual([
      'environment variable HYGIENE_ADDED', 'environment variable HYGIENE_CHANGED', 'environment variable HYGIENE_REMOVED',
    ]);
    expect(process.env.HYGIENE_ADDED).toBeUndefined();
    expect(process.env.HYGIENE_CHANGED).toBe('before');
    expect(process.env.HYGIENE_REMOVED).toBe('there');
    expect(process.env.HYGIENE_KEPT).toBe('kept');
    for (const k of ['HYGIENE_KEPT', 'HYGIENE_CHANGED', 'HYGIENE_REMOVED']) delete process.env[k];
  });

  it('names and undoes a changed working directory, exit code and fake timers', () => {
    const before = snapshotProcess();
    const elsewhere = fs.realpathSync(os.tmpdir());
    expect(elsewhere).not.toBe(before.cwd);
    process.chdir(elsewhere);
    process.exitCode = 3;
    vi.useFakeTimers();
    expect(restoreProcess(before)).toEqual(['fake timers on', `working directory ${elsewhere}`, 'process.exitCode 3']);
    expect(process.cwd()).toBe(before.cwd);
    expect(process.exitCode).toBe(before.exitCode);
    expect(vi.isFakeTimers()).toBe(false);
  });
});

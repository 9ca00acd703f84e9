/**
 * Running scripts as a user would: a child process from the repo root, with
 * its own copy of the seeded warehouse and its own journal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Sandbox { dir: string; warehouse: string; journal: string }

/** A fresh directory holding a copy of the seeded template warehouse. */
export function sandbox(opts: { seeded?: boolean } = {}): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-case-'));
  const warehouse = path.join(dir, 'nba.duckdb');
  if (opts.seeded !== false) fs.copyFileSync(inject('seededTemplate'), warehouse);
  return { dir, warehouse, journal: path.join(dir, 'journal.jsonl') };
}

export interface Ran { code: number; stdout: string; stderr: string }

export function run(cmd: string, args: string[], sb: Sandbox, env: NodeJS.ProcessEnv = {}, input?: string): Ran {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', RUNBOOK_WAREHOUSE: sb.warehouse, RUNBOOK_JOURNAL: sb.journal, TMUX: '', STY: '', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const script = (name: string, args: string[], sb: Sandbox, env?: NodeJS.ProcessEnv, input?: string) =>
  run(path.join(ROOT, 'runbook', `${name}.mts`), args, sb, env, input);

export const backfill = (args: string[], sb: Sandbox, env?: NodeJS.ProcessEnv) => run(path.join(ROOT, 'bin/run_backfill.sh'), args, sb, env);

/** A checksum of the file's bytes: "nothing written" means it is unchanged. */
export function fileDigest(file: string): string {
  return fs.existsSync(file) ? `${fs.statSync(file).size}:${createHash('sha256').update(fs.readFileSync(file)).digest('hex')}` : 'absent';
}

/**
 * The same, without blocking this process: needed when the test itself serves
 * something the script calls (the BigQuery fake), and for long runs — a worker
 * blocked in spawnSync for a minute misses vitest's own messages ("Timeout
 * calling onTaskUpdate" fails the whole run on a loaded machine).
 */
export function scriptAsync(name: string, args: string[], sb: Sandbox, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, 'runbook', `${name}.mts`), args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', RUNBOOK_WAREHOUSE: sb.warehouse, RUNBOOK_JOURNAL: sb.journal, TMUX: '', STY: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    // 'close', not 'exit': the output may still be in the pipes when the process exits.
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** run_backfill.sh as `backfill` runs it (same environment, same 120 s limit, -1 when killed), without blocking this process. */
export function backfillAsync(args: string[], sb: Sandbox, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, 'bin/run_backfill.sh'), args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', RUNBOOK_WAREHOUSE: sb.warehouse, RUNBOOK_JOURNAL: sb.journal, TMUX: '', STY: '', ...env },
    });
    const limit = setTimeout(() => child.kill('SIGTERM'), 120_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.on('close', (code) => { clearTimeout(limit); resolve({ code: code ?? -1, stdout, stderr }); });
  });
}

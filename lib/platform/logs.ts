/** Each platform job's output goes to a file: .runbook/logs/<run_id>/<job>.log, beside the journal. */
import fs from 'node:fs';
import path from 'node:path';

export function logDir(journal: string, runId: string): string {
  return path.join(path.dirname(path.resolve(journal)), 'logs', runId);
}

/** The log of a job (`analytics/player_game_summary` → …/analytics/player_game_summary.log). */
export function logPath(dir: string, job: string, kind = ''): string {
  const file = path.join(dir, `${job}${kind ? `.${kind}` : ''}.log`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

/** The last n non-empty lines of a file, read from its end (logs can be large). */
export function tail(file: string, n: number): string[] {
  let fd: number;
  try { fd = fs.openSync(file, 'r'); } catch { return []; }
  try {
    const size = fs.fstatSync(fd).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    // Progress redraws (\r, cursor moves) are not lines: keep what a reader would see last.
    const text = buf.toString('utf8').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    const lines = text.split('\n').map((l) => l.split('\r').filter(Boolean).pop() ?? '').map((l) => l.trimEnd()).filter(Boolean);
    return lines.slice(-n);
  } finally {
    fs.closeSync(fd);
  }
}

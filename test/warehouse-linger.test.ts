/**
 * The embedded warehouse kept open between a script's statements (lingerMs),
 * and what keeps that from shutting other processes out: a process waiting for
 * the file leaves a marker, and a lingering holder lets go when it sees one.
 * Each case is decided by another process's success or failure to open the file
 * (DuckDB lets one process hold it), not by reading the holder's state.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const PROJECT = 'nba-props-platform';
let dir: string;
let file: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linger-'));
  file = path.join(dir, 'w.duckdb');
  const w = new DuckDBWarehouse({ file, project: PROJECT });
  await w.execute('CREATE TABLE t (x BIGINT)');
  await w.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Another process opens the file through DuckDBWarehouse, reads t, and says how long it took. */
function reader(o: { askHolder: boolean; busyTimeoutMs: number }): Promise<{ code: number | null; out: string }> {
  const code = `
    const { DuckDBWarehouse } = await import(${JSON.stringify(path.join(ROOT, 'lib/warehouse/duckdb.ts'))});
    const w = new DuckDBWarehouse({ file: ${JSON.stringify(file)}, project: 'p', askHolder: ${o.askHolder}, busyTimeoutMs: ${o.busyTimeoutMs} });
    try { const r = await w.query('SELECT COUNT(*) AS n FROM t'); console.log('rows', r.rows[0].n); }
    catch (e) { console.log('error', e.code); process.exitCode = 3; }
    finally { await w.close(); }`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { out += String(d); });
    child.on('exit', (c) => resolve({ code: c, out }));
  });
}

describe('an embedded warehouse lingering after its statements', () => {
  it('stays open after a statement: a process that does not ask times out meanwhile', async () => {
    const w = new DuckDBWarehouse({ file, project: PROJECT, lingerMs: 60_000 });
    try {
      await w.execute('INSERT INTO t VALUES (1)');
      const r = await reader({ askHolder: false, busyTimeoutMs: 1_500 });
      expect(r.out).toContain('error BUSY');
    } finally { await w.close(); }
    // Closed: the same reader now gets in, and sees the row.
    const again = await reader({ askHolder: false, busyTimeoutMs: 1_500 });
    expect(again.out, again.out).toContain('rows 1');
  }, 30_000);

  it('lets go for a process that waits for it, long before the linger ends, and takes the file back after', async () => {
    const w = new DuckDBWarehouse({ file, project: PROJECT, lingerMs: 60_000 });
    try {
      await w.execute('INSERT INTO t VALUES (2)');
      const r = await reader({ askHolder: true, busyTimeoutMs: 15_000 });
      expect(r.out, r.out).toContain('rows 2');
      expect(r.code).toBe(0);
      // The marker is gone once the waiter has the file; the holder opens the file again for its next statement.
      expect(fs.existsSync(`${file}.wait`)).toBe(false);
      expect((await w.query<{ n: number }>('SELECT COUNT(*) AS n FROM t')).rows[0].n).toBe(2);
    } finally { await w.close(); }
  }, 30_000);

  it('another handle of the same process takes the file over from a lingering one, and sees its rows', async () => {
    const a = new DuckDBWarehouse({ file, project: PROJECT, lingerMs: 60_000 });
    const b = new DuckDBWarehouse({ file, project: PROJECT, readOnly: true });
    try {
      await a.execute('INSERT INTO t VALUES (3)');
      expect((await b.query<{ n: number }>('SELECT COUNT(*) AS n FROM t')).rows[0].n).toBe(3);
      await b.close();
      // b let go (no linger): a opens the file again and writes.
      await a.execute('INSERT INTO t VALUES (4)');
      expect((await a.query<{ n: number }>('SELECT COUNT(*) AS n FROM t')).rows[0].n).toBe(4);
    } finally { await a.close(); await b.close(); }
  }, 30_000);
});

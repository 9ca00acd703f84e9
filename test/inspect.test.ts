/**
 * tableDifference, which the platform and concurrency tests and the bench use to
 * say two runs wrote the same rows: floats must agree to the last bit; anything
 * else is reported with the row and column.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tableDifference, withWarehouse } from './support/inspect.ts';
import { ensureBaseSchema } from '../lib/warehouse/open.ts';
import { p } from '../lib/warehouse/params.ts';

const T = 'nba_analytics.t';
let dir: string;
let seq = 0;

/** A warehouse file holding `rows` of (d, k, v) in nba_analytics.t. */
async function file(rows: [string, string, number | null][]): Promise<string> {
  const f = path.join(dir, `w${seq++}.duckdb`);
  await withWarehouse(f, async (w) => {
    await ensureBaseSchema(w);
    await w.execute('CREATE TABLE `nba-props-platform.nba_analytics.t` (d DATE, k STRING, v FLOAT64, processed_at TIMESTAMP)');
    for (const [d, k, v] of rows) {
      await w.execute('INSERT INTO `nba-props-platform.nba_analytics.t` VALUES (@d, @k, @v, CURRENT_TIMESTAMP())', {
        d: p.date(d), k, v: v === null ? p.null('FLOAT64') : v,
      });
    }
  });
  return f;
}

describe('tableDifference', () => {
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-inspect-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the same rows written in another order, at another time: no difference', async () => {
    const a = await file([['2022-01-10', 'a', 1234.5678], ['2022-01-10', 'b', 0.1 + 0.2], ['2022-01-11', 'a', null]]);
    const b = await file([['2022-01-11', 'a', null], ['2022-01-10', 'b', 0.1 + 0.2], ['2022-01-10', 'a', 1234.5678]]);
    expect(await tableDifference(a, b, T, ['d', 'k'])).toBeNull();
  });

  it('names the first row and column that differ, even in the last bit, a NULL against a value, and a row count', async () => {
    const a = await file([['2022-01-10', 'a', 1234.5678], ['2022-01-10', 'b', 0.1 + 0.2]]);
    // 0.1 + 0.2 is 0.30000000000000004: one unit in the last place from 0.3.
    expect(await tableDifference(a, await file([['2022-01-10', 'a', 1234.5678], ['2022-01-10', 'b', 0.3]]), T, ['d', 'k']))
      .toBe('nba_analytics.t: row 2 (2022-01-10, b), v: 0.30000000000000004 vs 0.3');
    expect(await tableDifference(a, await file([['2022-01-10', 'a', 1234.5678 * (1 + 1e-7)], ['2022-01-10', 'b', 0.1 + 0.2]]), T, ['d', 'k']))
      .toMatch(/^nba_analytics\.t: row 1 \(2022-01-10, a\), v: 1234\.5678 vs 1234\.567/);
    expect(await tableDifference(a, await file([['2022-01-10', 'a', 1234.5678], ['2022-01-10', 'b', null]]), T, ['d', 'k']))
      .toBe('nba_analytics.t: row 2 (2022-01-10, b), v: 0.30000000000000004 vs null');
    expect(await tableDifference(a, await file([['2022-01-10', 'a', 1234.5678]]), T, ['d', 'k'])).toBe('nba_analytics.t: 2 vs 1 rows');
  });
});

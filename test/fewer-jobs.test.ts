/**
 * Issue 15's ways to fewer BigQuery jobs keep what they replace: a run's
 * decisions read once still include its own records; a query started early is
 * not shown once a data-changing step has run since; the plan read for several
 * jobs at once finds the same gaps as one read per table.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from '../lib/warehouse/duckdb.ts';
import type { Warehouse } from '../lib/warehouse/types.ts';
import { DecisionStore, type DecisionRecord } from '../lib/decisions/store.ts';
import { runScript, type RunbookDef } from '../lib/notebook/notebook.ts';
import { actionStep, sqlStep } from '../lib/notebook/steps.ts';
import { readDateFacts, datesLacking } from '../lib/backfill/date-facts.ts';
import { datesWithout, planTables } from '../lib/backfill/runner.ts';
import { PHASE3_JOBS, PHASE4_JOBS } from '../lib/jobs/registry.ts';
import { sandbox } from './support/scripts.ts';

const PROJECT = 'nba-props-platform';
const sb = sandbox();
let w: DuckDBWarehouse;

beforeAll(() => { w = new DuckDBWarehouse({ file: sb.warehouse, project: PROJECT }); });
afterAll(async () => { await w.close(); });

/** The warehouse, counting the reads sent through it. */
function counting(real: Warehouse): { w: Warehouse; reads: string[] } {
  const reads: string[] = [];
  const proxy = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === 'query') return (sql: string, ...rest: unknown[]) => { reads.push(sql); return (target.query as (...a: unknown[]) => unknown)(sql, ...rest); };
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { w: proxy, reads };
}

const decision = (gate: string, answer: string): DecisionRecord => ({
  run_id: 'r1', script: '02-phase3', season: '2021-22', scope: '2021-10-19..2022-04-10', phase: 'phase3', gate, gate_title: 'A gate',
  evidence_digest: 'd', evidence: '[]', recommendation: 'proceed', reason: 'why', answer, effect: 'proceed', note: null,
  answered_by: 'flag', rule: null, operator: 'me', host: 'h',
});

describe('a run keeps its decisions', () => {
  it('reads a season once, and what it records is there at the next gate without another read', async () => {
    const { w: cw, reads } = counting(w);
    const kept = new DecisionStore(cw, 'nba_reference', { keep: true });
    await kept.ensure();
    expect(await kept.latest('2.1.1', { season: '2021-22', scope: 'x' })).toBeNull();
    const readsAfterFirst = reads.length;
    await kept.record(decision('2.1.1', 'run'));
    await kept.record(decision('2.4.1', 'document'));
    expect((await kept.latest('2.1.1', { season: '2021-22', scope: 'x' }))?.answer).toBe('run');
    expect((await kept.latest('2.4.1', { season: '2021-22', scope: 'x' }))?.answer).toBe('document');
    expect(reads.length).toBe(readsAfterFirst);
    // Another season is another read; and the records are in the warehouse, as a fresh store reads them.
    expect(await kept.latest('2.1.1', { season: '2022-23', scope: 'x' })).toBeNull();
    expect(reads.length).toBe(readsAfterFirst + 1);
    expect((await new DecisionStore(w, 'nba_reference').list({ season: '2021-22' })).map((d) => d.gate)).toEqual(['2.1.1', '2.4.1']);
  });
});

describe('a query started early', () => {
  const marks = 'nba_reference.prefetch_marks';
  const count = sqlStep({ id: 'T.1', title: 'Count the marks', query: () => ({ sql: `SELECT COUNT(*) AS marks FROM \`${PROJECT}.${marks}\``, params: {} }) });
  const mark = actionStep<void, void>({
    id: 'T.2', title: 'Add a mark', commands: () => [], plan: () => ['adds a mark'],
    run: async (ctx) => { await ctx.w.execute(`INSERT INTO \`${PROJECT}.${marks}\` VALUES (1)`); },
  });
  const def = (flow: RunbookDef['flow']): RunbookDef => ({ script: 'test-prefetch', title: 'Prefetch', defaultRange: () => ({ start: '2021-10-19', end: '2021-10-31' }), steps: [count, mark], flow });

  async function run(flow: RunbookDef['flow']): Promise<string> {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => { text += String(d); });
    const code = await runScript(def(flow), ['--yes', '--journal', sb.journal], { out, stderr: out, warehouse: w });
    expect(code, text).toBe(0);
    return text;
  }

  it('is shown at its turn when nothing was written since, and run again after a data-changing step', async () => {
    await w.execute(`CREATE TABLE IF NOT EXISTS \`${PROJECT}.${marks}\` (m INT64)`);
    await w.execute(`DELETE FROM \`${PROJECT}.${marks}\` WHERE TRUE`);
    // Started before the mark is added: the count shown must still be the one after it.
    const text = await run(async (nb) => { nb.prefetch([count]); await nb.action(mark, undefined); await nb.sql(count); });
    expect(text).toMatch(/\|\s+marks\s+\|[\s\S]*?\|\s+1\s+\|/);
    // Started with nothing in between: its own result, the same as running it then.
    const again = await run(async (nb) => { nb.prefetch([count]); await nb.sql(count); });
    expect(again).toMatch(/\|\s+marks\s+\|[\s\S]*?\|\s+1\s+\|/);
  });
});

describe('one read for several jobs', () => {
  it('finds, for every table the jobs check, the same missing dates as a read of that table alone', async () => {
    const jobs = [...PHASE3_JOBS, ...PHASE4_JOBS];
    const range = { start: '2021-10-19', end: '2021-12-31' };
    const facts = await readDateFacts(w, range, { tables: jobs.flatMap(planTables) });
    const games = facts.games;
    // The schedule's final games, read here without the code under test.
    const sched = await w.query<{ d: string }>(`SELECT DISTINCT game_date AS d FROM \`${PROJECT}.nba_raw.nbac_schedule\` WHERE game_status = 3 AND game_date BETWEEN DATE '2021-10-19' AND DATE '2021-12-31' ORDER BY d`);
    expect(games).toEqual(sched.rows.map((r) => r.d));
    for (const t of jobs.flatMap(planTables)) {
      expect([...datesLacking(facts, t, games)].sort(), t.table).toEqual([...await datesWithout(w, t.table, t.dateColumn, games)].sort());
    }
  });
});

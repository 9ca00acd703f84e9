/** How Step 5's checks read on screen: a narrow table, then the explanations as lines. */
import type { Output } from '../notebook/output.ts';
import { outcomeRows, type TableOutcome } from './outcomes.ts';
import { qualityRows, type QualityCheck } from './quality.ts';
import type { RerunPlan } from './rerun.ts';
import { count } from './ranges.ts';
import { formatRanges } from '../seasons/calendar.ts';

export function showOutcomes(out: Output, outcomes: TableOutcome[]): void {
  const rows = outcomeRows(outcomes);
  const scope = outcomes[0]?.scope;
  if (scope) out.info(`Scope run: ${scope.label}. "original_in_data": what the original's figure counts here (every final game date, postseason included); "expected": the scope run.`);
  out.table(['phase', 'table_name', 'original', 'original_in_data', 'expected', 'actual', 'status'], rows);
  for (const l of scope?.leftOut ?? []) {
    out.warn(`left out: ${l.what}${l.games ? ` (${count(l.games, 'final game date')})` : ''} — ${l.why}; fill it with:`);
    out.code(`$ ${l.command}`);
  }
  for (const o of outcomes) {
    out.info(`${o.met ? out.c.green('✔') : out.c.red('✘')} ${o.row.table}: expected ${o.expected.length} = ${o.basis.join('; ')}`);
    if (!o.met || o.actual !== o.expected.length) out.info(`    difference: ${o.difference.join('; ')}`);
  }
  const short = outcomes.filter((o) => !o.met);
  if (short.length) out.warn(`${count(short.length, 'table')} short of expected: ${short.map((o) => o.row.table).join(', ')}`);
  else out.ok('every table holds every expected date');
}

export function showQuality(out: Output, checks: QualityCheck[]): void {
  out.table(['season', 'expectation', 'actual', 'status'], qualityRows(checks));
  for (const q of checks) out.info(`${qualityMark(out, q)} ${q.season} ${q.expectation}: ${q.explanation}`);
  const off = checks.filter((q) => q.status === 'not met');
  if (off.length) out.warn(`${count(off.length, 'quality expectation')} not met`);
  else out.ok('quality as the original expects');
}

/** ✔ only where every part of the line is met: a check met overall with weeks below the bar gets a warning mark. */
export function qualityMark(out: Pick<Output, 'c'>, q: QualityCheck): string {
  if (q.status === 'not met') return out.c.red('✘');
  if (q.status === 'n/a') return '-';
  return q.lowWeeks?.length ? out.c.yellow('!') : out.c.green('✔');
}

export function showPlan(out: Output, plan: RerunPlan): void {
  if (!plan.steps.length && !plan.unrecoverable.length) { out.ok('nothing to re-run'); return; }
  if (plan.steps.length) {
    out.info('Re-run, in this order (Phase 2 loads, then Phase 3, then Phase 4 in its order):');
    for (const s of plan.steps) {
      out.info(`• ${s.job}, ${count(s.dates.length, 'date')}: ${s.why}`);
      out.code(`$ ${s.command}`);
    }
  }
  for (const u of plan.unrecoverable) {
    out.warn(`${u.job}: ${formatRanges(u.dates)} cannot be filled by a re-run: ${u.why}; document them`);
  }
}

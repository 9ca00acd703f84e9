/**
 * Step 1.2's decision, from the original's table:
 *   all critical tables 99%+ → proceed; any critical < 95% → fix Phase 2 first;
 *   only optional tables low → document and proceed.
 * The original leaves a critical table between 95% and 99% undecided; the run
 * history settles it: while a missing date of such a table has not had a Phase 2
 * re-load, fixing (1.3) is cheap and may recover it; once every missing date's
 * re-load has failed, the source has nothing more to give, so document and proceed.
 */
import type { GateChoice, GateStep } from '../notebook/steps.ts';
import type { Row } from '../warehouse/types.ts';

export interface CoverageRow { table_name: string; actual_dates: number; expected: number; pct: number }

/** A game date a raw table lacks, with its latest Phase 2 re-load (raw/<table>) in the run history. */
export interface MissingLoad { table_name: string; missing_date: string; last_load: 'none' | 'failed' | 'success' }

export interface Phase2Evidence { coverage: CoverageRow[]; missing: MissingLoad[] }

export interface Phase2Policy {
  critical: string[];
  optional: string[];
  /** At or above: good enough to proceed. */
  proceedPct: number;
  /** Below: fix first. */
  fixBelowPct: number;
}

export const DEFAULT_POLICY: Phase2Policy = {
  critical: ['nbac_schedule', 'nbac_team_boxscore', 'nbac_gamebook_player_stats'],
  optional: ['bdl_player_boxscores'],
  proceedPct: 99,
  fixBelowPct: 95,
};

export const PHASE2_CHOICES: GateChoice[] = [
  { value: 'proceed', label: 'Proceed to Step 2', effect: 'proceed' },
  { value: 'document', label: 'Document the gaps and proceed', effect: 'proceed', needsNote: true },
  { value: 'fix', label: 'Fix Phase 2 gaps first (1.3)', effect: 'repair' },
  { value: 'stop', label: 'Stop here', effect: 'stop' },
];

const fmt = (r: CoverageRow) => `${r.table_name} ${r.pct}% (${r.actual_dates}/${r.expected})`;
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export function phase2Gate(policy: Phase2Policy = DEFAULT_POLICY): Omit<GateStep<Phase2Evidence>, 'id' | 'title' | 'kind'> {
  const { proceedPct: hi, fixBelowPct: lo } = policy;
  const role = (t: string) => (policy.critical.includes(t) ? 'critical' : policy.optional.includes(t) ? 'optional' : 'unclassified');
  const missingOf = (e: Phase2Evidence, tables: CoverageRow[]) => e.missing.filter((m) => tables.some((t) => t.table_name === m.table_name));
  const notReloaded = (ms: MissingLoad[]) => ms.filter((m) => m.last_load !== 'failed');
  return {
    question: 'Phase 2 coverage: how do you want to go on?',
    choices: PHASE2_CHOICES,
    table: () => [
      { when: `all critical tables ${hi}%+ (and optional ones too)`, choice: 'proceed', action: 'Proceed to Step 2' },
      { when: `any critical table < ${lo}%`, choice: 'fix', action: 'Fix Phase 2 gaps first (1.3), while a missing date has not been re-loaded' },
      { when: `any critical table < ${lo}% and every missing date's re-load failed`, choice: 'stop', action: 'Stop: the source has nothing more; ask the data provider' },
      { when: `a critical table between ${lo}% and ${hi}%, some missing date not yet re-loaded`, choice: 'fix', action: 'Fix Phase 2 gaps first (1.3): a re-load may recover them' },
      { when: `a critical table between ${lo}% and ${hi}%, every missing date's re-load failed`, choice: 'document', action: 'Document and proceed: the source has nothing more' },
      { when: `critical tables ${hi}%+, only optional tables < ${hi}%`, choice: 'document', action: 'Document and proceed' },
    ],
    evidence: (e): Row[] => e.coverage.map((r) => {
      const ms = e.missing.filter((m) => m.table_name === r.table_name);
      return {
        table_name: r.table_name, role: role(r.table_name), actual_dates: r.actual_dates, expected: r.expected, pct: r.pct,
        verdict: r.pct >= hi ? 'ok' : r.pct < lo ? `below ${lo}%` : `${lo}-${hi}%`,
        reload_failed: ms.filter((m) => m.last_load === 'failed').length,
        not_reloaded: notReloaded(ms).length,
      };
    }),
    decide(e) {
      const rows = e.coverage;
      if (!rows.length) return { recommendation: 'stop', reason: 'no coverage figures at all: the raw tables could not be counted' };
      const critical = rows.filter((r) => role(r.table_name) === 'critical');
      const others = rows.filter((r) => role(r.table_name) !== 'critical');
      const missingCritical = policy.critical.filter((t) => !rows.some((r) => r.table_name === t));
      if (missingCritical.length) return { recommendation: 'fix', reason: `no coverage figure for critical table(s) ${missingCritical.join(', ')}` };
      const bad = critical.filter((r) => r.pct < lo);
      if (bad.length) {
        const open = notReloaded(missingOf(e, bad));
        if (!open.length) return { recommendation: 'stop', reason: `critical table(s) below ${lo}%: ${bad.map(fmt).join(', ')}, and every missing date's re-load has already failed: the source has nothing more; ask the data provider` };
        return { recommendation: 'fix', reason: `critical table(s) below ${lo}%: ${bad.map(fmt).join(', ')}; ${count(open.length, 'missing date')} not yet re-loaded` };
      }
      const middling = critical.filter((r) => r.pct < hi);
      if (middling.length) {
        const ms = missingOf(e, middling);
        const open = notReloaded(ms);
        if (open.length) {
          return { recommendation: 'fix', reason: `critical table(s) between ${lo}% and ${hi}%: ${middling.map(fmt).join(', ')}; ${count(open.length, 'missing date')} of ${ms.length} not yet re-loaded from the source (${byDate(open).slice(0, 5).join(', ')}${open.length > 5 ? ', …' : ''}): a re-load (1.3) may recover them` };
        }
        return { recommendation: 'document', reason: `critical table(s) between ${lo}% and ${hi}%: ${middling.map(fmt).join(', ')}; every missing date's re-load has failed (${byDate(ms).join(', ')}): the source has nothing more, document them and proceed` };
      }
      const lowOptional = others.filter((r) => r.pct < hi);
      if (lowOptional.length) return { recommendation: 'document', reason: `all critical tables are ${hi}%+; only optional table(s) are low: ${lowOptional.map(fmt).join(', ')}` };
      const lowest = [...rows].sort((a, b) => a.pct - b.pct)[0];
      const failed = e.missing.filter((m) => m.last_load === 'failed').length;
      return { recommendation: 'proceed', reason: `all tables are ${hi}%+ (lowest: ${fmt(lowest)})${failed ? `; ${count(failed, 'missing table-date')} the source could not re-load` : ''}` };
    },
  };
}

/** Missing dates in calendar order (the rows come table by table): the earliest first. */
function byDate(rows: { missing_date: string }[]): string[] {
  return rows.map((m) => m.missing_date).sort();
}

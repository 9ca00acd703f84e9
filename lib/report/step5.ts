/**
 * Step 5's report, assembled from what the steps found: the original's three
 * queries, the expected outcomes and quality checks, what to re-run, every
 * gate decision of the backfill (from the warehouse, else the journal) and the coverage calendars.
 */
import type { CoverageCalendar } from '../calendar-view/calendar.ts';
import type { Decision, RunContext } from '../notebook/steps.ts';
import type { QueryResult, Row } from '../warehouse/types.ts';
import { outcomeRows, type TableOutcome } from '../final/outcomes.ts';
import { count } from '../final/ranges.ts';
import { qualityRows, type QualityCheck } from '../final/quality.ts';
import type { RerunPlan } from '../final/rerun.ts';
import { acceptanceGate, type FinalVerdict } from '../final/acceptance.ts';
import { readGateDecisions, type GateDecision } from './journal-gates.ts';
import type { ReportData, ReportTable } from './model.ts';
import { writeReport } from './write.ts';
import { weeklyQuality, type WeekQuality } from './quality-weeks.ts';
import { qualityByDate } from '../queries/final.ts';
import { backfillRanges } from '../final/ranges.ts';
import type { QualityDay } from '../final/quality.ts';
import { DecisionStore } from '../decisions/store.ts';
import { gateDecisionRows, mergeDecisionRows } from '../decisions/report.ts';

/** What Step 5's steps found, gathered as the flow goes (a step skipped by --from leaves its part empty). */
export interface FinalFindings {
  dir: string;
  coverage?: QueryResult | null;
  failures?: QueryResult | null;
  quality?: QueryResult | null;
  calendars?: CoverageCalendar[];
  verdict: FinalVerdict | null;
  answer: string | null;
}

/**
 * Reads the gate decisions from the warehouse (runbook_decisions: every
 * operator's, this run's included; plus the journal's answers the warehouse lacks)
 * and Phase 4 quality by week, and writes both files.
 */
export async function writeFinalReport(ctx: RunContext, f: FinalFindings): Promise<{ md: string; html: string }> {
  const recorded = gateDecisionRows(await new DecisionStore(ctx.w, ctx.opts.decisionsDataset).list());
  const q = qualityByDate(ctx);
  const days = (await ctx.w.query<QualityDay & Record<string, string | number>>(q.sql, q.params)).rows;
  return writeReport(f.dir, finalReport({
    qualityWeeks: weeklyQuality(days, backfillRanges(ctx.range, ctx.asOf)),
    range: ctx.range, asOf: ctx.asOf, project: ctx.project, backend: ctx.opts.backend,
    coverage: f.coverage ?? null, failures: f.failures ?? null, quality: f.quality ?? null,
    outcomes: f.verdict?.outcomes ?? null, qualityChecks: f.verdict?.quality ?? null, plan: f.verdict?.plan ?? null,
    calendars: f.calendars ?? [],
    decision: f.verdict ? acceptanceGate().decide(f.verdict) : null,
    answer: f.answer,
    gates: mergeDecisionRows(recorded, readGateDecisions(ctx.opts.journal)),
  }));
}

export interface FinalReportInput {
  range: { start: string; end: string };
  asOf: string;
  project: string;
  backend: string;
  coverage: QueryResult | null;
  failures: QueryResult | null;
  quality: QueryResult | null;
  outcomes: TableOutcome[] | null;
  qualityChecks: QualityCheck[] | null;
  plan: RerunPlan | null;
  calendars: CoverageCalendar[];
  decision: Decision | null;
  answer: string | null;
  gates: GateDecision[];
  qualityWeeks?: WeekQuality[];
  now?: Date;
}

function fromResult(r: QueryResult | null, empty: string): ReportTable {
  return r ? { columns: r.columns.map((c) => c.name), rows: r.rows, empty } : { columns: [], rows: [], empty: 'Not run.' };
}

function rowsTable(rows: Row[] | null, empty: string): ReportTable {
  return { columns: Object.keys(rows?.[0] ?? {}), rows: rows ?? [], empty: rows ? empty : 'Not run.' };
}

/** The scope run, and each scope left out with why (its command is listed under the table). */
function scopeLines(outcomes: TableOutcome[] | null | undefined): string[] {
  const scope = outcomes?.[0]?.scope;
  if (!scope) return [];
  return [`Scope run: ${scope.label}.`, ...scope.leftOut.map((l) => `Left out: ${l.what}${l.games ? ` (${count(l.games, 'final game date')})` : ''} — ${l.why}.`)];
}

export function finalReport(i: FinalReportInput): ReportData {
  const plan = i.plan;
  return {
    title: `Backfill Final Validation — ${i.asOf}`,
    asOf: i.asOf,
    range: i.range,
    generatedAt: (i.now ?? new Date()).toISOString().replace('T', ' ').slice(0, 19) + ' UTC',
    project: i.project,
    backend: i.backend,
    verdict: { recommendation: i.decision?.recommendation ?? null, reason: i.decision?.reason ?? 'the acceptance gate was not reached', answer: i.answer },
    sections: [
      { heading: '5.1 Overall Coverage', tables: [fromResult(i.coverage, 'No rows.')] },
      { heading: '5.2 Failure Summary', text: ['failure_count counts every failed attempt (as the original); still_failing counts dates whose latest attempt failed.'], tables: [fromResult(i.failures, 'No failed attempts in the range.')] },
      { heading: '5.3 Quality Distribution', tables: [fromResult(i.quality, 'No player_shot_zone_analysis records in the range.')] },
      {
        heading: 'Expected Outcomes',
        text: [
          "The original's figures are approximate; original_in_data is what the original's figure counts in this data (every final game date, postseason included); the expected figure is derived from the schedule, the scope that was run, the bootstrap rule and the odds feed.",
          ...scopeLines(i.outcomes),
        ],
        tables: [rowsTable(i.outcomes && outcomeRows(i.outcomes), 'No tables checked.')],
        commands: i.outcomes?.[0]?.scope.leftOut.map((l) => l.command),
      },
      { heading: 'Quality Expectations', tables: [rowsTable(i.qualityChecks && qualityRows(i.qualityChecks), 'No quality figures.')] },
      {
        heading: 'What to Re-run',
        text: plan && !plan.steps.length && !plan.unrecoverable.length ? ['Nothing: every expected date is present.'] : [],
        tables: plan ? [
          ...(plan.steps.length ? [{ title: 'Re-run, in this order', columns: ['job', 'dates', 'why'], rows: plan.steps.map((s) => ({ job: s.job, dates: s.dates.length, why: s.why })) }] : []),
          ...(plan.unrecoverable.length ? [{ title: 'Cannot be filled by a re-run: document', columns: ['job', 'dates', 'why'], rows: plan.unrecoverable.map((u) => ({ job: u.job, dates: u.dates.join(', '), why: u.why })) }] : []),
        ] : [],
        commands: plan?.steps.map((s) => s.command),
      },
      {
        heading: 'Gate Decisions',
        tables: [{ columns: ['when', 'script', 'range', 'gate', 'answer', 'by', 'note', 'times_asked'], rows: i.gates, empty: 'No gate decisions recorded.' }],
      },
    ],
    calendars: i.calendars,
    qualityWeeks: i.qualityWeeks,
  };
}
